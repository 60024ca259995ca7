/**
 * `dist/cli.js init/config/status` end to end, with HOME set to an empty temp dir: the written entry
 * is launched exactly as written with a minimal PATH and serves the tools against the emulator using
 * the stored credentials, while no config file ever holds the key.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { runCli, unreachableApiUrl } from '../helpers/run-cli';
import { listToolsAndSandboxes } from '../helpers/launch-entry';
import { OTHER_KEY, SENTINEL_KEY } from '../helpers/secrets';
import { TOOL_NAMES } from '../../src/core/tools';
import { HOST_IDS } from '../../src/registration/hosts';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30, seed: [{ name: 'from-config', state: 'started' }] });
});
after(() => emu.close());

const cli = (home: string, args: string[], env: Record<string, string> = {}) => runCli(home, args, env);
const withKey = () => ({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
const configPaths = (home: string) => ({
  cursor: join(home, '.cursor', 'mcp.json'),
  windsurf: join(home, '.codeium', 'windsurf', 'mcp_config.json'),
  claude: join(home, '.config', 'Claude', 'claude_desktop_config.json'),
});

for (const host of ['cursor', 'claude', 'windsurf'] as const) {
  test(`init ${host}: valid config, launches as written with a minimal PATH, no key in the file, idempotent`, async () => {
    const home = mkdtempSync(join(tmpdir(), `init-${host}-`));
    const r = await cli(home, ['init', host], withKey());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Checked: ${emu.url} accepted the key from DAYTONA_API_KEY`));
    const path = configPaths(home)[host];
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(SENTINEL_KEY), 'config holds no key');
    const entry = parse(text).mcpServers.daytona;
    assert.equal(entry.command, process.execPath);
    assert.equal(entry.args[0], join(home, '.daytona', 'mcp', 'daytona-mcp.js'));
    assert.equal(statSync(join(home, '.daytona', 'mcp', 'credentials.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, '.daytona', 'mcp')).mode & 0o777, 0o700);

    const { tools, listed } = await listToolsAndSandboxes(entry, home);
    assert.equal(tools.length, TOOL_NAMES.length);
    assert.equal(listed.isError, undefined);
    assert.deepEqual(listed.structuredContent?.sandboxes.map((s) => s.name), ['from-config']);

    const before = statSync(path).mtimeMs;
    const again = await cli(home, ['init', host], withKey());
    assert.match(again.stdout, /nothing changed/);
    assert.equal(readFileSync(path, 'utf8'), text);
    assert.equal(statSync(path).mtimeMs, before);
    assert.ok(!existsSync(`${path}.bak`), 'no backup when nothing changed');
  });
}

test('a commented config keeps its comments and other servers; the previous file is backed up', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-comments-'));
  const path = configPaths(home).cursor;
  mkdirSync(join(home, '.cursor'));
  const original = '// my servers\n{\n  "mcpServers": {\n    /* keep me */\n    "other": { "command": "x", "args": [] }, // trailing\n  },\n  "unknownKey": true\n}\n';
  writeFileSync(path, original);
  assert.equal((await cli(home, ['init', 'cursor'], withKey())).status, 0);
  const text = readFileSync(path, 'utf8');
  for (const kept of ['// my servers', '/* keep me */', '"other": { "command": "x", "args": [] }, // trailing', '"unknownKey": true']) assert.ok(text.includes(kept), kept);
  assert.equal(readFileSync(`${path}.bak`, 'utf8'), original);
  assert.ok(parse(text).mcpServers.daytona);
});

test('an unparsable config is left untouched with a clear error', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-broken-'));
  const path = configPaths(home).cursor;
  mkdirSync(join(home, '.cursor'));
  writeFileSync(path, '{ "mcpServers": { oops }');
  const r = await cli(home, ['init', 'cursor'], withKey());
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /mcp\.json.*line 1/s);
  assert.equal(readFileSync(path, 'utf8'), '{ "mcpServers": { oops }');
});

