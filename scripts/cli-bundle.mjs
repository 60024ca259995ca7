// The CLI's bundle, which scripts/build.mjs writes beside dist/cli.js and src/cli/loader.ts reads:
// one naming rule for the scripts and the bench (src/ has its own, src/core/daytona-home.ts).
import { readdirSync } from 'node:fs';

/** `cli.bundle-<16 hex>.js`, the file's name in dist/. */
export const CLI_BUNDLE_FILE = /^cli\.bundle-[0-9a-f]{16}\.js$/;
/** `.bundle-<16 hex>.js`, as a loader's text names its bundle. */
export const BUNDLE_SUFFIX = /\.bundle-[0-9a-f]{16}\.js/;

/** The bundle's file name in `distDir`, when there is exactly one; undefined when there is none. */
export function cliBundleIn(distDir) {
  const found = readdirSync(distDir).filter((f) => CLI_BUNDLE_FILE.test(f));
  if (found.length > 1) throw new Error(`${distDir} holds ${found.length} cli.bundle-<hash>.js files, not one: run node scripts/build.mjs --production.`);
  return found[0];
}
