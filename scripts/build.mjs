// Bundles the two artefacts: dist/cli.js (self-contained MCP server + CLI, no node_modules needed at
// run time) and dist/extension.js (the VS Code extension, `vscode` external).
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

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
};

await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js'}),
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] }),
]);
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
console.log(`built dist/cli.js and dist/extension.js (${pkg.version}${production ? ', production' : ''})`);
