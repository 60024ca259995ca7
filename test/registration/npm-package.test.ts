/**
 * The CLI without an editor: the npm package scripts/pack-cli.mjs makes is run with
 * `npx -y file:<tarball> init claude` in an empty HOME with only Node on PATH; the agent's entry
 * points at the stable copy under ~/.daytona/mcp (never npx's cache) and serves the tools.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { CLI } from '../helpers/mcp-client';
import { assertNoSecret, SENTINEL_KEY } from '../helpers/secrets';
import { listToolsAndSandboxes, readWrittenEntry } from '../helpers/launch-entry';
import { packCli } from '../../scripts/pack-cli.mjs';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30, seed: [{ name: 'from-npx', state: 'started' }] });
});
after(() => emu.close());

function npx(args: string[], home: string, cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env = {
      HOME: home,
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      npm_config_update_notifier: 'false',
      DAYTONA_API_KEY: SENTINEL_KEY,
      DAYTONA_API_URL: emu.url,
    };
    const p = spawn(join(dirname(process.execPath), 'npx'), args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    p.stderr.on('data', (c: Buffer) => (out += c));
    p.on('error', reject);
    p.on('close', (status) => {
      assertNoSecret(out, `npx ${args.join(' ')}`);
      resolve({ status, out });
    });
  });
}

test('npm package: only the bundled CLI and its notices; `npx -y <tarball> init claude` in an empty HOME installs the stable launcher', async (t) => {
  const packed = packCli({ outDir: mkdtempSync(join(tmpdir(), 'npm-pack-')) });
  const bundle = packed.files.find((f) => /^dist\/cli\.bundle-[0-9a-f]{16}\.js$/.test(f));
  assert.ok(bundle, `the bundle the loader reads is packed: ${packed.files.join(', ')}`);
  assert.deepEqual(packed.files.sort(), ['LICENSE', 'README.md', 'dist/cli.js', 'dist/cli.js.LEGAL.txt', bundle, 'dist/daytona-sdk.LEGAL.txt', 'package.json'].sort());
  t.diagnostic(`tarball ${packed.bytes} bytes (${packed.unpackedBytes} unpacked)`);

  const home = mkdtempSync(join(tmpdir(), 'npx-home-'));
  const r = await npx(['-y', `file:${packed.tarball}`, 'init', 'claude'], home, mkdtempSync(join(tmpdir(), 'npx-cwd-')));
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /Claude Desktop: created /);
  const path = join(home, '.config', 'Claude', 'claude_desktop_config.json');
  const entry = await readWrittenEntry('claude', path);
  const stable = join(home, '.daytona', 'mcp', 'daytona-mcp.js');
  assert.deepEqual(entry.args, [stable, 'start']);
  assert.equal(entry.command, process.execPath, 'the node that ran npx, not a path in its cache');
  assert.doesNotMatch(readFileSync(path, 'utf8'), /_npx|\.npm/);
  assert.ok(readFileSync(stable).equals(readFileSync(CLI)), 'the stable copy is the packed CLI');
  const stableBundle = join(home, '.daytona', 'mcp', `daytona-mcp${bundle.slice('dist/cli'.length)}`);
  assert.ok(readFileSync(stableBundle).equals(readFileSync(join(dirname(CLI), basename(bundle)))), 'and beside it the bundle it reads');

  const { listed } = await listToolsAndSandboxes(entry, home);
  assert.deepEqual(listed.structuredContent?.sandboxes.map((s) => s.name), ['from-npx']);
});
