/**
 * MCP contract for the rest of the lifecycle (issue 16): update_sandbox, fork_sandbox,
 * snapshot_sandbox, get_preview_url, start_sandbox recovering/resuming, get_sandbox's build log.
 * The built server over stdio, the official client, the emulator over HTTP. Each happy path by name
 * and by id; each refusal leaves the emulator without a single write; the audit line; no token in logs.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { callTool, closeAndCheck, dataOf as data, spawnAgainst, textOf as text, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';

let emu: Emulator;
let server: SpawnedServer;

const call = (name: string, args: Record<string, unknown>): Promise<CallToolResult> => callTool(server, name, args);
const writes = () => emu.stats().requests.filter((q) => q.method !== 'GET');
const view = (id: string) => emu.sandboxes().find((s) => s.id === id);

/** The last tool_call audit entry for `tool` (the server writes it right after answering). */
async function auditOf(tool: string): Promise<Record<string, unknown>> {
  const entry = (await server.settledLogEntries()).filter((e) => e.event === 'tool_call' && e.tool === tool).at(-1);
  assert.ok(entry, `an audit line for ${tool}`);
  return entry;
}

/** A refusal: an error of `kind` whose text matches `words`, and no write reached the API. */
async function refused(name: string, args: Record<string, unknown>, kind: string, words: RegExp): Promise<CallToolResult> {
  emu.resetStats();
  const r = await call(name, args);
  assert.equal(r.isError, true, text(r));
  assert.match(text(r), new RegExp(`\\[${kind}\\]`), text(r));
  assert.match(text(r), words);
  assert.deepEqual(writes(), [], `${name} ${JSON.stringify(args)} made no API write`);
  return r;
}

before(async () => {
  // The organisation has resizing enabled (flag sandbox_resize; off by default): update_sandbox's resize
  // rules are tested here, its absence in test/core/real-rules.test.ts.
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 60, featureFlags: { sandbox_resize: true } });
  server = await spawnAgainst(emu.url);
});
after(async () => {
  await closeAndCheck([server]);
  await emu.close();
});
beforeEach(() => emu.reset('none'));

describe('fork_sandbox', () => {
  test('by name with a name, by id without: a started copy with the same settings; audited', async () => {
    const src = emu.seedSandbox({ name: 'prod', sandboxClass: 'linux-vm', snapshot: 'node-22', labels: { project: 'shop' } });
    const r = await call('fork_sandbox', { sandbox: 'prod', name: 'prod-copy' });
    assert.equal(r.isError, undefined, text(r));
    const fork = data(r).sandbox;
    assert.equal(fork.name, 'prod-copy');
    assert.equal(fork.state, 'started');
    assert.equal(data(r).sourceId, src.id);
    assert.match(text(r), /Forked prod as prod-copy \(id [0-9a-f-]{36}\)/);
    assert.equal(view(fork.id)?.labels.project, 'shop');
    assert.deepEqual((await auditOf('fork_sandbox')).sandboxIds, [src.id, fork.id]);
    assert.ok(server.logEntries().some((e) => e.event === 'api_call' && e.op === 'fork' && e.sandbox === src.id && e.fork === fork.id));

    const byId = await call('fork_sandbox', { sandbox: src.id });
    assert.equal(byId.isError, undefined, text(byId));
    assert.equal(data(byId).sandbox.state, 'started');
    assert.equal(emu.sandboxes().length, 3);
  });

  test('a stopped source, a taken name format and an unknown sandbox are refused without a write', async () => {
    emu.seedSandbox({ name: 'cold', state: 'stopped', sandboxClass: 'linux-vm' });
    await refused('fork_sandbox', { sandbox: 'cold' }, 'invalid_state', /only a started sandbox can be forked.*start_sandbox/s);
    await refused('fork_sandbox', { sandbox: 'cold', name: '-bad name' }, 'invalid_input', /Names are 1–63 characters/);
    await refused('fork_sandbox', { sandbox: 'nope' }, 'not_found', /nope/);
    assert.equal((await auditOf('fork_sandbox')).outcome, 'error');
  });
});

describe('snapshot_sandbox', () => {
  test('by name and by id: waits until the snapshot is active; list_snapshots shows it', async () => {
    const sb = emu.seedSandbox({ name: 'web', cpu: 2, memory: 4, disk: 8 });
    const r = await call('snapshot_sandbox', { sandbox: 'web', name: 'web-golden' });
    assert.equal(r.isError, undefined, text(r));
    assert.deepEqual([data(r).snapshot.name, data(r).snapshot.state, data(r).sandboxId], ['web-golden', 'active', sb.id]);
    assert.match(text(r), /create_sandbox snapshot="web-golden"/);
    assert.equal(view(sb.id)?.state, 'started');
    const listed = await call('list_snapshots', { name: 'web-golden' });
    assert.match(text(listed), /web-golden/);
    assert.equal((await auditOf('snapshot_sandbox')).outcome, 'ok');
    assert.ok(server.logEntries().some((e) => e.event === 'api_call' && e.op === 'createSnapshot' && e.sandbox === sb.id));

    const byId = await call('snapshot_sandbox', { sandbox: sb.id, name: 'web-golden-2' });
    assert.equal(data(byId).snapshot.state, 'active', text(byId));
  });

  test('a taken name is a conflict; an archived sandbox is refused; neither writes', async () => {
    emu.seedSandbox({ name: 'web' });
    emu.seedSandbox({ name: 'old', state: 'archived' });
    await refused('snapshot_sandbox', { sandbox: 'web', name: 'node-22' }, 'conflict', /already exists.*list_snapshots/s);
    await refused('snapshot_sandbox', { sandbox: 'old', name: 'old-snap' }, 'invalid_state', /archived/);
  });
});

