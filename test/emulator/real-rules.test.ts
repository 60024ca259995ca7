// The emulator's real-server rules (daytona-real-rules.md), one test per rule, each against the
// faithful default and, where a test may ask for kindness, with the rule switched off.
// Run: node --import tsx --test test/emulator/real-rules.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';

async function withEmulator(opts: EmulatorOptions, fn: (emu: Emulator) => Promise<void>): Promise<void> {
  const emu = await startEmulator(opts);
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(emu: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const stateOf = (emu: Emulator, id: string): string | undefined => emu.sandboxes().find((s) => s.id === id)?.state;

void test('rate limits: named throttlers per organisation and route, headers on every answer, Retry-After-<name> on 429, refusals count', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  await withEmulator({ now: () => clock, rateLimits: { 'sandbox-lifecycle': { limit: 3, ttlMs: 2_000 } } }, async (emu) => {
    for (let i = 0; i < 6; i++) emu.seedSandbox({ name: `s${i}`, state: 'stopped' });
    const get = await call(emu, 'GET', '/sandbox/s0');
    assert.equal(get.headers.get('x-ratelimit-limit-authenticated'), '50000');
    assert.equal(get.headers.get('x-ratelimit-remaining-authenticated'), '49999');
    assert.equal(get.headers.get('x-ratelimit-reset-authenticated'), '60');
    assert.equal(get.headers.get('x-ratelimit-limit-sandbox-lifecycle'), null, 'a read is not a lifecycle call');

    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const del = await call(emu, 'DELETE', `/sandbox/s${i}`);
      assert.equal(del.status, 200);
      remaining.push(del.headers.get('x-ratelimit-remaining-sandbox-lifecycle'));
      assert.equal(del.headers.get('x-ratelimit-limit-sandbox-lifecycle'), '3');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);

    clock += 500;
    const refused = await call(emu, 'DELETE', '/sandbox/s3');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), null, 'the real throttler names its header');
    assert.equal(refused.headers.get('retry-after-sandbox-lifecycle'), '2', 'blocked for a whole window from the refusal');
    assert.equal(refused.body.statusCode, 429);
    assert.equal(stateOf(emu, emu.sandboxes().find((s) => s.name === 's3')?.id ?? ''), 'stopped', 'a refused request does nothing');

    // The window that began at 0 is over at 2 s, but the block that began at 0.5 s still holds.
    clock += 1_600;
    assert.equal((await call(emu, 'DELETE', '/sandbox/s3')).status, 429);
    clock += 500; // 2.6 s: the block is over, a fresh window begins
    const after = await call(emu, 'DELETE', '/sandbox/s3');
    assert.equal(after.status, 200);
    assert.equal(after.headers.get('x-ratelimit-remaining-sandbox-lifecycle'), '2');

    // Another route has its own counter (the throttler keys by handler); another organisation its own budget.
    assert.equal((await call(emu, 'POST', '/sandbox/s4/start')).headers.get('x-ratelimit-remaining-sandbox-lifecycle'), '2');
    assert.equal((await call(emu, 'DELETE', '/sandbox/s5')).headers.get('x-ratelimit-remaining-sandbox-lifecycle'), '1');
  });
  await withEmulator({ rateLimits: false }, async (emu) => {
    const get = await call(emu, 'GET', '/sandbox');
    assert.equal(get.headers.get('x-ratelimit-limit-authenticated'), null, 'rateLimits: false turns them off');
  });
});

