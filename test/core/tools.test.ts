/**
 * The core tools, called directly with a real ToolContext: real @daytonaio/sdk, real HTTP, the
 * project's Daytona API emulator on 127.0.0.1.
 */
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { runCoreTool, testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { listSandboxes } from '../../src/core/tools/list_sandboxes';
import { getSandbox } from '../../src/core/tools/get_sandbox';
import { createSandbox } from '../../src/core/tools/create_sandbox';
import { startSandbox } from '../../src/core/tools/start_sandbox';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { archiveSandbox } from '../../src/core/tools/archive_sandbox';
import { deleteSandbox } from '../../src/core/tools/delete_sandbox';
import { setSandboxLabels } from '../../src/core/tools/set_sandbox_labels';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { listSnapshots } from '../../src/core/tools/list_snapshots';
import type { AnyTool } from '../../src/core/tool';
import { ToolError } from '../../src/core/errors';
import { emulatorForEachTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;

const call = (tool: AnyTool, args: unknown, c: TestContext = ctx) => runCoreTool(tool, args, c);

const stateOf = (name: string) => emu.sandboxes().find((s) => s.name === name)?.state;

emulatorForEachTest({ apiKeys: [SENTINEL_KEY], transitionMs: 60 }, (e, c) => {
  emu = e;
  ctx = c;
});

describe('create_sandbox', () => {
  test('creates, waits until started and returns details', async () => {
    const out = await call(createSandbox, { name: 'alpha', project: 'api', image: 'python:3.12-slim', cpu: 2, env: { TOKEN: 'v' }, autoStopMinutes: 30 });
    assert.equal(out.isError, false);
    const [s] = out.data.sandboxes;
    assert.equal(s.name, 'alpha');
    assert.equal(s.state, 'started');
    assert.equal(s.cpu, 2);
    assert.equal(s.labels.project, 'api');
    assert.equal(s.autoStopMinutes, 30);
    assert.deepEqual(s.envNames, ['TOKEN']);
    assert.equal(s.dockerfile, 'FROM python:3.12-slim\n');
    assert.ok(!JSON.stringify(out).includes('"v"'), 'env values are never returned');
    assert.equal(stateOf('alpha'), 'started');
  });

  test('a host without an origin (the editor\'s tree, the CLI) makes no agent-made sandboxes', async () => {
    const out = await call(createSandbox, { name: 'by-hand', project: 'api', wait: false });
    assert.deepEqual(out.data.sandboxes[0].labels, { project: 'api' });
    assert.deepEqual(emu.sandboxes().find((s) => s.name === 'by-hand')!.labels, { project: 'api' });
  });

  test('wait=false returns at once in a transitional state', async () => {
    const out = await call(createSandbox, { name: 'quick', wait: false });
    assert.notEqual(out.data.sandboxes[0].state, 'started');
  });

  test('count creates N in parallel with -1…-N suffixes and reports progress', async () => {
    emu.setFaults({ latencyMs: 30 });
    const out = await call(createSandbox, { name: 'batch', count: 5 });
    assert.deepEqual(out.data.sandboxes.map((s: { name: string }) => s.name).sort(), ['batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
    assert.equal(ctx.progressEvents.at(-1)?.done, 5);
    assert.ok(emu.stats().maxConcurrency > 1, 'requests ran in parallel');
  });

  test('a duplicate name fails per item with a conflict and a hint', async () => {
    await call(createSandbox, { name: 'dup' });
    const out = await call(createSandbox, { name: 'dup' });
    assert.equal(out.isError, true);
    assert.equal(out.data.failed[0].error.kind, 'conflict');
    assert.match(out.summary, /dup: FAILED/);
  });

  test('copyFrom reuses the snapshot, labels and intervals but not env values', async () => {
    emu.seedSandbox({ name: 'template', state: 'stopped', snapshot: 'daytonaio/sandbox:0.5.0', labels: { project: 'web', team: 'x' }, env: { SECRET: 's3cr3t' }, autoStopInterval: 45 });
    const out = await call(createSandbox, { name: 'copy', copyFrom: 'template' });
    const [s] = out.data.sandboxes;
    assert.equal(s.snapshot, 'daytonaio/sandbox:0.5.0');
    assert.equal(s.autoStopMinutes, 45);
    assert.equal(s.labels.project, 'web');
    assert.equal(s.labels.team, 'x');
    assert.deepEqual(s.envNames, []);
  });

  test('copyFrom an image-built sandbox rebuilds its image with its resources', async () => {
    await call(createSandbox, { name: 'big', image: 'node:22', cpu: 3, memory: 4, disk: 8 });
    const [s] = (await call(createSandbox, { name: 'big-copy', copyFrom: 'big' })).data.sandboxes;
    assert.deepEqual([s.cpu, s.memory, s.disk, s.dockerfile], [3, 4, 8, 'FROM node:22\n']);
  });

  test('resources without an image are refused up front with the reason', async () => {
    emu.resetStats();
    await assert.rejects(call(createSandbox, { name: 'sized', cpu: 2 }), (e: ToolError) => e.kind === 'invalid_input' && /image/.test(e.message));
    await assert.rejects(call(createSandbox, { snapshot: 'x', image: 'y' }), (e: ToolError) => e.kind === 'invalid_input');
    assert.equal(emu.stats().requests.filter((r) => r.method === 'POST').length, 0);
  });

  test('without a name a unique one is generated from the project', async () => {
    const out = await call(createSandbox, { project: 'My App' });
    assert.match(out.data.sandboxes[0].name, /^my-app-[0-9a-f]{6}$/);
  });
});

describe('lifecycle tools', () => {
  test('stop → archive → start → delete, each waiting for the target state', async () => {
    emu.seedSandbox({ name: 'life', state: 'started' });
    assert.equal((await call(stopSandbox, { sandboxes: ['life'] })).data.results[0].state, 'stopped');
    assert.equal(stateOf('life'), 'stopped');
    assert.equal((await call(archiveSandbox, { sandboxes: ['life'] })).data.results[0].state, 'archived');
    assert.equal(stateOf('life'), 'archived');
    assert.equal((await call(startSandbox, { sandboxes: ['life'] })).data.results[0].state, 'started');
    assert.equal(stateOf('life'), 'started');
    const del = await call(deleteSandbox, { sandboxes: ['life'] });
    assert.equal(del.data.results[0].state, 'destroyed');
    assert.equal(stateOf('life'), undefined);
  });

  test('already in the target state is ok without a request', async () => {
    const s = emu.seedSandbox({ name: 'idle', state: 'stopped' });
    emu.resetStats();
    const out = await call(stopSandbox, { sandboxes: [s.id] });
    assert.equal(out.data.results[0].ok, true);
    assert.equal(out.data.results[0].changed, false);
    assert.ok(emu.stats().requests.every((r) => r.method === 'GET'), 'no mutating request was sent');
  });

  test('archiving a running sandbox is refused with a clear hint and nothing changes', async () => {
    emu.seedSandbox({ name: 'busy', state: 'started' });
    const out = await call(archiveSandbox, { sandboxes: ['busy'] });
    assert.equal(out.isError, true);
    assert.equal(out.data.results[0].error.kind, 'invalid_state');
    assert.match(out.data.results[0].error.message, /stop it first/);
    assert.equal(stateOf('busy'), 'started');
  });

  test('partial failure reports per item; the call fails only when all fail', async () => {
    emu.seedSandbox({ name: 'a1', state: 'started' });
    const out = await call(stopSandbox, { sandboxes: ['a1', 'no-such-sandbox'] });
    assert.equal(out.isError, false);
    assert.equal(out.data.succeeded, 1);
    assert.equal(out.data.failed, 1);
    const missing = out.data.results.find((r: { sandbox: string }) => r.sandbox === 'no-such-sandbox');
    assert.equal(missing.error.kind, 'not_found');
    assert.match(missing.error.hint, /list_sandboxes/);
    const none = await call(stopSandbox, { sandboxes: ['ghost-1', 'ghost-2'] });
    assert.equal(none.isError, true);
  });

  test('a start during stopping waits for the stop, then starts', async () => {
    emu.seedSandbox({ name: 'flip', state: 'stopping', pendingMs: 150 });
    const out = await call(startSandbox, { sandboxes: ['flip'] });
    assert.equal(out.data.results[0].state, 'started');
  });

  test('wait=false sends the request and returns the transitional state', async () => {
    emu.seedSandbox({ name: 'nw', state: 'started' });
    const out = await call(stopSandbox, { sandboxes: ['nw'], wait: false });
    assert.equal(out.data.results[0].state, 'stopping');
  });

  test('bulk stop of 30 runs in parallel with bounded concurrency', async () => {
    for (let i = 0; i < 30; i++) emu.seedSandbox({ name: `bulk-${i}`, state: 'started' });
    emu.setFaults({ latencyMs: 20 });
    const t0 = Date.now();
    const out = await call(stopSandbox, { sandboxes: Array.from({ length: 30 }, (_, i) => `bulk-${i}`) });
    assert.equal(out.data.succeeded, 30);
    const st = emu.stats();
    assert.ok(st.maxConcurrency > 2 && st.maxConcurrency <= 16, `max concurrency ${st.maxConcurrency}`);
    assert.ok(Date.now() - t0 < 30 * 3 * 60, 'faster than sequential');
  });

  test('cancellation stops a wait in flight', async () => {
    emu.seedSandbox({ name: 'slow', state: 'stopped' });
    emu.reset([{ name: 'slow', state: 'stopped' }]);
    const ac = new AbortController();
    const c = testContext(emu.url, { signal: ac.signal });
    const slowEmu = emu;
    slowEmu.setFaults({ slowMs: { method: 'GET', pathPattern: '^/api/sandbox/[^/]+$', ms: 200 } });
    setTimeout(() => ac.abort(), 100);
    const out = await stopOrStart(c);
    assert.equal(out.data.results[0]?.error?.kind, 'cancelled');
    await c.provider.dispose();
  });
});

async function stopOrStart(c: TestContext) {
  return call(startSandbox, { sandboxes: ['slow'] }, c);
}

describe('list_sandboxes and get_sandbox', () => {
  beforeEach(() => {
    for (let i = 0; i < 25; i++) emu.seedSandbox({ name: `web-${String(i).padStart(2, '0')}`, state: i % 2 ? 'started' : 'stopped', labels: { project: i < 10 ? 'web' : 'other' } });
  });

  test('filters by state, project and name substring', async () => {
    const started = await call(listSandboxes, { state: 'started' });
    assert.equal(started.data.count, 12);
    assert.ok(started.data.sandboxes.every((s: { state: string }) => s.state === 'started'));
    const web = await call(listSandboxes, { project: 'web', state: ['started', 'stopped'] });
    assert.equal(web.data.count, 10);
    const sub = await call(listSandboxes, { name: 'B-1' });
    assert.deepEqual(sub.data.sandboxes.map((s: { name: string }) => s.name).sort(), ['web-10', 'web-11', 'web-12', 'web-13', 'web-14', 'web-15', 'web-16', 'web-17', 'web-18', 'web-19']);
  });

  test('cursor pagination returns every sandbox exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const out = await call(listSandboxes, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...out.data.sandboxes.map((s: { id: string }) => s.id));
      cursor = out.data.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 4);
    assert.equal(new Set(seen).size, 25);
    assert.equal(seen.length, 25);
  });

  test('substring filter pages without skipping or repeating', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const out = await call(listSandboxes, { name: 'web-1', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...out.data.sandboxes.map((s: { name: string }) => s.name));
      cursor = out.data.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen).size, 10);
  });

  test('a forged cursor is a clear invalid_input error', async () => {
    await assert.rejects(call(listSandboxes, { cursor: 'not-a-cursor' }), (e: ToolError) => e.kind === 'invalid_input' && /nextCursor/.test(e.hint));
  });

  test('get_sandbox accepts an id or a name; unknown is not_found', async () => {
    const byName = await call(getSandbox, { sandbox: 'web-03' });
    const byId = await call(getSandbox, { sandbox: byName.data.sandbox.id });
    assert.equal(byId.data.sandbox.name, 'web-03');
    await assert.rejects(call(getSandbox, { sandbox: 'nope' }), (e: ToolError) => e.kind === 'not_found');
  });
});

