/**
 * V8 code cache for the CLI bundle. Node 20 has no `module.enableCompileCache()`, so dist/cli.js is a
 * small loader (src/cli/loader.ts) that compiles the bundle beside it with `vm.Script` and `cachedData`
 * kept here. Agent hosts spawn `daytona-mcp start` on every session; with the cache, compiling its
 * 750 KB is mostly skipped (numbers in bench/results.md). Other verbs neither read nor write it.
 *
 * Trust: V8 checks that cached data fits the V8 version, flags and source length — not the source's
 * content — so the cache is only read from a directory of the user's own that nobody else can write,
 * like ~/.daytona/mcp itself (whoever can write there could replace the server anyway). Any problem
 * means "compile as usual": the cache can make a start faster, never make it fail.
 */
import { lstatSync, mkdirSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { compileCacheDir } from '../core/daytona-home';
import type { SdkCodeCache } from '../core/sdk-code-cache';
import { writePrivateFileAtomic } from '../core/private-file';

/** `DAYTONA_MCP_CACHE_DIR=off` turns the cache off; any other value is the directory to use. */
export const CACHE_DIR_ENV = 'DAYTONA_MCP_CACHE_DIR';

export type CacheState = 'hit' | 'miss' | 'rejected' | 'off' | 'untrusted';

/**
 * Where the cache for this bundle and this runtime lives, or undefined when caching is off. `kind`:
 * the CLI bundle, or the SDK embedded in it (sdkCacheHooks).
 */
export function cacheFilePath(bundleHash: string, env: NodeJS.ProcessEnv = process.env, kind: 'cli' | 'sdk' = 'cli'): string | undefined {
  const configured = env[CACHE_DIR_ENV];
  if (configured === 'off') return undefined;
  const dir = configured || compileCacheDir(env);
  // Node (and Electron, for editor-launched servers) versions each get their own file.
  const runtime = `${process.versions.electron ? `electron${process.versions.electron}` : `node${process.versions.node}`}-v8${process.versions.v8}-${process.arch}`;
  return join(dir, `${kind}-${bundleHash}-${runtime}.bin`.replace(/[^\w.-]/g, '_'));
}

/** Owned by us and not writable by group or others (POSIX; Windows has no such bits, and per-user profiles). */
function isPrivate(stats: Stats): boolean {
  if (process.platform === 'win32') return true;
  const uid = process.getuid?.();
  return (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
}

/** The cached data at `file`, or why there is none to use. */
export function readCache(file: string): { data?: Buffer; state: 'miss' | 'untrusted' | 'found' } {
  try {
    const dir = lstatSync(join(file, '..'));
    if (!dir.isDirectory() || !isPrivate(dir)) return { state: 'untrusted' };
    const stats = lstatSync(file);
    if (!stats.isFile() || !isPrivate(stats)) return { state: 'untrusted' };
    return { data: readFileSync(file), state: 'found' };
  } catch {
    return { state: 'miss' };
  }
}

/** Writes the cache atomically (temp file + rename), 0600 in a 0700 directory. Errors are swallowed. */
export function writeCache(file: string, data: Buffer): boolean {
  const dir = join(file, '..');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivate(lstatSync(dir))) return false;
    writePrivateFileAtomic(file, data);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the script's cache `afterMs` from now, or at exit if sooner, once: by then the code the start
 * (or the first call) ran has been compiled too, and is in the cache.
 */
export function saveLater(file: string, script: { createCachedData(): Buffer }, afterMs: number): void {
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    writeCache(file, script.createCachedData());
  };
  setTimeout(save, afterMs).unref();
  process.once('exit', save);
}

/** Written this long after the SDK ran (or at exit, if sooner): by then the first call's code is compiled too. */
const SDK_WRITE_AFTER_MS = 3000;

/**
 * The same cache for the SDK the bundle embeds (src/core/sdk-code-cache.ts), which every server
 * compiles on its first API call: ~1 MB of JavaScript, ~15 ms to compile and more to compile lazily.
 * Same folder, same trust rules; `start` installs these hooks, nothing else does.
 */
export function sdkCacheHooks(env: NodeJS.ProcessEnv = process.env): SdkCodeCache {
  let file: string | undefined;
  let found: ReturnType<typeof readCache> | undefined;
  return {
    read(hash) {
      file = cacheFilePath(hash, env, 'sdk');
      found = file ? readCache(file) : undefined;
      return found?.data;
    },
    loaded(_hash, state, script) {
      const shown: CacheState = !file ? 'off' : found?.state === 'untrusted' ? 'untrusted' : state;
      if (env.DAYTONA_MCP_DEBUG_CACHE === '1') process.stderr.write(`daytona-mcp: SDK code cache ${shown}${file ? ` (${file})` : ''}\n`);
      if (file && (shown === 'miss' || shown === 'rejected')) saveLater(file, script, SDK_WRITE_AFTER_MS);
    },
  };
}
