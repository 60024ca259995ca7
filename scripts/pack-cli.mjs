// Packs the CLI on its own for npm (`npx -y <tarball or name> init claude`), separate from the
// editor extension: package.json is the extension's manifest (vsce, "private"), so the CLI gets its
// own small manifest here, holding only dist/cli.js (self-contained: the SDK is embedded), its
// licence notices, the README and LICENSE. Run after `node scripts/build.mjs --production`.
//   node scripts/pack-cli.mjs            → dist/npm/<name>-<version>.tgz (path printed)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundleIn } from './cli-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_PACKAGE_NAME = '@sandbox-tools/daytona-mcp';

const README = `# daytona-mcp

The Daytona sandboxes MCP server and its CLI, without an editor. It registers itself with Claude
Desktop, Claude Code, Codex CLI, Gemini CLI, Zed, Cursor, Windsurf or VS Code:

    DAYTONA_API_KEY=… npx -y ${CLI_PACKAGE_NAME} init claude-code

\`init\` copies the server to \`~/.daytona/mcp/daytona-mcp.js\` (a stable path that does not depend on
npx's cache), keeps the key in \`~/.daytona/mcp/credentials.json\` (mode 0600, never in the agent's
config) and adds one entry to the agent's config file, keeping every other byte of it.
\`npx -y ${CLI_PACKAGE_NAME} status\` shows what is set up; \`--help\` lists every command.

Needs Node.js 20 or newer. The editor extension "Daytona Sandboxes & MCP" bundles the same CLI.
`;

/** Writes the package folder and packs it; returns the tarball's path and size. */
export function packCli({ outDir = join(root, 'dist', 'npm') } = {}) {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs --production first.');
  const ext = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const stage = join(outDir, 'package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'dist'), { recursive: true });
  // The loader and the bundle it reads beside it (src/cli/loader.ts).
  const bundle = cliBundleIn(join(root, 'dist'));
  if (!bundle) throw new Error('dist/cli.bundle-<hash>.js is missing: run node scripts/build.mjs --production first.');
  const files = ['dist/cli.js', `dist/${bundle}`, 'dist/cli.js.LEGAL.txt', 'dist/daytona-sdk.LEGAL.txt'];
  for (const f of files) copyFileSync(join(root, f), join(stage, f));
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  writeFileSync(join(stage, 'README.md'), README);
  const manifest = {
    name: CLI_PACKAGE_NAME,
    version: ext.version,
    description: 'Daytona sandboxes as MCP tools for AI agents: the server and its init/status CLI, no editor needed.',
    license: ext.license,
    repository: ext.repository,
    homepage: ext.homepage,
    bugs: ext.bugs,
    keywords: ['daytona', 'mcp', 'sandbox', 'claude-code', 'codex', 'gemini-cli'],
    bin: { 'daytona-mcp': 'dist/cli.js' },
    files,
    engines: { node: ext.engines.node },
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stdout}\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout);
  const tarball = join(outDir, info.filename);
  return { tarball, bytes: statSync(tarball).size, unpackedBytes: info.unpackedSize, files: info.files.map((f) => f.path) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { tarball, bytes, unpackedBytes, files } = packCli();
  console.log(`${tarball}\n${(bytes / 1024).toFixed(0)} KiB packed, ${(unpackedBytes / 1024).toFixed(0)} KiB unpacked: ${files.join(', ')}`);
}