test('--dry-run writes nothing; --inline-key is an explicit opt-in; vscode uses the servers shape', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-flags-'));
  const dry = await cli(home, ['init', 'windsurf', '--dry-run'], withKey());
  assert.equal(dry.status, 0);
  assert.match(dry.stdout, /Would create/);
  assert.ok(!existsSync(configPaths(home).windsurf));
  assert.ok(!existsSync(join(home, '.daytona')));

  const inline = await cli(home, ['init', 'cursor', '--inline-key'], withKey());
  assert.equal(inline.status, 0);
  assert.match(inline.stdout, /Warning: the API key was written/);
  assert.equal(parse(readFileSync(configPaths(home).cursor, 'utf8')).mcpServers.daytona.env.DAYTONA_API_KEY, SENTINEL_KEY);

  const ws = mkdtempSync(join(tmpdir(), 'ws-'));
  assert.equal((await cli(home, ['init', 'vscode', '--workspace', ws, '--read-only'], withKey())).status, 0);
  const vs = parse(readFileSync(join(ws, '.vscode', 'mcp.json'), 'utf8'));
  assert.equal(vs.servers.daytona.type, 'stdio');
  assert.deepEqual(vs.servers.daytona.args.slice(1), ['start', '--read-only']);
});

test('unknown agents and options exit 2 and name the valid ones', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-bad-'));
  const r = await cli(home, ['init', 'emacs']);
  assert.equal(r.status, 2);
  for (const id of HOST_IDS) assert.ok(r.stderr.includes(id), r.stderr);
  assert.match(r.stderr, /claude \(Claude Desktop\), claude-code \(Claude Code\)/, 'the refusal says which id is Claude Desktop');
  assert.equal((await cli(home, ['init', 'cursor', '--tools', 'nope'])).status, 2);
  assert.equal((await cli(home, ['init', 'cursor', '--frobnicate'])).status, 2);
});

test('config prints the paste-able JSON with its wrapper and no key; status reports without the key', async () => {
  const home = mkdtempSync(join(tmpdir(), 'config-'));
  const c = await cli(home, ['config', 'vscode'], withKey());
  assert.equal(c.status, 0);
  assert.ok(JSON.parse(c.stdout).servers.daytona);
  await cli(home, ['init', 'cursor'], withKey());
  const s = await cli(home, ['status'], { DAYTONA_API_URL: emu.url });
  assert.equal(s.status, 0);
  assert.match(s.stdout, /API key:\s+credentials file/);
  assert.match(s.stdout, /key accepted/);
  assert.match(s.stdout, /Cursor\s+global\s+configured/);
});

test('init and config write the creation limit and the profile into the entry; a bad limit exits 2 and writes nothing', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-limit-'));
  assert.equal((await cli(home, ['init', 'cursor', '--max-create', '5'], withKey())).status, 0);
  const entry = parse(readFileSync(configPaths(home).cursor, 'utf8')).mcpServers.daytona;
  assert.deepEqual(entry.args.slice(1), ['start', '--max-create', '5']);
  const c = await cli(home, ['config', 'cursor', '--profile', 'work', '--max-create', '0'], withKey());
  assert.equal(c.status, 0, c.stderr);
  const args: string[] = JSON.parse(c.stdout).mcpServers.daytona.args.slice(1);
  assert.ok(args.join(' ').includes('--max-create 0') && args.join(' ').includes('--profile work'), args.join(' '));
  const other = mkdtempSync(join(tmpdir(), 'init-limit-bad-'));
  const bad = await cli(other, ['init', 'cursor', '--max-create', 'lots'], withKey());
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--max-create takes a whole number of sandboxes \(0 = unlimited\)/);
  assert.equal(existsSync(configPaths(other).cursor), false);
});

test('a credentials file others can read is refused, with the fix in the error', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-perm-'));
  assert.equal((await cli(home, ['init', 'cursor'], withKey())).status, 0);
  chmodSync(join(home, '.daytona', 'mcp', 'credentials.json'), 0o644);
  const entry = parse(readFileSync(configPaths(home).cursor, 'utf8')).mcpServers.daytona;
  const { listed } = await listToolsAndSandboxes(entry, home);
  assert.equal(listed.isError, true);
  const text = JSON.stringify(listed);
  assert.match(text, /readable by other users/);
  assert.match(text, /chmod 600/);
});

/** Nothing init could have written: no agent config, no server copy, no credentials, no HTTP state. */
function assertNothingWritten(home: string) {
  assert.ok(!existsSync(join(home, '.daytona')), '~/.daytona was created');
  for (const path of Object.values(configPaths(home))) assert.ok(!existsSync(path), `${path} was created`);
}

