// The emulator follows the real server's listing and deleting rules by default
// (../shared/notes/daytona-real-rules.md, "Listing" and "Transitions"). A hand-stepped clock makes
// every lag exact: no test here waits on real time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

async function api(emu: Emulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const names = (a: Answer): string[] => (a.body.items as Array<{ name: string }>).map((s) => s.name);

/** An emulator on a clock that moves only when told to. */
async function withClock(opts: EmulatorOptions, use: (emu: Emulator, clock: { t: number; advance(ms: number): void }) => Promise<void>): Promise<void> {
  const clock = {
    t: Date.parse('2026-01-01T00:00:00Z'),
    advance(ms: number) {
      this.t += ms;
    },
  };
  const emu = await startEmulator({ transitionMs: 100, ...opts, now: () => clock.t });
  try {
    await use(emu, clock);
  } finally {
    await emu.close();
  }
}

void test('GET /sandbox is eventually consistent: it lags GET /sandbox/{id} by listLagMs (default 500)', async () => {
  await withClock({}, async (emu, clock) => {
    const made = await api(emu, 'POST', '/sandbox', { name: 'fresh' });
    assert.equal(made.status, 200);
    assert.equal((await api(emu, 'GET', '/sandbox/fresh')).body.state, 'creating', 'GET by id is fresh');
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), [], 'a new sandbox is not listed yet');
    clock.advance(499);
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), []);
    clock.advance(1);
    const listed = await api(emu, 'GET', '/sandbox');
    assert.deepEqual(names(listed), ['fresh']);
    assert.equal(listed.body.items[0].state, 'creating', 'as it was 500 ms ago');
    clock.advance(100);
    assert.equal((await api(emu, 'GET', '/sandbox')).body.items[0].state, 'started', 'the creation (100 ms) reaches the list 500 ms later');

    assert.equal((await api(emu, 'POST', '/sandbox/fresh/stop')).status, 200);
    clock.advance(100);
    assert.equal((await api(emu, 'GET', '/sandbox/fresh')).body.state, 'stopped');
    assert.equal((await api(emu, 'GET', '/sandbox')).body.items[0].state, 'started', 'the list still shows the old state');
    clock.advance(400);
    assert.equal((await api(emu, 'GET', '/sandbox')).body.items[0].state, 'stopping', 'as it was when stop was asked');
    clock.advance(100);
    assert.equal((await api(emu, 'GET', '/sandbox')).body.items[0].state, 'stopped');

    assert.equal((await api(emu, 'DELETE', '/sandbox/fresh')).status, 200);
    clock.advance(200); // lazy delete (100) + destroying (100): gone
    assert.equal((await api(emu, 'GET', `/sandbox/${listed.body.items[0].id}`)).status, 404);
    assert.equal(names(await api(emu, 'GET', '/sandbox')).length, 1, 'a deleted sandbox is still listed for a while');
    clock.advance(500);
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), []);
  });
});

void test('listLagMs: 0 asks for a list that is always current (kindness, per test)', async () => {
  await withClock({ listLagMs: 0 }, async (emu) => {
    await api(emu, 'POST', '/sandbox', { name: 'fresh' });
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), ['fresh']);
  });
});