describe('labels, cleanup, snapshots', () => {
  test('set_sandbox_labels merges by default, replaces on request, removes keys', async () => {
    emu.seedSandbox({ name: 'lab', state: 'started', labels: { a: '1', b: '2' } });
    assert.deepEqual((await call(setSandboxLabels, { sandbox: 'lab', labels: { c: '3' } })).data.labels, { a: '1', b: '2', c: '3' });
    assert.deepEqual((await call(setSandboxLabels, { sandbox: 'lab', remove: ['a'] })).data.labels, { b: '2', c: '3' });
    assert.deepEqual((await call(setSandboxLabels, { sandbox: 'lab', labels: { only: 'x' }, replace: true })).data.labels, { only: 'x' });
    assert.deepEqual(emu.sandboxes().find((s) => s.name === 'lab')?.labels, { only: 'x' });
  });

  test('cleanup deletes exactly the stopped sandboxes by default', async () => {
    for (const [name, state] of [['s1', 'stopped'], ['s2', 'stopped'], ['r1', 'started'], ['a1', 'archived']] as const) emu.seedSandbox({ name, state });
    const out = await call(cleanupSandboxes, {});
    assert.deepEqual(out.data.deleted.map((d: { name: string }) => d.name).sort(), ['s1', 's2']);
    await waitUntil(() => emu.sandboxes().length === 2);
    assert.deepEqual(emu.sandboxes().map((s) => s.name).sort(), ['a1', 'r1']);
  });

  test('dryRun deletes nothing; project, labels and idleMinutes narrow the match', async () => {
    const old = Date.now() - 3 * 60 * 60_000;
    emu.seedSandbox({ name: 'old-web', state: 'stopped', labels: { project: 'web' }, lastActivityAt: old });
    emu.seedSandbox({ name: 'new-web', state: 'stopped', labels: { project: 'web' } });
    emu.seedSandbox({ name: 'old-api', state: 'stopped', labels: { project: 'api' }, lastActivityAt: old });
    const dry = await call(cleanupSandboxes, { project: 'web', idleMinutes: 60, dryRun: true });
    assert.deepEqual(dry.data.matched.map((m: { name: string }) => m.name), ['old-web']);
    assert.equal(dry.data.deleted.length, 0);
    assert.equal(emu.sandboxes().length, 3);
  });

  test('a declined confirmation deletes nothing', async () => {
    emu.seedSandbox({ name: 'keep', state: 'stopped' });
    const c = testContext(emu.url, { confirm: 'declined' });
    const out = await call(cleanupSandboxes, {}, c);
    assert.equal(out.data.cancelled, true);
    assert.match(c.confirmations[0] ?? '', /Delete 1 sandbox permanently\? keep/);
    assert.equal(stateOf('keep'), 'stopped');
    await c.provider.dispose();
  });

  test('running sandboxes are only cleaned up when "started" is listed', async () => {
    emu.seedSandbox({ name: 'run', state: 'started' });
    assert.equal((await call(cleanupSandboxes, {})).data.matched.length, 0);
    assert.equal((await call(cleanupSandboxes, { states: ['started'] })).data.deleted.length, 1);
  });

  test('list_snapshots lists the emulator snapshots', async () => {
    const out = await call(listSnapshots, {});
    assert.ok(out.data.snapshots.length >= 2);
    assert.ok(out.data.snapshots.every((s: { name: string; state: string }) => s.name && s.state));
  });
});

describe('errors', () => {
  test('a bad key is an auth error with a hint', async () => {
    const c = testContext(emu.url, { apiKey: 'wrong-key-000000' });
    await assert.rejects(call(listSandboxes, {}, c), (e: ToolError) => e.kind === 'auth' && /Set API Key/.test(e.hint));
    await c.provider.dispose();
  });

  test('429 with Retry-After is retried transparently', async () => {
    emu.seedSandbox({ name: 'rl', state: 'started' });
    emu.setFaults({ failNext: [{ method: 'GET', status: 429, count: 2, retryAfterSec: 0 }] });
    const out = await call(getSandbox, { sandbox: 'rl' });
    assert.equal(out.data.sandbox.name, 'rl');
    assert.equal(emu.stats().requests.filter((r) => r.status === 429).length, 2);
  });

  test('a hung API becomes a timeout error, not a hung tool', async () => {
    const c = testContext(emu.url, { requestTimeoutMs: 300 });
    emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox$' } });
    const t0 = Date.now();
    await assert.rejects(call(listSandboxes, {}, c), (e: ToolError) => e.kind === 'timeout');
    assert.ok(Date.now() - t0 < 5_000);
    emu.clearFaults();
    await c.provider.dispose();
  });
});

async function waitUntil(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
