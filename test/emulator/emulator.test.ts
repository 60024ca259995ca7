// Drives the real, unmodified @daytonaio/sdk over HTTP against the emulator.
// Run: cd /work/main && node --import tsx --test test/emulator/emulator.test.ts
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  Daytona,
  DaytonaAuthenticationError,
  DaytonaBadGatewayError,
  DaytonaConflictError,
  DaytonaNotFoundError,
  DaytonaRateLimitError,
  DaytonaServiceUnavailableError,
  DaytonaTimeoutError,
  DaytonaValidationError,
  type DaytonaConfig,
  type Sandbox,
} from '@daytonaio/sdk';
import { LANGUAGE_LABEL } from '../../src/core/types';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';

const FAST: EmulatorOptions = { transitionMs: 50 };

function client(emu: Emulator, extra: Partial<DaytonaConfig> = {}): Daytona {
  return new Daytona({ apiKey: emu.apiKey, apiUrl: emu.url, target: 'us', useDeprecatedPolling: true, ...extra });
}

/** One emulator + SDK client per test; both are always disposed. */
async function withEmulator(
  opts: EmulatorOptions,
  fn: (emu: Emulator, daytona: Daytona) => Promise<void>,
): Promise<void> {
  const emu = await startEmulator(opts);
  const daytona = client(emu);
  try {
    await fn(emu, daytona);
  } finally {
    await daytona[Symbol.asyncDispose]();
    await emu.close();
  }
}

async function collect(iter: AsyncIterable<Sandbox>): Promise<Sandbox[]> {
  const out: Sandbox[] = [];
  for await (const s of iter) out.push(s);
  return out;
}

const stateOf = (emu: Emulator, id: string): string | undefined => emu.sandboxes().find((s) => s.id === id)?.state;
const routeCount = (emu: Emulator, route: string): number => emu.stats().byRoute[route]?.count ?? 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function controlFetch(emu: Emulator, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emu.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

void test('create waits until started; DTO carries toolboxProxyUrl so no extra calls are made', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const sb = await daytona.create({ name: 'alpha', labels: { project: 'p1' }, envVars: { A: '1' } }, { timeout: 10 });
    assert.equal(sb.state, 'started');
    assert.equal(sb.name, 'alpha');
    assert.equal(sb.snapshot, 'daytonaio/sandbox:0.5.0');
    assert.equal(sb.target, 'us');
    assert.deepEqual([sb.cpu, sb.memory, sb.disk, sb.gpu], [1, 1, 3, 0]);
    assert.equal(sb.labels.project, 'p1');
    // The SDK silently adds its language label on every create, under the key core/types.ts names.
    assert.equal(sb.labels[LANGUAGE_LABEL], 'python');
    assert.equal(sb.env?.A, '1');
    assert.equal(sb.autoStopInterval, 15);
    assert.equal(sb.autoArchiveInterval, 10080);
    assert.equal(sb.autoDeleteInterval, -1);
    assert.equal(sb.organizationId, emu.organizationId);
    assert.match(sb.id, /^[0-9a-f-]{36}$/);
    assert.equal(stateOf(emu, sb.id), 'started');
    const routes = Object.keys(emu.stats().byRoute).sort();
    assert.deepEqual(routes, ['GET /api/sandbox/:idOrName', 'POST /api/sandbox']);
    assert.ok(routeCount(emu, 'GET /api/sandbox/:idOrName') >= 1, 'SDK polls GET /sandbox/{id} after create');
  });
});

void test('get by id and by name; unknown sandbox is DaytonaNotFoundError', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 'beta', state: 'stopped', labels: { team: 'x' } });
    const byId = await daytona.get(seeded.id);
    const byName = await daytona.get('beta');
    assert.equal(byId.id, seeded.id);
    assert.equal(byName.id, seeded.id);
    assert.equal(byName.state, 'stopped');
    await assert.rejects(daytona.get('does-not-exist'), (err: unknown) => {
      assert.ok(err instanceof DaytonaNotFoundError);
      assert.equal(err.statusCode, 404);
      assert.equal(err.message, 'Sandbox with ID or name does-not-exist not found');
      return true;
    });
  });
});