void test('default order is lastActivityAt descending; sort=createdAt gives a stable order to page in', async () => {
  await withClock({ listLagMs: 0 }, async (emu, clock) => {
    const t = clock.t;
    emu.seedSandbox({ name: 'old', state: 'stopped', createdAt: t - 3000, lastActivityAt: t - 3000 });
    emu.seedSandbox({ name: 'mid', state: 'stopped', createdAt: t - 2000, lastActivityAt: t - 2000 });
    emu.seedSandbox({ name: 'new', state: 'stopped', createdAt: t - 1000, lastActivityAt: t - 1000 });
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), ['new', 'mid', 'old']);

    const first = await api(emu, 'GET', '/sandbox?limit=2');
    assert.deepEqual(names(first), ['new', 'mid']);
    assert.equal((await api(emu, 'POST', '/sandbox/old/start')).status, 200); // activity: 'old' moves to the front
    const second = await api(emu, 'GET', `/sandbox?limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual(names(second), [], "the keyset cursor skips 'old': it moved before the cursor");
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), ['old', 'new', 'mid']);

    const byCreation = await api(emu, 'GET', '/sandbox?limit=2&sort=createdAt&order=desc');
    assert.deepEqual(names(byCreation), ['new', 'mid']);
    await api(emu, 'POST', '/sandbox/mid/start');
    clock.advance(1000);
    const rest = await api(emu, 'GET', `/sandbox?limit=2&sort=createdAt&order=desc&cursor=${byCreation.body.nextCursor}`);
    assert.deepEqual(names(rest), ['old'], 'by creation, activity moves nothing');
  });
});

void test('defaultListSort: createdAt asks for the old kind order', async () => {
  await withClock({ listLagMs: 0, defaultListSort: 'createdAt' }, async (emu, clock) => {
    emu.seedSandbox({ name: 'a', createdAt: clock.t - 2000, lastActivityAt: clock.t });
    emu.seedSandbox({ name: 'b', createdAt: clock.t - 1000, lastActivityAt: clock.t - 5000 });
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), ['b', 'a']);
  });
});

void test('lastActivityAt moves on every state change, not on labels, public, intervals or desired state', async () => {
  await withClock({ listLagMs: 0 }, async (emu, clock) => {
    const before = clock.t - 60_000;
    emu.seedSandbox({ name: 'x', state: 'started', lastActivityAt: before });
    const last = async () => Date.parse((await api(emu, 'GET', '/sandbox/x')).body.lastActivityAt as string);
    clock.advance(1000);
    await api(emu, 'PUT', '/sandbox/x/labels', { labels: { a: 'b' } });
    await api(emu, 'POST', '/sandbox/x/public/true');
    await api(emu, 'POST', '/sandbox/x/autostop/30');
    await api(emu, 'POST', '/sandbox/x/autodelete/60');
    assert.equal(await last(), before, 'no state change, no activity');
    await api(emu, 'POST', '/sandbox/x/stop');
    assert.equal(await last(), clock.t, 'started → stopping');
    const stoppingAt = clock.t;
    clock.advance(250);
    assert.equal(await last(), stoppingAt + 100, 'stopping → stopped, when it happened');
    const id = (await api(emu, 'GET', '/sandbox/x')).body.id as string;
    await api(emu, 'DELETE', '/sandbox/x');
    const afterDelete = await api(emu, 'GET', `/sandbox/${id}`);
    assert.equal(afterDelete.body.desiredState, 'destroyed');
    assert.equal(Date.parse(afterDelete.body.lastActivityAt as string), stoppingAt + 100, 'a desired-state change is not activity');
  });
});

void test('limit: default 100, at most 200 (201 is a 400); name is a prefix filter', async () => {
  await withClock({ listLagMs: 0 }, async (emu) => {
    for (let i = 0; i < 150; i++) emu.seedSandbox({ name: `box-${String(i).padStart(3, '0')}`, state: 'stopped' });
    emu.seedSandbox({ name: 'my-box', state: 'stopped' });
    assert.equal((await api(emu, 'GET', '/sandbox')).body.items.length, 100);
    assert.equal((await api(emu, 'GET', '/sandbox?limit=200')).body.items.length, 151);
    const tooMany = await api(emu, 'GET', '/sandbox?limit=201');
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.message as string, /limit must not be greater than 200/);
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox?name=my')), ['my-box']);
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox?name=box')).length, 100, "a prefix: 'box' is not found inside 'my-box'");
    assert.ok(!names(await api(emu, 'GET', '/sandbox?name=box&limit=200')).includes('my-box'));
  });
});

void test('states=destroyed and non-date bounds are 400s; date bounds are inclusive', async () => {
  await withClock({ listLagMs: 0 }, async (emu, clock) => {
    const created = new Date(clock.t - 5000).toISOString();
    const active = new Date(clock.t - 1000).toISOString();
    emu.seedSandbox({ name: 'a', createdAt: created, lastActivityAt: active });
    const destroyed = await api(emu, 'GET', '/sandbox?states=destroyed');
    assert.equal(destroyed.status, 400);
    for (const param of ['createdAtAfter', 'createdAtBefore', 'lastEventAfter', 'lastEventBefore']) {
      const bad = await api(emu, 'GET', `/sandbox?${param}=yesterday`);
      assert.equal(bad.status, 400, param);
      assert.equal(bad.body.message, `${param} must be a Date instance`);
    }
    const q = (s: string) => api(emu, 'GET', `/sandbox?${s}`).then(names);
    assert.deepEqual(await q(`createdAtAfter=${created}&createdAtBefore=${created}`), ['a'], 'both bounds inclusive');
    assert.deepEqual(await q(`lastEventAfter=${active}&lastEventBefore=${active}`), ['a']);
    assert.deepEqual(await q(`lastEventBefore=${new Date(clock.t - 1001).toISOString()}`), []);
    assert.deepEqual(await q(`createdAtAfter=${new Date(clock.t - 4999).toISOString()}`), []);
  });
});

void test('DELETE is lazy and accepts a started sandbox: renamed at once, destroying later; 409 meanwhile; 404 once gone', async () => {
  await withClock({ listLagMs: 0 }, async (emu, clock) => {
    emu.seedSandbox({ name: 'web', state: 'started' });
    const id = (await api(emu, 'GET', '/sandbox/web')).body.id as string;
    const del = await api(emu, 'DELETE', '/sandbox/web');
    assert.equal(del.status, 200);
    const now = await api(emu, 'GET', `/sandbox/${id}`);
    assert.equal(now.body.state, 'started', 'the state changes later');
    assert.equal(now.body.desiredState, 'destroyed');
    assert.equal(now.body.name, `DESTROYED_web_${clock.t}`);
    assert.equal((await api(emu, 'GET', '/sandbox/web')).status, 404, 'the name is free at once');
    assert.deepEqual(names(await api(emu, 'GET', '/sandbox')), [`DESTROYED_web_${clock.t}`], 'and the list shows the new name, still started');
    for (const [method, path] of [['DELETE', ''], ['POST', '/stop'], ['POST', '/start']] as const) {
      const again = await api(emu, method, `/sandbox/${id}${path}`);
      assert.equal(again.status, 409, `${method} ${path}`);
      assert.equal(again.body.message, 'Sandbox state change in progress');
    }
    clock.advance(100);
    assert.equal((await api(emu, 'GET', `/sandbox/${id}`)).body.state, 'destroying');
    assert.equal((await api(emu, 'DELETE', `/sandbox/${id}`)).status, 409);
    clock.advance(100);
    assert.equal((await api(emu, 'GET', `/sandbox/${id}`)).status, 404);
    assert.equal((await api(emu, 'DELETE', `/sandbox/${id}`)).status, 404);
  });
});

void test('deleteLagMs: 0 asks for the old kind delete (destroying at once)', async () => {
  await withClock({ listLagMs: 0, deleteLagMs: 0 }, async (emu) => {
    emu.seedSandbox({ name: 'web', state: 'stopped' });
    assert.equal((await api(emu, 'DELETE', '/sandbox/web')).body.state, 'destroying');
  });
});

void test('stopping a sandbox whose autoDeleteInterval is 0 deletes it', async () => {
  await withClock({ listLagMs: 0 }, async (emu, clock) => {
    emu.seedSandbox({ name: 'eph', state: 'started', autoDeleteInterval: 0 });
    const id = (await api(emu, 'GET', '/sandbox/eph')).body.id as string;
    const stop = await api(emu, 'POST', '/sandbox/eph/stop');
    assert.equal(stop.status, 200);
    assert.equal(stop.body.desiredState, 'destroyed');
    assert.match(stop.body.name as string, /^DESTROYED_eph_/);
    clock.advance(200);
    assert.equal((await api(emu, 'GET', `/sandbox/${id}`)).status, 404);
  });
});
