/**
 * dist/cli.js: this loader with the real CLI bundle (src/cli/main.ts, built by scripts/build.mjs)
 * embedded as a string. It compiles the bundle with V8's code cache (src/cli/compile-cache.ts) and runs
 * it as this very module, so the bundle sees the usual require/module/__filename. cli.js stays one
 * self-contained file that init can copy to ~/.daytona/mcp/daytona-mcp.js.
 */
import { Script } from 'node:vm';
import { cacheFilePath, readCache, writeCache, type CacheState } from './compile-cache';

/** The CLI bundle, wrapped: `(function (exports, require, module, __filename, __dirname) {…\n})`. */
declare const __BUNDLE_SOURCE__: string;
declare const __BUNDLE_HASH__: string;

/** Written this long after start (or at exit, if sooner): by then the start-up code has been compiled too. */
const WRITE_AFTER_MS = 3000;

function run(): void {
  // Only the server start is worth a cache: agent hosts spawn it on every session. The other verbs are
  // run by hand, and must not write anything they do not say (init --dry-run writes nothing at all).
  const asksHelp = process.argv.includes('--help') || process.argv.includes('-h');
  const file = process.argv[2] === 'start' && !asksHelp ? cacheFilePath(__BUNDLE_HASH__) : undefined;
  const cached = file ? readCache(file) : undefined;
  // The bundle comes wrapped as Node's CommonJS loader wraps a module (line numbers in stack traces
  // stay those of the bundle), so it is compiled as it is, without a concatenated copy.
  const script = new Script(__BUNDLE_SOURCE__, {
    filename: __filename,
    cachedData: cached?.data,
  });
  const state: CacheState = !file ? 'off' : cached?.state === 'untrusted' ? 'untrusted' : !cached?.data ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (process.env.DAYTONA_MCP_DEBUG_CACHE === '1') process.stderr.write(`daytona-mcp: compile cache ${state}${file ? ` (${file})` : ''}\n`);
  if (file && (state === 'miss' || state === 'rejected')) {
    let saved = false;
    const save = () => {
      if (saved) return;
      saved = true;
      writeCache(file, script.createCachedData());
    };
    setTimeout(save, WRITE_AFTER_MS).unref();
    process.once('exit', save);
  }
  script.runInThisContext()(module.exports, require, module, __filename, __dirname);
}

run();
