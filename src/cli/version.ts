declare const __VERSION__: string | undefined;

/** Injected by the build; "dev" when running from source. */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