void test('list paginates with opaque cursors, newest first, and filters by labels and states', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const t0 = Date.now() - 60_000;
    const states = ['started', 'stopped', 'archived', 'error', 'started', 'stopped', 'started'] as const;
    states.forEach((state, i) =>
      emu.seedSandbox({
        name: `sb-${i}`,
        state,
        createdAt: t0 + i * 1000,
        labels: { project: i % 2 === 0 ? 'even' : 'odd', tier: 'test' },
      }),
    );
    const all = await collect(daytona.list({ limit: 3 }));
    assert.deepEqual(
      all.map((s) => s.name),
      ['sb-6', 'sb-5', 'sb-4', 'sb-3', 'sb-2', 'sb-1', 'sb-0'],
    );
    assert.equal(routeCount(emu, 'GET /api/sandbox'), 3, '7 items at limit 3 = 3 pages');
    // List items omit env (the real API does too).
    assert.equal(all[0]?.env, undefined);

    const even = await collect(daytona.list({ labels: { project: 'even', tier: 'test' } }));
    assert.deepEqual(even.map((s) => s.name).sort(), ['sb-0', 'sb-2', 'sb-4', 'sb-6']);
    const none = await collect(daytona.list({ labels: { project: 'even', tier: 'prod' } }));
    assert.equal(none.length, 0);

    const settled = await collect(daytona.list({ states: ['stopped', 'archived'] }));
    assert.deepEqual(settled.map((s) => s.name).sort(), ['sb-1', 'sb-2', 'sb-5']);
    const errored = await collect(daytona.list({ states: ['error'], name: 'SB-' }));
    assert.deepEqual(errored.map((s) => s.name), ['sb-3']);
  });
});

void test('list query validation matches the real API (comma-separated states, limit > 200, bad labels)', async () => {
  await withEmulator(FAST, async (emu) => {
    const get = async (qs: string) => {
      const res = await fetch(`${emu.url}/sandbox?${qs}`, { headers: { authorization: `Bearer ${emu.apiKey}` } });
      return { status: res.status, body: (await res.json()) as { message?: string; nextCursor?: unknown } };
    };
    assert.equal((await get('states=started,stopped')).status, 400);
    assert.equal((await get('states=started&states=stopped')).status, 200);
    const big = await get('limit=201');
    assert.equal(big.status, 400);
    assert.equal(big.body.message, 'limit must not be greater than 200');
    assert.equal((await get('labels=not-json')).body.message, 'Invalid labels JSON format');
    assert.equal((await get('cursor=garbage')).body.message, 'Invalid cursor');
    assert.equal((await get('')).body.nextCursor, null);
  });
});

void test('start/stop/archive/restore/delete walk through the transitional states', async () => {
  // Real time, except where a transitional state is checked: there the clock stands still (a busy
  // machine can take longer than a 60 ms transition for one round trip), then moves on by exactly the
  // transition. It never runs backwards.
  let frozenAt: number | undefined;
  let offset = 0;
  const now = () => frozenAt ?? Date.now() + offset;
  const freeze = () => (frozenAt = now());
  const advanceAndResume = (ms: number) => {
    offset = frozenAt! + ms - Date.now();
    frozenAt = undefined;
  };
  await withEmulator({ transitionMs: { start: 60, stop: 60, archive: 60, restore: 150, delete: 60, create: 60 }, now }, async (emu, daytona) => {
    const sb = await daytona.create({ name: 'gamma' }, { timeout: 10 });
    await sb.stop();
    assert.equal(sb.state, 'stopped');

    freeze();
    await sb.archive(); // returns without waiting, like the real SDK
    assert.equal(sb.state, 'archiving');
    assert.equal(stateOf(emu, sb.id), 'archiving');
    advanceAndResume(60);
    assert.equal(stateOf(emu, sb.id), 'archived');

    const started = Date.now();
    await sb.start(10); // archived -> restoring -> started
    assert.equal(sb.state, 'started');
    assert.ok(Date.now() - started >= 140, 'restore takes the (slower) restore duration');

    await sb.start(); // already started: returned as is
    assert.equal(sb.state, 'started');

    freeze();
    await sb.delete(); // lazy: renamed at once, destroying after deleteLagMs (default: the delete time)
    assert.match(sb.name, /^DESTROYED_gamma_\d+$/, 'soft delete frees the name at once');
    advanceAndResume(60);
    freeze();
    assert.equal(stateOf(emu, sb.id), 'destroying');
    advanceAndResume(60);
    await assert.rejects(daytona.get(sb.id), DaytonaNotFoundError);
    const again = await daytona.create({ name: 'gamma' }, { timeout: 10 });
    assert.equal(again.name, 'gamma');
  });
});

