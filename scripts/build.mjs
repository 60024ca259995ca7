// Bundles the two artefacts: dist/cli.js (self-contained MCP server + CLI, no node_modules needed at
// run time) and dist/extension.js (the VS Code extension, `vscode` external).
//
// Start-up matters (an agent host spawns the server on every session; the editor activates the
// extension at start-up), so the bundles keep what runs at start small:
// - @daytonaio/sdk and its ~1 MB of dependencies are only needed from the first API call. Bundled
//   inline, V8 would still have to parse them on every start; instead they are bundled on their own,
//   brotli-compressed and embedded as a string that the gateway's `import('@daytonaio/sdk')` inflates
//   and evaluates on first use.
// - zod ships ~40 locales (260 KB) behind `z.locales`; only English is used.
// - The tools' JSON Schemas, and the initialize and tools/list answers, are computed here, not at
//   every start; the stdio server answers those two before it loads the MCP SDK and the tools.
// - dist/cli.js compiles its bundle with a V8 code cache (src/cli/loader.ts), skipping most of the
//   compile on every start after the first.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({ contents: "export { default as en } from 'zod/v4/locales/en.js';", resolveDir: root, loader: 'js' }));
  },
};

// The MCP SDK's Server imports its Ajv provider (Ajv, ajv-formats, fast-uri: ~17 % of the CLI bundle)
// for a default it only uses when given no validator; ours gives one (src/mcp/elicitation-validator.ts).
const noAjv = {
  name: 'no-ajv',
  setup(b) {
    b.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) =>
      /[\\/]@modelcontextprotocol[\\/]sdk[\\/]/.test(args.importer) ? { path: join(root, 'src', 'mcp', 'no-ajv.ts') } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'linked',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // ws' optional native speed-ups; it falls back to JS when they are missing.
  external: ['bufferutil', 'utf-8-validate'],
  // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
  plugins: [zodEnglishOnly, noAjv],
};

/** Runs a small TypeScript program against the sources and returns its stdout. */
async function runTs(contents) {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-build-'));
  try {
    const file = join(dir, 'run.cjs');
    await build({ ...common, sourcemap: false, minify: false, legalComments: 'none', stdin: { contents, resolveDir: root, loader: 'ts' }, outfile: file });
    return execFileSync(process.execPath, [file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The tools' JSON Schemas (for src/mcp/server.ts), and the whole initialize and tools/list answers
// as the real server gives them (src/mcp/listing.ts), which the stdio server writes before loading
// the MCP SDK (src/mcp/quick-stdio.ts).
const { toolSchemas, listing } = JSON.parse(
  await runTs(`
  import { selectTools } from './src/core/tools';
  import { toJsonSchema } from './src/mcp/schema';
  import { computeListing } from './src/mcp/listing-build';
  const toolSchemas: Record<string, unknown> = {};
  for (const t of selectTools({})) toolSchemas[t.name] = { input: toJsonSchema(t.input, 'input'), output: toJsonSchema(t.output, 'output') };
  computeListing(__VERSION__).then((listing) => process.stdout.write(JSON.stringify({ toolSchemas, listing })));
`),
);

const sdk = await build({
  ...common,
  sourcemap: false,
  minify: true,
  legalComments: 'eof',
  stdin: { contents: "export * from '@daytonaio/sdk';", resolveDir: root, loader: 'js' },
  // The SDK names its errors after their classes (`this.name = new.target.name`) and src/core/errors.ts
  // classifies them by that name: minifying must not rename them.
  keepNames: true,
  write: false,
  outfile: 'daytona-sdk.js',
});
const packedSdk = brotliCompressSync(Buffer.from(sdk.outputFiles[0].contents), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).toString('base64');
// Names the SDK's code cache (src/core/sdk-code-cache.ts): V8 checks a cache's source length, not its text.
const sdkHash = createHash('sha256').update(sdk.outputFiles[0].contents).digest('hex').slice(0, 16);
const embeddedSdk = {
  name: 'embedded-sdk',
  setup(b) {
    b.onResolve({ filter: /^@daytonaio\/sdk$/ }, (args) => (/[\\/]node_modules[\\/]/.test(args.importer) ? undefined : { path: 'daytona-sdk', namespace: 'embedded-sdk' }));
    b.onLoad({ filter: /.*/, namespace: 'embedded-sdk' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: `
const { brotliDecompressSync } = require('node:zlib');
const { Script } = require('node:vm');
const { sdkCodeCache } = require('./src/core/sdk-code-cache');
const hash = ${JSON.stringify(sdkHash)};
const source = brotliDecompressSync(Buffer.from(${JSON.stringify(packedSdk)}, 'base64')).toString('utf8');
const hooks = sdkCodeCache.hooks;
let cachedData;
try {
  cachedData = hooks && hooks.read(hash);
} catch {}
const script = new Script('(function (module, exports, require) {' + source + '\\n})', { filename: 'daytona-sdk.js', cachedData });
const sdk = { exports: {} };
script.runInThisContext()(sdk, sdk.exports, require);
try {
  if (hooks) hooks.loaded(hash, !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit', script);
} catch {}
module.exports = sdk.exports;
`,
    }));
  },
};

const define = { ...common.define, __TOOL_SCHEMAS__: JSON.stringify(toolSchemas), __MCP_LISTING__: JSON.stringify(listing) };
const [cliBundle] = await Promise.all([
  build({ ...common, define, plugins: [...common.plugins, embeddedSdk], entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', write: false }),
  build({ ...common, plugins: [...common.plugins, embeddedSdk], entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] }),
]);
// dist/cli.js is src/cli/loader.ts; the CLI bundle sits beside it as dist/cli.bundle-<hash>.js, which the
// loader reads and compiles with V8's code cache (Node 20 has no module.enableCompileCache). Embedded in
// the loader as a string, the bundle's 700 KB were held twice by every server: in Node's copy of the
// loader's source and in the string compiled. The bundle's other outputs (legal comments, source map) are
// written as they are.
let cliSource;
for (const out of cliBundle.outputFiles) {
  if (out.path.endsWith('cli.js')) cliSource = out.text.replace(/^#!.*\n/, '');
  else writeFileSync(out.path, out.contents);
}
const bundleHash = createHash('sha256').update(cliSource).digest('hex').slice(0, 16);
// Wrapped as a CommonJS module function: the loader compiles the file's text as it is, without a
// concatenated copy. The hash in the name lets init replace a copy atomically (src/registration/install.ts).
writeFileSync(new URL(`../dist/cli.bundle-${bundleHash}.js`, import.meta.url), `(function (exports, require, module, __filename, __dirname) {${cliSource}\n})`);
await build({
  ...common,
  plugins: [],
  sourcemap: false,
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  define: {
    __BUNDLE_HASH__: JSON.stringify(bundleHash),
    __BUNDLE_SUFFIX__: JSON.stringify(`.bundle-${bundleHash}.js`),
  },
  entryPoints: ['src/cli/loader.ts'],
  outfile: 'dist/cli.js',
});
// The embedded SDK's licence comments, next to the bundles' own.
const sdkLegal = sdk.outputFiles[0].text.match(/\/\*![\s\S]*?\*\/|\/\/! .*$/gm) ?? [];
if (sdkLegal.length) writeFileSync(new URL('../dist/daytona-sdk.LEGAL.txt', import.meta.url), `${sdkLegal.join('\n')}\n`);
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
console.log(`built dist/cli.js and dist/extension.js (${pkg.version}${production ? ', production' : ''})`);