describe('update_sandbox', () => {
  test('by name: grows cpu and memory of a started sandbox; by id: intervals and public', async () => {
    const sb = emu.seedSandbox({ name: 'api', cpu: 1, memory: 2, disk: 5 });
    const r = await call('update_sandbox', { sandbox: 'api', cpu: 2, memory: 4 });
    assert.equal(r.isError, undefined, text(r));
    assert.match(text(r), /Updated api: cpu 1→2, memory 2→4 GiB\./);
    assert.deepEqual([view(sb.id)?.cpu, view(sb.id)?.memory, view(sb.id)?.state], [2, 4, 'started']);
    assert.deepEqual(data(r).changed, ['cpu 1→2', 'memory 2→4 GiB']);

    const r2 = await call('update_sandbox', { sandbox: sb.id, autoStopMinutes: 0, autoArchiveMinutes: 60, autoDeleteMinutes: 1440, public: true });
    assert.equal(r2.isError, undefined, text(r2));
    const v = view(sb.id);
    assert.deepEqual([v?.autoStopInterval, v?.autoArchiveInterval, v?.autoDeleteInterval, v?.public], [0, 60, 1440, true]);
    assert.equal((await auditOf('update_sandbox')).outcome, 'ok');
    const ops = server.logEntries().filter((e) => e.event === 'api_call').map((e) => e.op);
    assert.deepEqual(ops.slice(-5), ['resize', 'setInterval', 'setInterval', 'setInterval', 'setPublic']);

    emu.resetStats();
    const same = await call('update_sandbox', { sandbox: 'api', cpu: 2, public: true });
    assert.match(text(same), /already has these settings; nothing sent/);
    assert.deepEqual(writes(), []);
  });

  test('disk grows on a stopped sandbox, which stays stopped', async () => {
    const sb = emu.seedSandbox({ name: 'db', state: 'stopped', disk: 5 });
    const r = await call('update_sandbox', { sandbox: 'db', disk: 9 });
    assert.equal(r.isError, undefined, text(r));
    assert.deepEqual([view(sb.id)?.disk, view(sb.id)?.state], [9, 'stopped']);
  });

  test('each resize rule is refused by name before any API write', async () => {
    emu.seedSandbox({ name: 'hot', cpu: 2, memory: 4, disk: 5 });
    emu.seedSandbox({ name: 'cold', state: 'stopped', disk: 5 });
    emu.seedSandbox({ name: 'old', state: 'archived' });
    await refused('update_sandbox', { sandbox: 'hot', disk: 8 }, 'invalid_state', /disk changes only while stopped.*stop_sandbox/s);
    await refused('update_sandbox', { sandbox: 'hot', cpu: 1 }, 'invalid_state', /lower cpu .*only grow CPU and memory/s);
    await refused('update_sandbox', { sandbox: 'hot', memory: 2, autoStopMinutes: 5 }, 'invalid_state', /lower memory/);
    await refused('update_sandbox', { sandbox: 'cold', disk: 4 }, 'invalid_input', /shrink the disk of cold from 5 to 4 GiB.*only grows/s);
    await refused('update_sandbox', { sandbox: 'old', cpu: 4 }, 'invalid_state', /archived; resizing needs a started or stopped sandbox/);
    await refused('update_sandbox', { sandbox: 'hot', gpu: 1 }, 'invalid_input', /GPU cannot be resized/);
    await refused('update_sandbox', { sandbox: 'hot' }, 'invalid_input', /Nothing to change/);
    assert.equal((await auditOf('update_sandbox')).error, 'invalid_input');
  });

  test("above the organisation's per-sandbox maxima (4 CPU, 8 GiB, 10 GiB) is refused before any write, naming the limit", async () => {
    const hot = emu.seedSandbox({ name: 'hot', cpu: 2, memory: 4, disk: 5 });
    const cold = emu.seedSandbox({ name: 'cold', state: 'stopped', cpu: 1, memory: 2, disk: 5 });
    const r = await refused('update_sandbox', { sandbox: 'hot', cpu: 9 }, 'invalid_input', /cpu 9 is above this organisation's per-sandbox maximum of 4/);
    assert.match(text(r), /at most 4 CPU, 8 GiB memory, 10 GiB disk/);
    await refused('update_sandbox', { sandbox: 'cold', memory: 16, autoStopMinutes: 5 }, 'invalid_input', /memory 16 GiB is above this organisation's per-sandbox maximum of 8 GiB/);
    await refused('update_sandbox', { sandbox: 'cold', disk: 11 }, 'invalid_input', /disk 11 GiB is above .* maximum of 10 GiB/);
    assert.deepEqual([view(hot.id)?.cpu, view(cold.id)?.memory, view(cold.id)?.disk, view(cold.id)?.autoStopInterval], [2, 2, 5, 15]);
    // At the maximum is allowed.
    const ok = await call('update_sandbox', { sandbox: 'hot', cpu: 4 });
    assert.equal(ok.isError, undefined, text(ok));
    assert.equal(view(hot.id)?.cpu, 4);
  });
});

describe('get_preview_url', () => {
  test('by name signed (with expiry), by id plain with its header token; tokens never in the log', async () => {
    const sb = emu.seedSandbox({ name: 'web' });
    const r = await call('get_preview_url', { sandbox: 'web', port: 3000 });
    assert.equal(r.isError, undefined, text(r));
    const signed = data(r);
    assert.match(signed.url, /\/preview\/3000-[0-9a-f]{24}$/);
    assert.equal(signed.token, null);
    assert.ok(Date.parse(signed.expiresAt) > Date.now() + 3_500_000, 'an hour by default');
    assert.match(text(r), /signed, expires in 60 min, at /);

    const plain = await call('get_preview_url', { sandbox: sb.id, port: 8080, signed: false });
    assert.equal(plain.isError, undefined, text(plain));
    assert.ok(data(plain).url.endsWith(`/preview/8080-${sb.id}`));
    assert.match(data(plain).token, /^[0-9a-f]{24}$/);
    assert.match(text(plain), /x-daytona-preview-token/);

    const short = await call('get_preview_url', { sandbox: 'web', port: 3000, expiresInSeconds: 30 });
    assert.match(text(short), /expires in 30 s/);

    assert.deepEqual((await auditOf('get_preview_url')).sandboxIds, [sb.id]);
    const tokens = [signed.url.split('-').at(-1), data(plain).token, data(short).url.split('-').at(-1)];
    for (const t of tokens) {
      assert.equal((await server.settledLog()).includes(t), false, 'no preview token in the audit log');
      assert.equal(server.stderr().includes(t), false, 'no preview token on stderr');
    }
  });

  test('a stopped sandbox gets the hint to start it; bad ports never reach the API', async () => {
    emu.seedSandbox({ name: 'cold', state: 'stopped' });
    await refused('get_preview_url', { sandbox: 'cold', port: 3000 }, 'invalid_state', /cold is stopped.*start_sandbox/s);
    emu.resetStats();
    for (const port of [0, 65536, 80.5]) {
      const r = await call('get_preview_url', { sandbox: 'cold', port });
      assert.equal(r.isError, true);
      assert.match(text(r), /\[invalid_input\]/);
    }
    assert.deepEqual(emu.stats().requests, []);
  });
});

describe('start_sandbox and get_sandbox for failed sandboxes', () => {
  test('start recovers a recoverable errored sandbox and resumes a paused one', async () => {
    const err = emu.seedSandbox({ name: 'flaky', state: 'error', errorReason: 'disk full', recoverable: true });
    const paused = emu.seedSandbox({ name: 'napping', state: 'paused' });
    const r = await call('start_sandbox', { sandboxes: ['flaky', paused.id] });
    assert.equal(r.isError, undefined, text(r));
    assert.equal(data(r).succeeded, 2, text(r));
    assert.deepEqual([view(err.id)?.state, view(paused.id)?.state], ['started', 'started']);
    assert.ok(server.logEntries().some((e) => e.event === 'api_call' && e.op === 'recover' && e.sandbox === err.id));
  });

  test('a sandbox the API marks not recoverable is refused without a write, with the way out', async () => {
    emu.seedSandbox({ name: 'dead', state: 'error', errorReason: 'image gone', recoverable: false });
    await refused('start_sandbox', { sandboxes: ['dead'] }, 'invalid_state', /image gone.*not recoverable.*copyFrom/s);
  });

  test('get_sandbox of a failed build shows the tail of its build log', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `step ${i + 1}`).concat('ERROR: npm ci exited with 1');
    emu.seedSandbox({ name: 'broken', state: 'build_failed', errorReason: 'build failed', buildLog: `${lines.join('\n')}\n` });
    const r = await call('get_sandbox', { sandbox: 'broken' });
    assert.equal(r.isError, undefined, text(r));
    assert.match(text(r), /build log \(last lines\):\n {4}step 12\n[\s\S]*ERROR: npm ci exited with 1/);
    assert.doesNotMatch(text(r), /step 11\n/);
    assert.equal(data(r).buildLogTail.split('\n').length, 20);
    emu.seedSandbox({ name: 'fine' });
    assert.equal(data(await call('get_sandbox', { sandbox: 'fine' })).buildLogTail, null);
  });
});
