/**
 * dist/cli.js: this loader, and beside it the real CLI bundle (src/cli/main.ts, built by
 * scripts/build.mjs) as `cli.bundle-<hash>.js`. It compiles the bundle with V8's code cache
 * (src/cli/compile-cache.ts) and runs it as this very module, so the bundle sees the usual
 * require/module/__filename. init copies both to ~/.daytona/mcp (src/registration/install.ts), where
 * they are daytona-mcp.js and daytona-mcp.bundle-<hash>.js.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Script } from 'node:vm';
import { bundleBeside } from '../core/daytona-home';
import { cacheFilePath, readCache, saveLater, type CacheState } from './compile-cache';

declare const __BUNDLE_HASH__: string;
/** `.bundle-<hash>.js`: the bundle's file is this file's name with it instead of `.js`. */
declare const __BUNDLE_SUFFIX__: string;

/**
 * The bundle's text, wrapped as Node wraps a module: `(function (exports, require, module, __filename,
 * __dirname) {…\n})`. Read from a file, the process holds it once; as a string in this file it was
 * held twice (Node keeps this file's source too), 0.6 MB of every idle server.
 */
function readBundle(): string {
  const path = bundleBeside(__filename, __BUNDLE_SUFFIX__);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    process.stderr.write(`daytona-mcp: cannot read ${path} (${why}), which ${basename(__filename)} needs beside it. Reinstall the package, or run "daytona-mcp init" or the editor's "Daytona: Init MCP" again.\n`);
    process.exit(1);
  }
}

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
  const script = new Script(readBundle(), {
    filename: __filename,
    cachedData: cached?.data,
  });
  const state: CacheState = !file ? 'off' : cached?.state === 'untrusted' ? 'untrusted' : !cached?.data ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (process.env.DAYTONA_MCP_DEBUG_CACHE === '1') process.stderr.write(`daytona-mcp: compile cache ${state}${file ? ` (${file})` : ''}\n`);
  if (file && (state === 'miss' || state === 'rejected')) saveLater(file, script, WRITE_AFTER_MS);
  script.runInThisContext()(module.exports, require, module, __filename, __dirname);
}

run();
