// Types for scripts/cli-bundle.mjs (plain Node ESM), for the bench that imports it.
export declare const CLI_BUNDLE_FILE: RegExp;
export declare const BUNDLE_SUFFIX: RegExp;
export declare function cliBundleIn(distDir: string): string | undefined;