void test('rate limits: create has its own sandbox-create throttler; an unknown route is not throttled', async () => {
  await withEmulator({ rateLimits: { 'sandbox-create': { limit: 1, ttlMs: 60_000 } }, transitionMs: 10 }, async (emu) => {
    const first = await call(emu, 'POST', '/sandbox', { name: 'a' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-remaining-sandbox-create'), '0');
    const second = await call(emu, 'POST', '/sandbox', { name: 'b' });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after-sandbox-create'), '60');
    const unknown = await call(emu, 'GET', '/nowhere');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('x-ratelimit-limit-authenticated'), null);
  });
});

void test('create, start and recover hold the answer until the sandbox has started (default); holdUntilStarted false answers at once', async () => {
  await withEmulator({ transitionMs: 100 }, async (emu) => {
    const created = await call(emu, 'POST', '/sandbox', { name: 'held' });
    assert.equal(stateOf(emu, String(created.body.id)), 'started', 'answered only once started');
    assert.equal(created.body.state, 'creating', 'with the DTO from before the wait, as the real controller does');
    emu.seedSandbox({ name: 'cold', state: 'stopped' });
    assert.equal((await call(emu, 'POST', '/sandbox/cold/start')).body.state, 'started');
    emu.seedSandbox({ name: 'broken', state: 'error', recoverable: true });
    assert.equal((await call(emu, 'POST', '/sandbox/broken/recover')).body.state, 'started');
    // Not held: a restore from archive (the real controller answers at once).
    emu.seedSandbox({ name: 'frozen', state: 'archived' });
    assert.equal((await call(emu, 'POST', '/sandbox/frozen/start')).body.state, 'restoring');
  });
  await withEmulator({ transitionMs: 100, holdUntilStarted: false }, async (emu) => {
    assert.equal((await call(emu, 'POST', '/sandbox', { name: 'quick' })).body.state, 'creating');
  });
});

void test('the hold ends after 30 s even when the sandbox is still starting', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  // A clock that jumps 10 s each time it is read: the 30 s hold ends after a few reads, not 30 real s.
  await withEmulator({ transitionMs: { start: 120_000 }, now: () => (clock += 10_000) }, async (emu) => {
    emu.seedSandbox({ name: 'slow', state: 'stopped' });
    const res = await call(emu, 'POST', '/sandbox/slow/start');
    assert.equal(res.status, 200);
    assert.equal(res.body.state, 'starting');
  });
});

void test('stop of a stopped sandbox is 400; start while starting is 409 state change in progress', async () => {
  await withEmulator({ holdUntilStarted: false }, async (emu) => {
    emu.seedSandbox({ name: 'off', state: 'stopped' });
    const stop = await call(emu, 'POST', '/sandbox/off/stop');
    assert.equal(stop.status, 400);
    assert.match(String(stop.body.message), /not in a stoppable state/);
    emu.seedSandbox({ name: 'waking', state: 'starting', pendingMs: 60_000 });
    const start = await call(emu, 'POST', '/sandbox/waking/start');
    assert.equal(start.status, 409);
    assert.match(String(start.body.message), /state change in progress/);
  });
});

void test('fork: only linux-vm/windows sandboxes without GPU (else 422); default class container; image builds are containers', async () => {
  await withEmulator({ transitionMs: 20 }, async (emu) => {
    const plain = await call(emu, 'POST', '/sandbox', { name: 'plain' });
    assert.equal(plain.body.sandboxClass, 'container', 'the default class');
    const refused = await call(emu, 'POST', '/sandbox/plain/fork', {});
    assert.equal(refused.status, 422);
    assert.equal(refused.body.message, 'Forking is not supported for this sandbox');
    const built = await call(emu, 'POST', '/sandbox', { name: 'built', class: 'linux-vm', buildInfo: { dockerfileContent: 'FROM alpine' } });
    assert.equal(built.body.sandboxClass, 'container', 'image-built sandboxes are always containers');
    const vm = await call(emu, 'POST', '/sandbox', { name: 'vm', class: 'linux-vm' });
    assert.equal(vm.body.sandboxClass, 'linux-vm');
    const fork = await call(emu, 'POST', '/sandbox/vm/fork', { name: 'vm-copy' });
    assert.equal(fork.status, 200);
    assert.equal(fork.body.sandboxClass, 'linux-vm');
    emu.seedSandbox({ name: 'win', sandboxClass: 'windows' });
    assert.equal((await call(emu, 'POST', '/sandbox/win/fork', {})).status, 200);
    emu.seedSandbox({ name: 'gpu-vm', sandboxClass: 'linux-vm', gpu: 1 });
    assert.equal((await call(emu, 'POST', '/sandbox/gpu-vm/fork', {})).status, 422);
    assert.equal((await call(emu, 'GET', '/sandbox')).status, 200);
    const listed = (await call(emu, 'GET', '/sandbox?name=win')).body.items as { sandboxClass: string }[];
    assert.equal(listed[0]?.sandboxClass, 'windows', 'the list carries the class too');
  });
  await withEmulator({ transitionMs: 20, forkNeedsVm: false }, async (emu) => {
    emu.seedSandbox({ name: 'plain' });
    assert.equal((await call(emu, 'POST', '/sandbox/plain/fork', {})).status, 200, 'forkNeedsVm: false lets containers fork');
  });
});

