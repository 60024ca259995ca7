/**
 * Where the embedded SDK (scripts/build.mjs) finds a V8 code cache for its ~1 MB of JavaScript, which
 * every server process compiles on its first API call. Core only holds the two hooks; the `start` verb
 * fills them with its cache folder (src/cli/compile-cache.ts), so the editor and the other verbs
 * compile as usual and write nothing.
 */
export interface SdkCodeCache {
  /** Cached data for the SDK build `hash`, or undefined (none, untrusted, caching off). */
  read(hash: string): Buffer | undefined;
  /** The SDK has run; `rejected`: V8 refused the data given, `hit`: it used it. `script` can make new data. */
  loaded(hash: string, state: 'hit' | 'miss' | 'rejected', script: { createCachedData(): Buffer }): void;
}

export const sdkCodeCache: { hooks?: SdkCodeCache } = {};