void test('actions in the wrong state are refused like the real API', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'busy', state: 'starting', pendingMs: 60_000 });
    emu.seedSandbox({ name: 'idle', state: 'stopped' });
    emu.seedSandbox({ name: 'up', state: 'started' });
    emu.seedSandbox({ name: 'broken', state: 'error', errorReason: 'boom' });

    const busy = await daytona.get('busy');
    await assert.rejects(busy.stop(), (err: unknown) => {
      assert.ok(err instanceof DaytonaConflictError);
      assert.equal(err.message, 'Sandbox state change in progress');
      assert.equal(err.code, 'SANDBOX_STATE_CHANGE_IN_PROGRESS');
      return true;
    });
    await assert.rejects(busy.delete(), DaytonaConflictError);

    const idle = await daytona.get('idle');
    await assert.rejects(idle.stop(), /Sandbox is not in a stoppable state/);
    const up = await daytona.get('up');
    await assert.rejects(up.archive(), (err: unknown) => err instanceof DaytonaValidationError && /not stopped/.test(err.message));

    const broken = await daytona.get('broken');
    assert.equal(broken.errorReason, 'boom');
    await assert.rejects(broken.start(5), /Sandbox is in an errored state/);
    await broken.delete(); // deleting an errored sandbox is allowed
  });
});

void test('ephemeral sandboxes (autoDeleteInterval 0) are destroyed on stop', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const sb = await daytona.create({ name: 'eph', ephemeral: true }, { timeout: 10 });
    assert.equal(sb.autoDeleteInterval, 0);
    await sb.stop(10); // the SDK treats a 404 while waiting as destroyed
    assert.equal(sb.state, 'destroyed');
    assert.equal(emu.sandboxes().length, 0);
  });
});

void test('setLabels replaces all labels and the list filter sees them', async () => {
  // Kindness asked for: this is about the label filter, not the list's lag.
  await withEmulator({ ...FAST, listLagMs: 0 }, async (emu, daytona) => {
    emu.seedSandbox({ name: 'delta', labels: { old: '1', keep: 'no' } });
    const sb = await daytona.get('delta');
    const labels = await sb.setLabels({ project: 'new' });
    assert.deepEqual(labels, { project: 'new' });
    assert.deepEqual((await daytona.get('delta')).labels, { project: 'new' });
    assert.equal((await collect(daytona.list({ labels: { project: 'new' } }))).length, 1);
    const res = await fetch(`${emu.url}/sandbox/delta/labels`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ labels: { n: 1 } }),
    });
    assert.equal(res.status, 400, 'label values must be strings');
  });
});

void test('snapshots: list, get, and creating from unknown or failed snapshots', async () => {
  await withEmulator(FAST, async (_emu, daytona) => {
    const page = await daytona.snapshot.list();
    assert.ok(page.total >= 3);
    assert.equal(page.page, 1);
    assert.equal(page.totalPages, 1);
    const names = page.items.map((s) => s.name);
    for (const n of ['daytonaio/sandbox:0.5.0', 'python-3.12', 'node-22']) assert.ok(names.includes(n), n);
    const py = await daytona.snapshot.get('python-3.12');
    assert.equal(py.state, 'active');
    assert.equal(py.cpu, 2);

    const sb = await daytona.create({ name: 'py', snapshot: 'python-3.12' }, { timeout: 10 });
    assert.deepEqual([sb.snapshot, sb.cpu, sb.memory, sb.disk], ['python-3.12', 2, 4, 5]);

    await assert.rejects(
      daytona.create({ snapshot: 'nope:1' }),
      (err: unknown) => err instanceof DaytonaValidationError && /Snapshot nope:1 not found/.test(err.message),
    );
    await assert.rejects(daytona.create({ snapshot: 'rust-nightly' }), /Snapshot rust-nightly is build_failed/);
    await assert.rejects(daytona.snapshot.get('nope:1'), DaytonaNotFoundError);
  });
});

void test('name conflict is 409, an invalid name is 400', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'taken' });
    await assert.rejects(daytona.create({ name: 'taken' }), (err: unknown) => {
      assert.ok(err instanceof DaytonaConflictError);
      assert.equal(err.statusCode, 409);
      assert.equal(err.message, 'Sandbox with name taken already exists');
      return true;
    });
    await assert.rejects(
      daytona.create({ name: 'has spaces' }),
      (err: unknown) => err instanceof DaytonaValidationError && /1-63 characters/.test(err.message),
    );
  });
});

void test('resources and quotas', async () => {
  await withEmulator({ ...FAST, quota: { cpu: 2 } }, async (emu, daytona) => {
    // The SDK's types already forbid resources without an image; the API refuses them too.
    const res = await fetch(`${emu.url}/sandbox`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ snapshot: 'node-22', cpu: 2 }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { message: string }).message, 'Cannot specify Sandbox resources when using a snapshot');
    await assert.rejects(
      daytona.create({ image: 'python:3.12-slim', resources: { cpu: 8 } }),
      (err: unknown) =>
        err instanceof DaytonaValidationError && /CPU request 8 exceeds maximum allowed per sandbox \(4\)/.test(err.message),
    );
    const fromImage = await daytona.create({ image: 'python:3.12-slim', resources: { memory: 2 } }, { timeout: 10 });
    assert.deepEqual([fromImage.cpu, fromImage.memory, fromImage.disk], [1, 2, 3]);
    assert.equal(fromImage.snapshot, undefined);
    assert.match(fromImage.buildInfo?.dockerfileContent ?? '', /FROM python:3.12-slim/);
    await daytona.create({}, { timeout: 10 });
    await assert.rejects(daytona.create({}), /Total CPU limit exceeded. Maximum allowed: 2/);
    // Stopped sandboxes free their CPU.
    await fromImage.stop();
    await daytona.create({}, { timeout: 10 });
  });
});

