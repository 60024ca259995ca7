/**
 * Daytona CLI profiles and organisations (issue 17): a CLI config with two key profiles and one token
 * profile, each pointing at its own emulator. The built server picks the active profile by default,
 * `--profile` or DAYTONA_PROFILE otherwise; the token login sends its organisation header; an unknown
 * profile is an error naming the existing ones.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parse } from 'jsonc-parser';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { spawnServer, type SpawnedServer } from '../helpers/mcp-client';
import { runCli } from '../helpers/run-cli';
import { assertNoSecret } from '../helpers/secrets';

const KEY_A = 'profile-a-key-Zr41Hq8Lm';
const KEY_B = 'profile-b-key-Pw73Nx2Vd';
const TOKEN_C = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjIn0.c2lnbmF0dXJlLWM';
const ORG_C = 'org-c-5d2e9a71';
const SECRETS = [KEY_A, KEY_B, TOKEN_C];

const emus: Record<'a' | 'b' | 'c', Emulator> = {} as never;
let configDir: string;
const spawned: SpawnedServer[] = [];

before(async () => {
  emus.a = await startEmulator({ apiKeys: [KEY_A] });
  emus.b = await startEmulator({ apiKeys: [KEY_B] });
  emus.c = await startEmulator({ apiKeys: [TOKEN_C], organizationId: ORG_C });
  for (const [k, emu] of Object.entries(emus)) emu.seedSandbox({ name: `only-in-${k}`, state: 'started' });
  configDir = mkdtempSync(join(tmpdir(), 'daytona-cli-config-'));
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      activeProfile: 'id-a',
      profiles: [
        { id: 'id-a', name: 'personal', api: { url: emus.a.url, key: KEY_A } },
        { id: 'id-b', name: 'work', api: { url: emus.b.url, key: KEY_B } },
        { id: 'id-c', name: 'team-sso', api: { url: emus.c.url, token: { accessToken: TOKEN_C, refreshToken: 'r', expiresAt: '2099-01-01T00:00:00Z' } }, activeOrganizationId: ORG_C },
      ],
    }),
  );
});
after(async () => {
  for (const s of spawned) {
    await s.close();
    assertNoSecret(`${s.stderr()}${s.log()}`, 'server output and audit log', SECRETS);
  }
  await Promise.all(Object.values(emus).map((e) => e.close()));
});

async function namesSeen(opts: { args?: string[]; env?: Record<string, string> }): Promise<string[]> {
  const s = await spawnServer({ args: opts.args, env: { DAYTONA_CONFIG_DIR: configDir, ...opts.env } });
  spawned.push(s);
  const r = (await s.client.callTool({ name: 'list_sandboxes', arguments: {} })) as CallToolResult;
  assert.equal(r.isError, undefined, JSON.stringify(r.content));
  return (r.structuredContent as { sandboxes: Array<{ name: string }> }).sandboxes.map((x) => x.name);
}

test('default: the CLI\'s active profile', async () => {
  assert.deepEqual(await namesSeen({}), ['only-in-a']);
});

test('--profile picks another (by name or id), and wins over DAYTONA_PROFILE', async () => {
  assert.deepEqual(await namesSeen({ args: ['--profile', 'work'] }), ['only-in-b']);
  assert.deepEqual(await namesSeen({ args: ['--profile', 'id-b'], env: { DAYTONA_PROFILE: 'team-sso' } }), ['only-in-b']);
});

test('DAYTONA_PROFILE picks the token profile, which sends its organisation', async () => {
  emus.c.resetStats();
  assert.deepEqual(await namesSeen({ env: { DAYTONA_PROFILE: 'team-sso' } }), ['only-in-c']);
  const api = emus.c.stats().requests.filter((r) => r.path.startsWith('/api/sandbox'));
  assert.ok(api.length > 0);
  for (const r of api) assert.equal(r.organizationId, ORG_C, `${r.method} ${r.path}`);
  // A key login sends none.
  assert.ok(emus.a.stats().requests.every((r) => r.organizationId === undefined));
});

test('an unknown profile is an error naming the existing ones (start, status, init)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'daytona-mcp-profiles-'));
  const env = { DAYTONA_CONFIG_DIR: configDir };
  for (const args of [['start', '--profile', 'nope'], ['status', '--profile', 'nope'], ['init', 'cursor', '--profile', 'nope']]) {
    const r = await runCli(home, args, env);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, /no Daytona CLI profile "nope".*Profiles: "personal", "work", "team-sso"/s, args.join(' '));
    assertNoSecret(r.stdout + r.stderr, args.join(' '), SECRETS);
  }
  const viaEnv = await runCli(home, ['status'], { ...env, DAYTONA_PROFILE: 'nope' });
  assert.match(viaEnv.stderr, /Profiles: "personal", "work", "team-sso"/);
});

test('status shows the profile and organisation; init writes the profile into the agent\'s entry', async () => {
  const home = mkdtempSync(join(tmpdir(), 'daytona-mcp-profiles-'));
  const env = { DAYTONA_CONFIG_DIR: configDir };
  const status = await runCli(home, ['status', '--json', '--profile', 'team-sso'], env);
  const report = JSON.parse(status.stdout) as { ok: boolean; profile: string; organizationId: string };
  assert.deepEqual([report.ok, report.profile, report.organizationId], [true, 'team-sso', ORG_C]);
  mkdirSync(join(home, '.cursor'));
  const init = await runCli(home, ['init', 'cursor', '--profile', 'work'], env);
  assert.equal(init.status, 0, init.stderr);
  const text = readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8');
  const entry = parse(text).mcpServers.daytona as { args: string[] };
  assert.deepEqual(entry.args.slice(-2), ['--profile', 'work']);
  assertNoSecret(text, 'the agent config', SECRETS);
});