void test('snapshot of a sandbox: the sandbox is back before the row exists; the row appears active when the job is done; a failed job leaves none', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  await withEmulator({ transitionMs: 1000, now: () => clock }, async (emu) => {
    const seeded = emu.seedSandbox({ name: 'web', cpu: 2, memory: 4, disk: 8 });
    assert.equal((await call(emu, 'POST', '/sandbox/web/snapshot', { name: 'web-golden' })).body.state, 'snapshotting');
    assert.equal((await call(emu, 'GET', '/snapshots/web-golden')).status, 404);
    clock += 1000;
    assert.equal(stateOf(emu, seeded.id), 'started', 'the sandbox is back');
    const meanwhile = await call(emu, 'GET', '/snapshots/web-golden');
    assert.equal(meanwhile.status, 404, 'waiting for the sandbox is not waiting for the snapshot');
    assert.equal(((await call(emu, 'GET', '/snapshots?name=web-golden')).body.items as unknown[]).length, 0);
    assert.equal((await call(emu, 'POST', '/sandbox/web/snapshot', { name: 'web-golden' })).status, 409, 'the name is taken while the job runs');
    clock += 1000;
    const done = await call(emu, 'GET', '/snapshots/web-golden');
    assert.equal(done.status, 200);
    assert.equal(done.body.state, 'active');
    assert.equal(done.body.sourceSandboxId, seeded.id);

    emu.setFaults({ failSnapshotJobs: true });
    await call(emu, 'POST', '/sandbox/web/snapshot', { name: 'doomed' });
    clock += 3000;
    assert.equal(stateOf(emu, seeded.id), 'started');
    assert.equal((await call(emu, 'GET', '/snapshots/doomed')).status, 404, 'a failed job leaves no row');
  });
});

void test('resize is behind feature flag sandbox_resize, off by default: Nest 404 "Cannot POST …/resize"', async () => {
  await withEmulator({}, async (emu) => {
    const sb = emu.seedSandbox({ name: 'r' });
    const res = await call(emu, 'POST', `/sandbox/${sb.id}/resize`, { cpu: 2 });
    assert.equal(res.status, 404);
    assert.equal(res.body.message, `Cannot POST /api/sandbox/${sb.id}/resize`);
    assert.equal(res.body.error, 'Not Found');
    assert.equal(emu.sandboxes()[0]?.cpu, 1, 'nothing changed');
  });
  await withEmulator({ featureFlags: { sandbox_resize: true } }, async (emu) => {
    emu.seedSandbox({ name: 'r' });
    assert.equal((await call(emu, 'POST', '/sandbox/r/resize', { cpu: 2 })).status, 200);
  });
});

void test('error bodies carry path, timestamp, statusCode, error and message; a quota refusal is a 400 naming the quota', async () => {
  await withEmulator({ quota: { cpu: 1 }, transitionMs: 20 }, async (emu) => {
    const missing = await call(emu, 'GET', '/sandbox/nope');
    assert.equal(missing.status, 404);
    for (const key of ['path', 'timestamp', 'statusCode', 'error', 'message']) assert.ok(key in missing.body, key);
    assert.equal(missing.body.path, '/api/sandbox/nope');
    assert.equal(missing.body.error, 'Not Found');
    await call(emu, 'POST', '/sandbox', { name: 'one' });
    const over = await call(emu, 'POST', '/sandbox', { name: 'two' });
    assert.equal(over.status, 400);
    assert.match(String(over.body.message), /Total CPU limit exceeded/);
  });
});
