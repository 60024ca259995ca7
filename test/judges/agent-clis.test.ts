/**
 * The agents' own CLIs judge what `init` writes: Claude Code's and Gemini CLI's `mcp list` start the
 * configured server and report "Connected"; Codex's `mcp get` shows how it parsed the TOML table.
 * The CLIs (pinned in scripts/agent-clis.mjs) are installed into .cache/agent-clis/ on first use,
 * from the npm registry; `npm run test:judges` runs this file (the unit suite leaves it out).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { runCli } from '../helpers/run-cli';
import { SENTINEL_KEY, assertNoSecret } from '../helpers/secrets';
import { AGENT_FILES } from '../registration/fixtures';
import { ensureAgentCli } from '../../scripts/agent-clis.mjs';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30 });
});
after(() => emu.close());

const withKey = () => ({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs an agent CLI with HOME and a PATH that has node (the CLIs are Node programs) but nothing else of ours. */
function judge(bin: string, args: string[], home: string, cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env = {
      HOME: home,
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      NO_COLOR: '1',
    };
    const p = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    p.stderr.on('data', (c: Buffer) => (out += c));
    // A guard against a hung CLI, not an assertion on time.
    const guard = setTimeout(() => p.kill('SIGKILL'), 180_000);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(guard);
      assertNoSecret(out, `${bin} ${args.join(' ')}`);
      resolve({ status, out });
    });
  });
}

function withFile(prefix: string, rel: string, text: string): string {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(dirname(join(home, rel)), { recursive: true });
  writeFileSync(join(home, rel), text);
  return home;
}

test('Claude Code: `claude mcp list` starts the entry init wrote (empty HOME and a realistic ~/.claude.json) and reports Connected', async () => {
  const claude = ensureAgentCli('claude');
  for (const home of [mkdtempSync(join(tmpdir(), 'judge-claude-')), withFile('judge-claude-kept-', '.claude.json', AGENT_FILES['claude-code'])]) {
    const r = await runCli(home, ['init', 'claude-code'], withKey());
    assert.equal(r.status, 0, r.stderr);
    const server = join(home, '.daytona', 'mcp', 'daytona-mcp.js');
    const list = await judge(claude, ['mcp', 'list'], home, mkdtempSync(join(tmpdir(), 'judge-cwd-')));
    assert.match(list.out, new RegExp(`daytona: ${escape(process.execPath)} ${escape(server)} start - ✔ Connected`), list.out);
  }
});

test('Claude Code: `claude mcp get daytona` in the folder reads the project-scope .mcp.json init --workspace wrote', async () => {
  const claude = ensureAgentCli('claude');
  const home = mkdtempSync(join(tmpdir(), 'judge-claude-ws-'));
  const ws = mkdtempSync(join(tmpdir(), 'judge-claude-proj-'));
  assert.equal((await runCli(home, ['init', 'claude-code', '--workspace', ws], withKey())).status, 0);
  const get = await judge(claude, ['mcp', 'get', 'daytona'], home, ws);
  assert.match(get.out, /Scope: Project config \(shared via \.mcp\.json\)/, get.out);
  assert.match(get.out, new RegExp(`Command: ${escape(process.execPath)}\n`));
  assert.match(get.out, new RegExp(`Args: ${escape(join(home, '.daytona', 'mcp', 'daytona-mcp.js'))} start\n`));
  // A project server waits for the user's approval before Claude Code starts it (its own rule).
  assert.match(get.out, /Pending approval/);
});

test('Gemini CLI: `gemini mcp list` in a trusted folder reports Connected, for the user file and the folder file', async () => {
  const gemini = ensureAgentCli('gemini');
  const home = mkdtempSync(join(tmpdir(), 'judge-gemini-'));
  const ws = mkdtempSync(join(tmpdir(), 'judge-gemini-ws-'));
  // Gemini CLI keeps servers disabled in folders the user has not trusted (its own file, not ours).
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [ws]: 'TRUST_FOLDER' }));
  const connected = (h: string) => new RegExp(`✓ daytona: ${escape(process.execPath)} ${escape(join(h, '.daytona', 'mcp', 'daytona-mcp.js'))} start \\(stdio\\) - Connected`);

  assert.equal((await runCli(home, ['init', 'gemini'], withKey())).status, 0);
  const user = await judge(gemini, ['mcp', 'list'], home, ws);
  assert.match(user.out, connected(home), user.out);

  const other = mkdtempSync(join(tmpdir(), 'judge-gemini-home2-'));
  mkdirSync(join(other, '.gemini'));
  writeFileSync(join(other, '.gemini', 'trustedFolders.json'), JSON.stringify({ [ws]: 'TRUST_FOLDER' }));
  assert.equal((await runCli(other, ['init', 'gemini', '--workspace', ws], withKey())).status, 0);
  const project = await judge(gemini, ['mcp', 'list'], other, ws);
  assert.match(project.out, connected(other), project.out);
});

test('Codex CLI: `codex mcp get daytona` parses the table init wrote, alone and inside a realistic config.toml', async () => {
  const codex = ensureAgentCli('codex');
  for (const home of [mkdtempSync(join(tmpdir(), 'judge-codex-')), withFile('judge-codex-kept-', join('.codex', 'config.toml'), AGENT_FILES.codex)]) {
    assert.equal((await runCli(home, ['init', 'codex'], withKey())).status, 0);
    const get = await judge(codex, ['mcp', 'get', 'daytona'], home, home);
    assert.equal(get.status, 0, get.out);
    assert.match(get.out, /transport: stdio/);
    assert.match(get.out, new RegExp(`command: ${escape(process.execPath)}\\n`));
    assert.match(get.out, new RegExp(`args: ${escape(join(home, '.daytona', 'mcp', 'daytona-mcp.js'))} start\\n`));
    // The user's own server is still read as they wrote it.
    if (home.includes('kept')) assert.match((await judge(codex, ['mcp', 'get', 'github'], home, home)).out, /command: docker/);
  }
  // With --inline-key the table gets an inline env table, which Codex reads (and masks).
  const inline = mkdtempSync(join(tmpdir(), 'judge-codex-inline-'));
  assert.equal((await runCli(inline, ['init', 'codex', '--inline-key'], withKey())).status, 0);
  const get = await judge(codex, ['mcp', 'get', 'daytona'], inline, inline);
  assert.match(get.out, /env: DAYTONA_API_KEY=\*+/, get.out);
});
