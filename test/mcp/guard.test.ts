/**
 * Issue 17 over MCP, against the emulator: sandboxes agents create carry provenance labels naming
 * their client, and clean-ups can pick exactly those; the per-process creation limit refuses a
 * create that would pass it before any request reaches the API.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { callTool as call, dataOf as data, serverPool, textOf as text } from '../helpers/mcp-client';
import { runCli } from '../helpers/run-cli';
import { SENTINEL_KEY } from '../helpers/secrets';
import { CLIENT_LABEL, MADE_BY_LABEL } from '../../src/core/creation-guard';

let emu: Emulator;
const servers = serverPool(() => emu.url);
const spawnWith = servers.spawn;
const creates = () => emu.stats().requests.filter((r) => r.method === 'POST' && r.path === '/api/sandbox').length;

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20, listLagMs: 0 }); // kindness asked for: this test is not about the list's lag (test/core/real-rules-list.test.ts is)
});
after(async () => {
  await servers.closeAll();
  await emu.close();
});
beforeEach(() => {
  emu.reset('none');
  emu.resetStats();
});

describe('provenance', () => {
  test("agent-made sandboxes carry the labels with the client's name; byAgent picks exactly them", async () => {
    const s = await spawnWith({ clientName: 'Visual Studio Code / Copilot Chat' });
    emu.seedSandbox({ name: 'made-by-hand', state: 'started', labels: { project: 'demo' } });
    const created = await call(s, 'create_sandbox', { name: 'agent-box', count: 2, project: 'demo', labels: { [MADE_BY_LABEL]: 'person' } });
    assert.equal(created.isError, undefined, text(created));
    const stored = emu.sandboxes().filter((x) => x.name.startsWith('agent-box'));
    assert.equal(stored.length, 2);
    for (const x of stored) {
      // The agent's own labels cannot hide where the sandbox came from.
      assert.equal(x.labels[MADE_BY_LABEL], 'agent');
      assert.equal(x.labels[CLIENT_LABEL], 'Visual-Studio-Code-Copilot-Chat');
      assert.equal(x.labels.project, 'demo');
    }
    assert.equal(emu.sandboxes().find((x) => x.name === 'made-by-hand')!.labels[MADE_BY_LABEL], undefined);

    const mine = await call(s, 'list_sandboxes', { byAgent: true });
    assert.deepEqual(data(mine).sandboxes.map((x: { name: string }) => x.name).sort(), ['agent-box-1', 'agent-box-2']);
    const theirs = await call(s, 'list_sandboxes', { byAgent: false });
    assert.deepEqual(data(theirs).sandboxes.map((x: { name: string }) => x.name), ['made-by-hand']);

    const dry = await call(s, 'cleanup_sandboxes', { states: ['started'], byAgent: true, dryRun: true });
    assert.equal(data(dry).matched.length, 2);
    const cleaned = await call(s, 'cleanup_sandboxes', { states: ['started'], byAgent: true });
    assert.deepEqual(data(cleaned).deleted.map((x: { name: string }) => x.name).sort(), ['agent-box-1', 'agent-box-2'], text(cleaned));
    const left = emu.sandboxes().filter((x) => !x.name.startsWith('DESTROYED_') && x.state !== 'destroying' && x.state !== 'destroyed');
    assert.deepEqual(left.map((x) => x.name), ['made-by-hand']);
  });

  test('an agent can neither strip the provenance labels nor put them on a person\'s sandbox', async () => {
    const s = await spawnWith({ clientName: 'cursor' });
    emu.seedSandbox({ name: 'mine', state: 'started', labels: { [MADE_BY_LABEL]: 'agent', [CLIENT_LABEL]: 'cursor' } });
    emu.seedSandbox({ name: 'yours', state: 'started', labels: { owner: 'ana' } });
    const stripped = await call(s, 'set_sandbox_labels', { sandbox: 'mine', labels: { team: 'x' }, replace: true, remove: [MADE_BY_LABEL] });
    assert.deepEqual(data(stripped).labels, { team: 'x', [MADE_BY_LABEL]: 'agent', [CLIENT_LABEL]: 'cursor' });
    const marked = await call(s, 'set_sandbox_labels', { sandbox: 'yours', labels: { [MADE_BY_LABEL]: 'agent' } });
    assert.deepEqual(data(marked).labels, { owner: 'ana' });
  });

  test('a copy made by an agent names its own client, not the source\'s', async () => {
    emu.seedSandbox({ name: 'src', state: 'started', labels: { [MADE_BY_LABEL]: 'agent', [CLIENT_LABEL]: 'other-client', team: 'x' } });
    const s = await spawnWith({ clientName: 'cursor' });
    const r = await call(s, 'create_sandbox', { name: 'copy', copyFrom: 'src' });
    assert.equal(r.isError, undefined, text(r));
    const copy = emu.sandboxes().find((x) => x.name === 'copy')!;
    assert.deepEqual([copy.labels[CLIENT_LABEL], copy.labels.team], ['cursor', 'x']);
  });

  test("an agent's fork is labelled with its own client; a source's provenance does not pass to a fork", async () => {
    emu.seedSandbox({ name: 'prod', state: 'started', labels: { [MADE_BY_LABEL]: 'agent', [CLIENT_LABEL]: 'other-client', team: 'x' } });
    const s = await spawnWith({ clientName: 'claude-code' });
    const r = await call(s, 'fork_sandbox', { sandbox: 'prod', name: 'prod-copy' });
    assert.equal(r.isError, undefined, text(r));
    const fork = emu.sandboxes().find((x) => x.name === 'prod-copy')!;
    assert.deepEqual([fork.labels[MADE_BY_LABEL], fork.labels[CLIENT_LABEL], fork.labels.team], ['agent', 'claude-code', 'x']);
  });
});

describe('creation limit', () => {
  test('a fork counts against the limit: refused before any request once it is reached', async () => {
    emu.seedSandbox({ name: 'prod', state: 'started' });
    const s = await spawnWith({ args: ['--max-create', '1'] });
    const first = await call(s, 'fork_sandbox', { sandbox: 'prod', name: 'fork-1' });
    assert.equal(first.isError, undefined, text(first));
    const before = emu.stats().requests.length;
    const refused = await call(s, 'fork_sandbox', { sandbox: 'prod', name: 'fork-2' });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /at most 1 sandbox/);
    assert.equal(emu.stats().requests.length, before, 'no request at all reached the API');
    assert.equal(emu.sandboxes().some((x) => x.name === 'fork-2'), false);
  });

  test('a fork refused by its state gives its reservation back', async () => {
    emu.seedSandbox({ name: 'idle', state: 'stopped' });
    emu.seedSandbox({ name: 'live', state: 'started' });
    const s = await spawnWith({ args: ['--max-create', '1'] });
    const refused = await call(s, 'fork_sandbox', { sandbox: 'idle' });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /only a started sandbox can be forked/);
    const ok = await call(s, 'fork_sandbox', { sandbox: 'live', name: 'live-copy' });
    assert.equal(ok.isError, undefined, text(ok));
  });

  test('--max-create 3 refuses the 4th as a whole, with no POST reaching the API, and logs the refusal', async () => {
    const s = await spawnWith({ args: ['--max-create', '3'] });
    assert.equal((await call(s, 'create_sandbox', { name: 'a', count: 2, wait: false })).isError, undefined);
    assert.equal((await call(s, 'create_sandbox', { name: 'b', wait: false })).isError, undefined);
    assert.equal(creates(), 3);
    const before = emu.stats().requests.length;
    const refused = await call(s, 'create_sandbox', { name: 'c', wait: false });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /at most 3 sandboxes/);
    assert.match(text(refused), /--max-create N/);
    assert.match(text(refused), /DAYTONA_MCP_MAX_CREATE/);
    assert.equal(emu.stats().requests.length, before, 'no request at all reached the API');
    assert.equal(creates(), 3);
    const refusal = s.logEntries().find((e) => e.event === 'create_refused');
    assert.ok(refusal, s.log());
    assert.deepEqual([refusal.max, refusal.requested, refusal.created], [3, 1, 3]);
  });

  test('a bulk create counts each sandbox: count 4 under a limit of 3 creates none', async () => {
    const s = await spawnWith({ env: { DAYTONA_MCP_MAX_CREATE: '3' } });
    const refused = await call(s, 'create_sandbox', { name: 'bulk', count: 4, wait: false });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /Nothing was created/);
    assert.equal(creates(), 0);
    // A refused call reserved nothing: the whole limit is still there.
    assert.equal((await call(s, 'create_sandbox', { name: 'ok', count: 3, wait: false })).isError, undefined);
    assert.equal(creates(), 3);
  });

  test('0 means unlimited; status shows the limit', async () => {
    const s = await spawnWith({ args: ['--max-create', '0'] });
    assert.equal((await call(s, 'create_sandbox', { name: 'many', count: 20, wait: false })).isError, undefined);
    assert.equal((await call(s, 'create_sandbox', { name: 'more', count: 20, wait: false })).isError, undefined);
    assert.equal(creates(), 40);
    const home = mkdtempSync(join(tmpdir(), 'daytona-mcp-status-'));
    const env = { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url };
    const plain = await runCli(home, ['status'], env);
    assert.match(plain.stdout, /Limit: +30 sandboxes created per server run \(default/);
    const json = JSON.parse((await runCli(home, ['status', '--json'], { ...env, DAYTONA_MCP_MAX_CREATE: '7' })).stdout) as { maxCreate: number; maxCreateFrom: string };
    assert.deepEqual([json.maxCreate, json.maxCreateFrom], [7, 'DAYTONA_MCP_MAX_CREATE']);
  });
});