void test('bad API key is DaytonaAuthenticationError; keys can be rotated', async () => {
  await withEmulator(FAST, async (emu) => {
    const bad = client(emu, { apiKey: 'dtn_wrong' });
    try {
      await assert.rejects(collect(bad.list()), (err: unknown) => {
        assert.ok(err instanceof DaytonaAuthenticationError);
        assert.equal(err.statusCode, 401);
        return true;
      });
      emu.setApiKeys(['dtn_wrong']);
      assert.deepEqual(await collect(bad.list()), []);
      const old = client(emu);
      await assert.rejects(collect(old.list()), DaytonaAuthenticationError);
      await old[Symbol.asyncDispose]();
    } finally {
      await bad[Symbol.asyncDispose]();
    }
  });
});

void test('429 carries Retry-After in error.headers', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.setFaults({ rate429: 1, retryAfterSec: 7 });
    await assert.rejects(daytona.get('anything'), (err: unknown) => {
      assert.ok(err instanceof DaytonaRateLimitError);
      assert.equal(err.statusCode, 429);
      assert.equal(err.headers?.['retry-after'], '7');
      return true;
    });
    emu.clearFaults();
    await assert.rejects(daytona.get('anything'), DaytonaNotFoundError);
  });
});

void test('5xx: scripted failNext and rate5xx limited to mutating requests', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'eps', state: 'stopped' });
    const sb = await daytona.get('eps');
    emu.setFaults({ failNext: [{ method: 'POST', pathPattern: '/start$', status: 502, count: 1 }] });
    await assert.rejects(sb.start(5), DaytonaBadGatewayError);
    await sb.start(5); // the scripted failure is used up
    assert.equal(sb.state, 'started');

    emu.setFaults({ rate5xx: 1, only: 'mutating' });
    await daytona.get('eps'); // GETs are untouched
    await assert.rejects(sb.stop(), (err: unknown) => err instanceof DaytonaServiceUnavailableError && err.statusCode === 503);
    assert.equal(stateOf(emu, sb.id), 'started', 'a faulted request has no effect');
  });
});

