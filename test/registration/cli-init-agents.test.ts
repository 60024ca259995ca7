/**
 * `init` for the agents that live outside editors (Claude Code, Codex CLI, Gemini CLI, Zed), end to
 * end with the built CLI in an empty HOME: the entry runs as the agent would launch it and lists the
 * emulator's sandboxes; a realistic file keeps every byte outside our entry; a second init changes
 * nothing; a broken file is refused with its line and column. (test/agents/ lets the agents' own
 * CLIs judge the same files.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { runCli } from '../helpers/run-cli';
import { SENTINEL_KEY } from '../helpers/secrets';
import { listToolsAndSandboxes, readWrittenEntry } from '../helpers/launch-entry';
import { TOOL_NAMES } from '../../src/core/tools';
import { HOSTS } from '../../src/registration/hosts';
import { planRemove } from '../../src/registration/official-entry';
import { AGENT_FILES, BROKEN_AGENT_FILES } from './fixtures';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30, seed: [{ name: 'agent-box', state: 'started' }] });
});
after(() => emu.close());

const withKey = () => ({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
const AGENTS = ['claude-code', 'codex', 'gemini', 'zed'] as const;
type Agent = (typeof AGENTS)[number];
export const userFile = (agent: Agent, home: string): string =>
  ({
    'claude-code': join(home, '.claude.json'),
    codex: join(home, '.codex', 'config.toml'),
    gemini: join(home, '.gemini', 'settings.json'),
    zed: join(home, '.config', 'zed', 'settings.json'),
  })[agent];

for (const agent of AGENTS) {
  test(`init ${agent} in an empty HOME: the entry launches as the agent would and lists the sandboxes; idempotent`, async () => {
    const home = mkdtempSync(join(tmpdir(), `init-${agent}-`));
    const r = await runCli(home, ['init', agent], withKey());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${HOSTS[agent].displayName}: created ${userFile(agent, home).replace(/\./g, '\\.')}`));
    const path = userFile(agent, home);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(SENTINEL_KEY), 'config holds no key');
    const entry = await readWrittenEntry(agent, path);
    assert.equal(entry.command, process.execPath);
    assert.deepEqual(entry.args, [join(home, '.daytona', 'mcp', 'daytona-mcp.js'), 'start']);
    if (agent === 'zed') assert.equal(entry.source, 'custom');
    if (agent === 'claude-code') assert.equal(entry.type, 'stdio');

    const { tools, listed } = await listToolsAndSandboxes(entry, home);
    assert.equal(tools.length, TOOL_NAMES.length);
    assert.equal(listed.isError, undefined);
    assert.deepEqual(listed.structuredContent?.sandboxes.map((s) => s.name), ['agent-box']);

    const mtime = statSync(path).mtimeMs;
    const again = await runCli(home, ['init', agent], withKey());
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/);
    assert.equal(readFileSync(path, 'utf8'), text);
    assert.equal(statSync(path).mtimeMs, mtime);
    assert.ok(!existsSync(`${path}.bak`), 'no backup when nothing changed');
  });

  test(`init ${agent}: a realistic existing file keeps every byte outside our entry, and is backed up`, async () => {
    const home = mkdtempSync(join(tmpdir(), `keep-${agent}-`));
    const path = userFile(agent, home);
    mkdirSync(dirname(path), { recursive: true });
    const original = AGENT_FILES[agent];
    writeFileSync(path, original);
    const r = await runCli(home, ['init', agent], withKey());
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(path, 'utf8');
    // Taking our entry out again gives back the user's file byte for byte.
    const host = HOSTS[agent];
    const removed = planRemove(text, { topKey: host.topKey, name: 'daytona', file: path }, host.format);
    assert.equal(removed.newText, original);
    assert.equal(readFileSync(`${path}.bak`, 'utf8'), original);
    const entry = await readWrittenEntry(agent, path);
    assert.equal(entry.args[1], 'start');
    if (agent === 'claude-code') {
      // Every key the tool owns is still there with its value; only mcpServers.daytona is new.
      const before = JSON.parse(original);
      const now = JSON.parse(text);
      assert.deepEqual({ ...now, mcpServers: { ...now.mcpServers, daytona: undefined } }, { ...before, mcpServers: { ...before.mcpServers, daytona: undefined } });
      assert.deepEqual(now.projects['/home/me/src/app'].mcpServers, {}, 'project-level servers untouched');
    }
    const again = await runCli(home, ['init', agent], withKey());
    assert.match(again.stdout, /nothing changed/);
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  test(`init ${agent}: a broken file is refused with its line and column and left as it was`, async () => {
    const home = mkdtempSync(join(tmpdir(), `broken-${agent}-`));
    const path = userFile(agent, home);
    mkdirSync(dirname(path), { recursive: true });
    const { text, line } = BROKEN_AGENT_FILES[agent];
    writeFileSync(path, text);
    const r = await runCli(home, ['init', agent], withKey());
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`${path.replace(/\./g, '\\.')} is not valid (JSON|TOML): .* at line ${line}, column \\d+\\.`));
    assert.equal(readFileSync(path, 'utf8'), text);
  });
}

test('--workspace: Claude Code writes .mcp.json, Gemini CLI .gemini/settings.json; Codex and Zed have no folder file', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-ws-agents-'));
  const ws = mkdtempSync(join(tmpdir(), 'ws-agents-'));
  for (const [agent, file] of [['claude-code', '.mcp.json'], ['gemini', join('.gemini', 'settings.json')]] as const) {
    const r = await runCli(home, ['init', agent, '--workspace', ws], withKey());
    assert.equal(r.status, 0, r.stderr);
    const entry = await readWrittenEntry(agent, join(ws, file));
    assert.equal(entry.command, process.execPath);
    assert.ok(!existsSync(userFile(agent, home)), `${agent}: the user file was not touched`);
  }
  for (const agent of ['codex', 'zed'] as const) {
    const r = await runCli(home, ['init', agent, '--workspace', ws], withKey());
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${HOSTS[agent].displayName} has no per-folder config file; leave out --workspace`));
  }
});

test('--http: Claude Code and Gemini CLI get the shared server URL and header; Codex and Zed are refused, nothing written', async () => {
  const home = mkdtempSync(join(tmpdir(), 'init-http-agents-'));
  for (const [agent, urlKey] of [['claude-code', 'url'], ['gemini', 'httpUrl']] as const) {
    const r = await runCli(home, ['init', agent, '--http'], withKey());
    assert.equal(r.status, 0, r.stderr);
    const entry = (await readWrittenEntry(agent, userFile(agent, home))) as unknown as Record<string, unknown>;
    assert.match(String(entry[urlKey]), /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.match(String((entry.headers as Record<string, string>).Authorization), /^Bearer \S+$/);
    assert.equal(statSync(userFile(agent, home)).mode & 0o777, 0o600, 'a file holding the token is private');
  }
  for (const agent of ['codex', 'zed'] as const) {
    const r = await runCli(home, ['init', agent, '--http'], withKey());
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${HOSTS[agent].displayName} does not load remote MCP servers .*leave out --http`));
    assert.ok(!existsSync(userFile(agent, home)));
  }
});

test('config codex prints the TOML table; status lists the new agents', async () => {
  const home = mkdtempSync(join(tmpdir(), 'config-codex-'));
  const c = await runCli(home, ['config', 'codex'], withKey());
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^\[mcp_servers\.daytona\]\ncommand = ".+"\nargs = \[".+daytona-mcp\.js", "start"\]\n$/);
  await runCli(home, ['init', 'codex'], withKey());
  await runCli(home, ['init', 'zed'], withKey());
  const s = await runCli(home, ['status'], { DAYTONA_API_URL: emu.url });
  assert.match(s.stdout, /Codex CLI\s+global\s+configured\s+\S*config\.toml/);
  assert.match(s.stdout, /Zed\s+global\s+configured/);
  assert.match(s.stdout, /Claude Code\s+global\s+no config file/);
  assert.match(s.stdout, /Gemini CLI\s+global\s+no config file/);
});