test('init checks the key against the API first: a rejected key is refused, nothing written, --no-check overrides', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-rejected-'));
  const rejected = { DAYTONA_API_KEY: OTHER_KEY, DAYTONA_API_URL: emu.url };
  const r = await cli(home, ['init', 'cursor'], rejected);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`Refused: The Daytona API at ${emu.url} rejected the API key from DAYTONA_API_KEY environment variable`));
  assert.match(r.stderr, /Nothing was written\.\nNext: set DAYTONA_API_KEY to a valid key/);
  assert.match(r.stderr, /pass --no-check/);
  assertNothingWritten(home);

  const forced = await cli(home, ['init', 'cursor', '--no-check'], rejected);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /Key not checked \(--no-check\); run "daytona-mcp status"/);
  assert.ok(existsSync(configPaths(home).cursor));
  assert.equal(JSON.parse(readFileSync(join(home, '.daytona', 'mcp', 'credentials.json'), 'utf8')).apiUrl, emu.url);
});

test('init with an unreachable API warns that it could not check, and keeps the key and URL it was given', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-offline-'));
  const url = await unreachableApiUrl();
  const env = { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: url };
  const dry = await cli(home, ['init', 'cursor', '--dry-run'], env);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /Warning: could not check the key\. Could not reach .*Nothing was written \(--dry-run\)/);
  assertNothingWritten(home);

  const r = await cli(home, ['init', 'cursor'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Warning: could not check the key\\. Could not reach the Daytona API at ${url} \\(from the DAYTONA_API_URL environment variable\\)`));
  assert.match(r.stdout, /saved anyway; run "daytona-mcp status" once the API is reachable/);
  const stored = JSON.parse(readFileSync(join(home, '.daytona', 'mcp', 'credentials.json'), 'utf8'));
  assert.deepEqual(stored, { apiKey: SENTINEL_KEY, apiUrl: url });
  assert.ok(parse(readFileSync(configPaths(home).cursor, 'utf8')).mcpServers.daytona);
});

test('init refuses an invalid API URL (even with --no-check), naming the variable, and writes nothing', async () => {
  for (const url of ['foo', 'ftp://example.com/api', SENTINEL_KEY]) {
    const home = mkdtempSync(join(tmpdir(), 'init-badurl-'));
    const r = await cli(home, ['init', 'cursor', '--no-check'], { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: url });
    assert.equal(r.status, 1, url);
    assert.match(r.stderr, /The Daytona API URL from the DAYTONA_API_URL environment variable is not valid/);
    assert.match(r.stderr, /Next: Set DAYTONA_API_URL to an http\(s\) URL of the Daytona API such as https:\/\/app\.daytona\.io\/api/);
    assertNothingWritten(home);
  }
});

test('init refuses a URL that is not the Daytona API (answers 404), with the /api hint', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-wrongurl-'));
  const origin = new URL(emu.url).origin;
  const r = await cli(home, ['init', 'cursor'], { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: origin });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /answered with an error \(not_found 404\)/);
  assert.match(r.stderr, /usually ends in \/api/);
  assertNothingWritten(home);
});

test('--workspace must name an existing folder: exit 2, clear error, nothing created', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-ws-'));
  const parent = mkdtempSync(join(tmpdir(), 'ws-parent-'));
  const missing = join(parent, 'nonexistent', 'dir');
  const r = await cli(home, ['init', 'cursor', '--workspace', missing], withKey());
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`--workspace ${missing}: no such folder`));
  assert.ok(!existsSync(join(parent, 'nonexistent')), 'the folder tree was created');
  assertNothingWritten(home);

  const file = join(parent, 'a-file');
  writeFileSync(file, 'x');
  const f = await cli(home, ['init', 'vscode', '--workspace', file], withKey());
  assert.equal(f.status, 2);
  assert.match(f.stderr, /is a file, not a folder/);
  assert.equal(readFileSync(file, 'utf8'), 'x');
});

test('init re-run with only a key keeps the API URL saved earlier, checks the key there, and says so', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-keepurl-'));
  assert.equal((await cli(home, ['init', 'cursor'], withKey())).status, 0);
  const again = await cli(home, ['init', 'claude'], { DAYTONA_API_KEY: SENTINEL_KEY });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`Checked: ${emu.url} accepted the key`));
  assert.match(again.stdout, /The API URL is the one saved by an earlier init; set DAYTONA_API_URL to use another/);
  const stored = JSON.parse(readFileSync(join(home, '.daytona', 'mcp', 'credentials.json'), 'utf8'));
  assert.deepEqual(stored, { apiKey: SENTINEL_KEY, apiUrl: emu.url });
  // The agent registered by the second run reaches the emulator, not the public API.
  const entry = parse(readFileSync(configPaths(home).claude, 'utf8')).mcpServers.daytona;
  const { listed } = await listToolsAndSandboxes(entry, home);
  assert.deepEqual(listed.structuredContent?.sandboxes.map((s) => s.name), ['from-config']);
});

test('init --inline-key writes the API URL next to the key in the entry', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-inline-url-'));
  const r = await cli(home, ['init', 'cursor', '--inline-key'], withKey());
  assert.equal(r.status, 0, r.stderr);
  const entry = parse(readFileSync(configPaths(home).cursor, 'utf8')).mcpServers.daytona;
  assert.equal(entry.env.DAYTONA_API_URL, emu.url);
  const { listed } = await listToolsAndSandboxes(entry, home);
  assert.deepEqual(listed.structuredContent?.sandboxes.map((s) => s.name), ['from-config']);
});

test('init with no key anywhere: exit 1, says how to get one, writes nothing', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-nokey-'));
  for (const args of [['init', 'cursor'], ['init', 'claude', '--no-check']]) {
    const r = await cli(home, args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /No Daytona API key found .*Nothing was written\./);
    assert.match(r.stderr, new RegExp(`Next: create a key in the Daytona dashboard \\(Keys\\), then run "DAYTONA_API_KEY=<key> daytona-mcp ${args.join(' ').replace(/ --.*/, '')}"`));
    assert.match(r.stderr, /daytona login/);
    assertNothingWritten(home);
  }
  // The shared HTTP server brings its own credentials (the shell that starts it): init --http only says so.
  const shared = await cli(home, ['init', 'cursor', '--http']);
  assert.equal(shared.status, 0, shared.stderr);
  assert.match(shared.stdout, /No API key found here: start the shared server \("daytona-mcp start --http"\) where DAYTONA_API_KEY is set/);
});

test('<verb> --help prints that verb\'s usage and exits 0, changing nothing', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-help-'));
  for (const verb of ['start', 'init', 'config', 'status', 'logs', 'tools', 'token']) {
    for (const flag of ['--help', '-h']) {
      const r = await cli(home, [verb, flag]);
      assert.equal(r.status, 0, `${verb} ${flag}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`Usage: daytona-mcp ${verb}`), `${verb} ${flag}: ${r.stdout.slice(0, 80)}`);
    }
  }
  const init = await cli(home, ['init', 'cursor', '--help']);
  assert.match(init.stdout, /claude \(Claude Desktop\)/);
  assert.equal((await cli(home, ['help', 'status'])).stdout.split('\n')[0], 'Usage: daytona-mcp status [--json] [--profile NAME]');
  assertNothingWritten(home);
});

test('claude-desktop is accepted as Claude Desktop (init and config)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-alias-'));
  const r = await cli(home, ['init', 'claude-desktop'], withKey());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Claude Desktop: created /);
  assert.ok(parse(readFileSync(configPaths(home).claude, 'utf8')).mcpServers.daytona);
  assert.equal((await cli(home, ['config', 'claude-desktop'])).status, 0);
});

test('init vscode without --workspace refuses (exit 2) and writes no .vscode/ into the current folder', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-vscode-cwd-'));
  const cwd = mkdtempSync(join(tmpdir(), 'cwd-'));
  const r = await runCli(home, ['init', 'vscode'], withKey(), cwd);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /VS Code keeps MCP servers per folder \(<folder>\/\.vscode\/mcp\.json\): pass --workspace DIR \(e\.g\. --workspace \. for this folder\)/);
  assert.ok(!existsSync(join(cwd, '.vscode')), '.vscode/ was written into the current folder');
  assertNothingWritten(home);
});