void test('fault sequences are reproducible for a given seed', async () => {
  await withEmulator(FAST, async (emu) => {
    const run = async (): Promise<number[]> => {
      emu.setFaults({ rate429: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${emu.url}/volumes`, { headers: { authorization: `Bearer ${emu.apiKey}` } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      return statuses;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(429) && first.includes(200));
  });
});

void test('latency is added to responses and concurrency is tracked', async () => {
  await withEmulator({ ...FAST, latencyMs: 120 }, async (emu, daytona) => {
    emu.seedSandbox({ name: 'lat' });
    const t = Date.now();
    await daytona.get('lat');
    assert.ok(Date.now() - t >= 115);
    emu.resetStats();
    await Promise.all(Array.from({ length: 5 }, () => daytona.get('lat')));
    const stats = emu.stats();
    assert.equal(stats.maxConcurrency, 5);
    assert.equal(stats.inFlight, 0);
    assert.equal(stats.requests.length, 5);
    assert.ok(stats.requests.every((r) => r.status === 200 && r.ms >= 100 && r.path === '/api/sandbox/lat'));
  });
});

// The hangs are endless: a client timeout that did not fire, or a close() that waited for the hung
// request, would never return — the test's timeout catches both, no stopwatch needed.
void test('a hung response makes a client with requestTimeoutMs time out; close() still returns', { timeout: 30_000 }, async () => {
  const emu = await startEmulator(FAST);
  const daytona = client(emu, { requestTimeoutMs: 300 });
  try {
    emu.seedSandbox({ name: 'hang' });
    emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox/' } });
    await assert.rejects(daytona.get('hang'), (err: unknown) => {
      assert.ok(err instanceof DaytonaTimeoutError, String(err));
      return true;
    });
    // Leave one request hanging with no client timeout, then close.
    const raw = fetch(`${emu.url}/sandbox/hang`, { headers: { authorization: `Bearer ${emu.apiKey}` } }).catch(
      (err: unknown) => err,
    );
    while (emu.stats().inFlight === 0) await sleep(10); // until it arrived
    assert.equal(emu.stats().inFlight, 1);
    await emu.close();
    assert.ok((await raw) instanceof Error, 'the hung request is cut off');
  } finally {
    await daytona[Symbol.asyncDispose]();
    await emu.close();
  }
});

void test('an injectable clock drives transitions deterministically', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  await withEmulator({ transitionMs: 1000, now: () => clock }, async (emu) => {
    const res = await fetch(`${emu.url}/sandbox`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'clocked' }),
    });
    const dto = (await res.json()) as { id: string; state: string; createdAt: string };
    assert.equal(res.status, 200);
    assert.equal(dto.state, 'creating');
    assert.equal(dto.createdAt, '2026-01-01T00:00:00.000Z');
    clock += 999;
    assert.equal(stateOf(emu, dto.id), 'creating');
    assert.deepEqual(emu.sandboxes()[0]?.transition, { to: 'started', at: '2026-01-01T00:00:01.000Z' });
    clock += 1;
    assert.equal(stateOf(emu, dto.id), 'started');
  });
});

void test('holdUntilStarted (default) keeps start open until started: the SDK has nothing left to poll', async () => {
  await withEmulator({ transitionMs: 150 }, async (emu, daytona) => {
    emu.seedSandbox({ name: 'held', state: 'stopped' });
    const sb = await daytona.get('held');
    emu.resetStats();
    await sb.start(10);
    assert.equal(sb.state, 'started');
    assert.equal(routeCount(emu, 'GET /api/sandbox/:idOrName'), 0, 'nothing left to poll');
  });
});

void test('control API: faults, seed, state, stats, api-keys and reset over HTTP', async () => {
  await withEmulator({ ...FAST, seed: 'demo' }, async (emu, daytona) => {
    const state = (await (await controlFetch(emu, 'GET', '/state')).json()) as { sandboxes: { state: string }[] };
    assert.equal(state.sandboxes.length, 8);
    assert.deepEqual(
      [...new Set(state.sandboxes.map((s) => s.state))].sort(),
      ['archived', 'error', 'started', 'stopped'],
    );

    const bad = await controlFetch(emu, 'POST', '/faults', { rate429: 2 });
    assert.equal(bad.status, 400);
    assert.equal((await controlFetch(emu, 'POST', '/faults', { failNext: [{ status: 500 }] })).status, 200);
    await assert.rejects(daytona.get('scratch'), (err: unknown) => (err as { statusCode?: number }).statusCode === 500);
    assert.equal((await controlFetch(emu, 'DELETE', '/faults')).status, 200);
    assert.equal((await daytona.get('scratch')).state, 'started');

    const seeded = await controlFetch(emu, 'POST', '/seed', [{ name: 'from-http', state: 'paused' }]);
    const seededBody = (await seeded.json()) as { sandboxes: { name: string; state: string }[] };
    assert.deepEqual(seededBody.sandboxes.map((s) => [s.name, s.state]), [['from-http', 'paused']]);

    const stats = (await (await controlFetch(emu, 'GET', '/stats')).json()) as { requests: unknown[] };
    assert.equal(stats.requests.length, 2, 'control requests are not counted');
    await controlFetch(emu, 'POST', '/stats/reset');
    assert.equal(emu.stats().requests.length, 0);

    const keys = await controlFetch(emu, 'POST', '/api-keys', { keys: ['dtn_other'] });
    assert.equal(JSON.stringify(await keys.json()).includes('dtn_other'), false, 'keys are never echoed');
    await assert.rejects(daytona.get('scratch'), DaytonaAuthenticationError);

    await controlFetch(emu, 'POST', '/reset', { seed: 'none' });
    assert.equal(emu.sandboxes().length, 0);
    assert.deepEqual(await collect(daytona.list()), [], 'reset restores the initial API keys');
  });
});

void test('CLI prints one JSON line, serves, and exits cleanly on SIGTERM', async () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--seed', 'demo', '--api-key', 'dtn_cli', '--transition-ms', '10'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!out.includes('\n')) {
      const [chunk] = (await once(child.stdout, 'data')) as [string];
      out += chunk;
    }
    const ready = JSON.parse(out.trim()) as { url: string; controlUrl: string };
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+\/api$/);
    assert.equal(ready.controlUrl, ready.url.replace(/\/api$/, '/_emulator'));
    const daytona = new Daytona({ apiKey: 'dtn_cli', apiUrl: ready.url, target: 'us', useDeprecatedPolling: true });
    assert.equal((await collect(daytona.list())).length, 8);
    await daytona[Symbol.asyncDispose]();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(out.trim().split('\n').length, 1, 'nothing else on stdout');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

// ---- the rest of the lifecycle: fork, snapshot, resize, settings, recover, pause, preview, build logs

/** The SDK's own configured SandboxApi, for endpoints its high-level classes do not wrap. */
interface RawApi {
  getBuildLogsUrl(id: string): Promise<{ data: { url: string } }>;
  getSandboxParent(id: string): Promise<{ data: { id: string } }>;
  getSandboxForks(id: string): Promise<{ data: { id: string }[] }>;
  updatePublicStatus(id: string, isPublic: boolean): Promise<{ data: { public: boolean } }>;
  forkSandbox(id: string, body: { name?: string }): Promise<{ data: { id: string; state: string } }>;
  createSandboxSnapshot(id: string, body: { name: string }): Promise<{ data: { state: string } }>;
}
const rawApi = (daytona: Daytona): RawApi => (daytona as unknown as { sandboxApi: RawApi }).sandboxApi;

void test('fork: the source passes through forking while the copy is created (stepped clock)', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  await withEmulator({ transitionMs: 1000, now: () => clock }, async (emu, daytona) => {
    const src = emu.seedSandbox({ name: 'prod', sandboxClass: 'linux-vm' });
    const res = await rawApi(daytona).forkSandbox('prod', { name: 'prod-copy' });
    assert.equal(res.data.state, 'creating');
    assert.equal(stateOf(emu, src.id), 'forking');
    clock += 1000;
    assert.equal(stateOf(emu, src.id), 'started');
    assert.equal(stateOf(emu, res.data.id), 'started');
  });
});

void test('fork: the copy gets the source settings and a parent, not its build info; refusals', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const src = emu.seedSandbox({ name: 'prod', sandboxClass: 'linux-vm', snapshot: 'node-22', labels: { project: 'shop' }, env: { A: '1' }, autoStopInterval: 42, buildLog: 'built\n' });
    const sb = await daytona.get('prod');
    const fork = await sb.fork({ name: 'prod-copy' }, 10);
    assert.equal(fork.name, 'prod-copy');
    assert.equal(fork.state, 'started');
    assert.notEqual(fork.id, src.id);
    assert.deepEqual([fork.snapshot, fork.labels.project, fork.env?.A, fork.autoStopInterval, fork.cpu], ['node-22', 'shop', '1', 42, 1]);
    assert.equal(fork.buildInfo, undefined);
    assert.equal((await rawApi(daytona).getSandboxParent(fork.id)).data.id, src.id);
    assert.deepEqual((await rawApi(daytona).getSandboxForks('prod')).data.map((s) => s.id), [fork.id]);
    await sb.waitUntilStarted(10);
    // A taken name is 409; a stopped source is refused; a source with forks cannot be deleted.
    await assert.rejects(sb.fork({ name: 'prod-copy' }, 10), DaytonaConflictError);
    emu.seedSandbox({ name: 'cold', state: 'stopped', sandboxClass: 'linux-vm' });
    await assert.rejects((await daytona.get('cold')).fork({}, 10), /must be started/);
    await assert.rejects(daytona.delete(sb), /has forks/);
    const unnamed = await sb.fork({}, 10);
    assert.match(unnamed.name, /^prod-fork-[0-9a-f]{8}$/);
  });
});

void test('createSnapshot (kind: snapshotRowWhenDone false): the row is listed at once, snapshotting then active', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  await withEmulator({ transitionMs: 1000, now: () => clock, snapshotRowWhenDone: false }, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 'web', cpu: 2, memory: 4, disk: 8, state: 'stopped' });
    const res = await rawApi(daytona).createSandboxSnapshot('web', { name: 'web-golden' });
    assert.equal(res.data.state, 'snapshotting');
    clock += 1000;
    assert.equal(stateOf(emu, seeded.id), 'stopped', 'back to where it began');
    const snap = await daytona.snapshot.get('web-golden');
    assert.equal(snap.state, 'snapshotting', 'waiting for the sandbox is not waiting for the snapshot');
    assert.equal(snap.sourceSandboxId, seeded.id);
    assert.deepEqual([snap.cpu, snap.mem, snap.disk], [2, 4, 8]);
    clock += 1000;
    assert.equal((await daytona.snapshot.get('web-golden')).state, 'active');
  });
});

void test('createSnapshot through the SDK; the snapshot is listed and usable; a taken name is 409', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 'web', cpu: 2, memory: 4, disk: 8 });
    const sb = await daytona.get('web');
    await sb.createSnapshot('web-golden', 10);
    assert.equal(stateOf(emu, seeded.id), 'started');
    const listed = await daytona.snapshot.list();
    assert.ok(listed.items.some((s) => s.name === 'web-golden'));
    await assert.rejects(sb.createSnapshot('web-golden', 10), DaytonaConflictError);
    await assert.rejects(sb.createSnapshot('node-22', 10), DaytonaConflictError);
    while ((await daytona.snapshot.get('web-golden')).state !== 'active') await sleep(20);
    const copy = await daytona.create({ snapshot: 'web-golden', name: 'from-golden' }, { timeout: 10 });
    assert.deepEqual([copy.cpu, copy.memory, copy.disk], [2, 4, 8]);
  });
});

void test('resize (flag sandbox_resize on): hot resize only grows cpu/memory; disk only when stopped and only growing; gpu never', async () => {
  await withEmulator({ ...FAST, featureFlags: { sandbox_resize: true } }, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 'r', cpu: 1, memory: 2, disk: 5 });
    const sb = await daytona.get('r');
    const res = await fetch(`${emu.url}/sandbox/r/resize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cpu: 2 }),
    });
    assert.equal(((await res.json()) as { state: string }).state, 'resizing');
    while (stateOf(emu, seeded.id) === 'resizing') await sleep(10);
    await sb.resize({ cpu: 2, memory: 4 }, 10);
    assert.deepEqual([sb.cpu, sb.memory, sb.state], [2, 4, 'started']);
    await assert.rejects(sb.resize({ cpu: 1 }, 10), /Hot resize only supports increasing/);
    await assert.rejects(sb.resize({ disk: 6 }, 10), /Disk resize requires a stopped sandbox/);
    await assert.rejects(sb.resize({ gpu: 1 } as never, 10), /GPU/);
    const raw = await fetch(`${emu.url}/sandbox/r/resize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ gpu: 1 }),
    });
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as { message: string }).message, /property gpu should not exist/);
    await sb.stop(10);
    await assert.rejects(sb.resize({ disk: 4 }, 10), /Disk size can only be increased/);
    await sb.resize({ disk: 9, cpu: 1 }, 10);
    assert.deepEqual([sb.cpu, sb.disk, sb.state], [1, 9, 'stopped'], 'a stopped sandbox may also shrink cpu, and stays stopped');
    await assert.rejects(sb.resize({ disk: 11 }, 10), /exceeds maximum allowed per sandbox/);
  });
});

void test('a stopped sandbox is not resized beyond the per-sandbox maxima either (400 naming the quota, nothing changed)', async () => {
  await withEmulator({ ...FAST, featureFlags: { sandbox_resize: true }, quota: { maxCpuPerSandbox: 4, maxMemoryPerSandbox: 8 } }, async (emu) => {
    const seeded = emu.seedSandbox({ name: 'cold', state: 'stopped', cpu: 1, memory: 2, disk: 5 });
    for (const [body, words] of [
      [{ cpu: 9 }, /CPU request 9 exceeds maximum allowed per sandbox \(4\)/],
      [{ memory: 16 }, /Memory request 16GB exceeds maximum allowed per sandbox \(8GB\)/],
    ] as const) {
      const res = await fetch(`${emu.url}/sandbox/cold/resize`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, words);
    }
    const after = emu.sandboxes().find((s) => s.id === seeded.id);
    assert.deepEqual([after?.cpu, after?.memory, after?.state], [1, 2, 'stopped']);
  });
});

void test('GET /organizations/{id}/usage: per-sandbox maxima and totals per region and class; another organisation is 403', async () => {
  await withEmulator({ ...FAST, quota: { maxCpuPerSandbox: 3, maxMemoryPerSandbox: 6, maxDiskPerSandbox: 12, cpu: 20 } }, async (emu) => {
    emu.seedSandbox({ name: 'u', cpu: 2, memory: 4, disk: 5 });
    const get = (org: string) => fetch(`${emu.url}/organizations/${org}/usage`, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    const res = await get(emu.organizationId);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { regionUsage: Array<Record<string, unknown>> };
    const row = body.regionUsage.find((r) => r.regionId === 'us' && r.sandboxClass === 'container');
    assert.ok(row, JSON.stringify(body));
    assert.deepEqual(
      [row.maxCpuPerSandbox, row.maxMemoryPerSandbox, row.maxDiskPerSandbox, row.totalCpuQuota, row.currentCpuUsage, row.currentMemoryUsage],
      [3, 6, 12, 20, 2, 4],
    );
    assert.equal((await get('someone-else')).status, 403);
    const defaults = await startEmulator();
    try {
      const d = (await (await fetch(`${defaults.url}/organizations/${defaults.organizationId}/usage`, { headers: { authorization: `Bearer ${defaults.apiKey}` } })).json()) as {
        regionUsage: Array<Record<string, unknown>>;
      };
      assert.deepEqual([d.regionUsage[0]?.maxCpuPerSandbox, d.regionUsage[0]?.maxMemoryPerSandbox, d.regionUsage[0]?.maxDiskPerSandbox], [4, 8, 10], 'defaults');
    } finally {
      await defaults.close();
    }
  });
});

void test('intervals and public status change in place', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 's', state: 'stopped' });
    const sb = await daytona.get('s');
    await sb.setAutostopInterval(0);
    await sb.setAutoArchiveInterval(60);
    await sb.setAutoDeleteInterval(120);
    assert.equal((await rawApi(daytona).updatePublicStatus(sb.id, true)).data.public, true);
    const after = emu.sandboxes().find((s) => s.id === seeded.id);
    assert.deepEqual(
      [after?.autoStopInterval, after?.autoArchiveInterval, after?.autoDeleteInterval, after?.public, after?.state],
      [0, 60, 120, true, 'stopped'],
    );
  });
});

void test('recover brings back a recoverable errored sandbox only; pause and start-resume', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'ok-err', state: 'error', errorReason: 'disk full', recoverable: true });
    emu.seedSandbox({ name: 'bad-err', state: 'error', errorReason: 'image gone', recoverable: false });
    const ok = await daytona.get('ok-err');
    await ok.recover(10);
    assert.equal(ok.state, 'started');
    assert.equal(ok.errorReason, undefined);
    await assert.rejects((await daytona.get('bad-err')).recover(10), /not recoverable/);
    await assert.rejects(ok.recover(10), /not in an errored state/);

    await ok.pause(10);
    assert.equal(ok.state, 'paused');
    await ok.start(10);
    assert.equal(ok.state, 'started');
    assert.ok(routeCount(emu, 'POST /api/sandbox/:idOrName/start') === 1);
  });
});

void test('preview links: plain with a header token, signed with the token in the URL, expiry validated', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    const seeded = emu.seedSandbox({ name: 'web' });
    const sb = await daytona.get('web');
    const plain = await sb.getPreviewLink(3000);
    assert.equal(plain.sandboxId, seeded.id);
    assert.equal(plain.url, `${emu.url.replace(/\/api$/, '')}/preview/3000-${seeded.id}`);
    assert.match(plain.token, /^[0-9a-f]{24}$/);
    const signed = await sb.getSignedPreviewUrl(8080, 600);
    assert.equal(signed.port, 8080);
    assert.ok(signed.url.endsWith(`/preview/8080-${signed.token}`));
    assert.notEqual(signed.token, plain.token);
    await sb.expireSignedPreviewUrl(8080, signed.token);
    await assert.rejects(sb.getSignedPreviewUrl(8080, 0), DaytonaValidationError);
    await assert.rejects(sb.getSignedPreviewUrl(8080, 86401), DaytonaValidationError);
    await assert.rejects(sb.getPreviewLink(70000), DaytonaValidationError);
  });
});

void test('build logs: text for a sandbox built from an image, 404 otherwise', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'broken', state: 'build_failed', errorReason: 'build failed', buildLog: 'step 1\nstep 2\nERROR: exit 1\n' });
    emu.seedSandbox({ name: 'plain' });
    const { url } = (await rawApi(daytona).getBuildLogsUrl('broken')).data;
    const res = await fetch(url, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), 'step 1\nstep 2\nERROR: exit 1\n');
    await assert.rejects(rawApi(daytona).getBuildLogsUrl('plain'), DaytonaNotFoundError);
    assert.equal((await daytona.get('broken')).buildInfo?.snapshotRef !== undefined, true);
  });
});

void test('links the product opens lead to pages: a preview URL and the dashboard answer HTML, not a JSON 404', async () => {
  await withEmulator(FAST, async (emu, daytona) => {
    emu.seedSandbox({ name: 'shop-<web>' });
    const sb = await daytona.get('shop-<web>');
    const link = await sb.getPreviewLink(3000);
    const preview = await fetch(link.url);
    assert.equal(preview.status, 200);
    assert.match(preview.headers.get('content-type') ?? '', /^text\/html/);
    const html = await preview.text();
    assert.match(html, /Preview: port 3000/);
    assert.match(html, /sandbox <b>shop-&#60;web&#62;<\/b> \(started\)/, 'names the sandbox, escaped');
    const origin = new URL(emu.url).origin;
    const dashboard = await fetch(`${origin}/dashboard/sandboxes`);
    assert.equal(dashboard.status, 200);
    assert.match(await dashboard.text(), /<td>shop-&#60;web&#62;<\/td><td>started<\/td>/);
    // Everything else is still the API's JSON.
    const other = await fetch(`${origin}/nothing-here`);
    assert.match(other.headers.get('content-type') ?? '', /json/);
  });
});
