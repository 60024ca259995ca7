/**
 * The one API key every test uses. It is deliberately distinctive so that a suite-wide check can
 * prove it never shows up in output, logs or config files.
 */
export const SENTINEL_KEY = 'sentinel-key-7Qx9Lm2Vb8Rt4Zp6';
export const OTHER_KEY = 'rotated-key-3Hd8Ks1Wq5Yn0Cj7';

export function assertNoSecret(text: string, where: string, secrets: readonly string[] = [SENTINEL_KEY, OTHER_KEY]): void {
  for (const s of secrets) {
    if (text.includes(s)) throw new Error(`API key leaked into ${where}`);
  }
}
