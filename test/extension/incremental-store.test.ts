/**
 * The sidebar store at scale: live events, `lastEventAfter` polls, rare full reconciles. Real SDK and
 * the real socket.io client against the emulator's HTTP API and event stream.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { credentialsFor, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { SandboxStore, type StoreOptions } from '../../src/extension/sandbox-store';
import { openSandboxEvents } from '../../src/core/sandbox-events';
import { callTool } from '../../src/extension/tool-invoker';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { startSandbox } from '../../src/core/tools/start_sandbox';
import { deleteSandbox } from '../../src/core/tools/delete_sandbox';
import { emulatorForEachTest, emulatorPerTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;
let stores: SandboxStore[] = [];

// Most tests are not about the list's lag behind the events: the reconnect test has its own emulator.
// The quota of a team with thousands of sandboxes (1,000 running), for the hidden-view tests.
const TEAM_QUOTA = { cpu: 100_000, memory: 100_000, disk: 1_000_000 };
/** Tests that need emulator options of their own (a clock, list lag, no event stream): closed after each. */
const ownEmulator = emulatorPerTest({});

emulatorForEachTest({ apiKeys: [SENTINEL_KEY], transitionMs: 60, listLagMs: 0, deleteLagMs: 0, quota: TEAM_QUOTA }, (e, c) => {
  emu = e;
  ctx = c;
});
afterEach(() => {
  stores.forEach((s) => s.dispose());
  stores = [];
});

function makeStore(opts: Partial<StoreOptions> = {}) {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const store = new SandboxStore({
    context: () => ctx,
    intervalMs: () => 30_000,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => timers.splice(0),
    ...opts,
  });
  stores.push(store);
  return { store, timers };
}

const live = (): Partial<StoreOptions> => ({ events: (h) => openSandboxEvents(credentialsFor(emu.url), h) });

/** List requests (GET /api/sandbox) since the last resetStats, with their query. */
const listCalls = () => emu.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox');

/** Waits for a condition the store reaches by itself (events); a hang guard, not a timing assertion. */
async function until(what: string, cond: () => boolean, guardMs = 10_000): Promise<void> {
  const end = Date.now() + guardMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stateOf = (store: SandboxStore, name: string) => store.sandboxes.find((s) => s.name === name)?.state;

test('a poll after the first full read asks only for what changed (lastEventAfter), one request at any size', async () => {
  for (let i = 0; i < 450; i++) emu.seedSandbox({ name: `s-${i}`, state: 'stopped', lastActivityAt: new Date(Date.now() - 86_400_000).toISOString() });
  emu.seedSandbox({ name: 'busy', state: 'started' });
  const { store } = makeStore();
  store.setVisible(true);
  await store.refresh();
  assert.equal(store.totalCount, 451);
  emu.resetStats();
  await callTool(stopSandbox, { sandboxes: ['busy'], wait: true }, ctx);
  emu.resetStats();
  await store.refresh();
  assert.equal(stateOf(store, 'busy'), 'stopped');
  const calls = listCalls();
  assert.equal(calls.length, 1, 'one incremental request, not a page per 200 sandboxes');
  assert.match(calls[0]!.query ?? '', /lastEventAfter=/);
  assert.equal(store.totalCount, 451);
});

test('events bring a state change and a new sandbox (one not listed yet) without any list request', async () => {
  emu.seedSandbox({ name: 'web', state: 'started' });
  const { store } = makeStore(live());
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  await store.refresh(); // joins the catch-up read the connection starts
  emu.resetStats();
  await callTool(stopSandbox, { sandboxes: ['web'], wait: false }, ctx);
  await until('web stopped in the store', () => stateOf(store, 'web') === 'stopped');
  emu.seedSandbox({ name: 'newcomer', state: 'started' });
  await until('the new sandbox appears', () => stateOf(store, 'newcomer') === 'started');
  assert.equal(listCalls().length, 0, 'no list request: the events carried it');
});

test('a sandbox created while the first full read still pages (its page already read) is kept from its event', async () => {
  for (let i = 0; i < 1000; i++) emu.seedSandbox({ name: `s-${i}`, state: 'stopped' });
  // Slow pages: the whole read takes ~2.5 s, the event ~0.1 s.
  emu.setFaults({ slowMs: { method: 'GET', pathPattern: '^/api/sandbox$', ms: 500 } });
  const { store } = makeStore(live());
  store.setVisible(true);
  await until('the stream is live and the first page shown', () => store.live && store.sandboxes.length >= 200);
  assert.equal(store.loadingMore, true, 'still paging');
  emu.seedSandbox({ name: 'newcomer', state: 'started' }); // newest: it sorts onto page 1, already read
  await until('the newcomer appears', () => stateOf(store, 'newcomer') === 'started');
  await store.refresh(); // the full read in flight
  emu.clearFaults();
  assert.equal(store.loadingMore, false);
  assert.equal(store.totalCount, 1001);
  assert.equal(stateOf(store, 'newcomer'), 'started');
});

test('a deletion: the event removes the sandbox once destroyed; without events the reconcile does', async () => {
  emu.seedSandbox({ name: 'doomed', state: 'stopped' });
  emu.seedSandbox({ name: 'keeper', state: 'stopped' });
  const { store } = makeStore(live());
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  await callTool(deleteSandbox, { sandboxes: ['doomed'], wait: false }, ctx);
  await until('doomed gone from the store', () => !store.sandboxes.some((s) => s.name.includes('doomed')));
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['keeper']);
  assert.equal(store.totalCount, 1);

  // Polling only (no stream): the incremental poll cannot see a sandbox that is gone; the full read does.
  emu.seedSandbox({ name: 'doomed2', state: 'stopped' });
  const { store: polled } = makeStore({ reconcileMs: () => 60 * 60_000 });
  polled.setVisible(true);
  await polled.refresh();
  await callTool(deleteSandbox, { sandboxes: ['doomed2'], wait: true }, ctx);
  await polled.refresh();
  await polled.reconcile();
  assert.deepEqual(polled.sandboxes.map((s) => s.name).sort(), ['keeper']);
});

test('a deleted sandbox stays gone when a lagging list still shows it (sync read or full reconcile)', async () => {
  // The real list is eventually consistent: for a while after the destroyed event it still lists the
  // sandbox as it was. That answer is older than the event and must not bring the row back.
  const { emu: lag, ctx: lctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 60, listLagMs: 1_500, deleteLagMs: 0, seed: [{ name: 'doomed', state: 'stopped' }, { name: 'keeper', state: 'stopped' }] });
  const store = new SandboxStore({ context: () => lctx, intervalMs: () => 30_000, setTimer: () => undefined, clearTimer: () => {}, events: (h) => openSandboxEvents(credentialsFor(lag.url), h) });
  stores.push(store);
  store.setVisible(true);
  await store.reconcile();
  await until('the event stream connects', () => store.live);
  await store.refresh(); // the catch-up read the connection started
  await callTool(deleteSandbox, { sandboxes: ['doomed'], wait: true }, lctx);
  await until('the destroyed event removes doomed', () => !store.sandboxes.some((s) => s.name === 'doomed'));
  const gateway = await lctx.gateway();
  assert.ok((await gateway.listPage({ limit: 10 })).items.some((s) => s.name === 'doomed'), 'the lagging list still shows doomed (else this test proves nothing)');
  await store.refresh();
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['keeper'], 'after a lastEventAfter read');
  await store.reconcile();
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['keeper'], 'after a full read');
  assert.equal(store.totalCount, 1);
});

/** A visible store without an event stream (polls only, no reconcile due), after its first full read. */
async function pollingStore(context: TestContext, listCatchUpMs: number): Promise<SandboxStore> {
  const store = new SandboxStore({ context: () => context, intervalMs: () => 30_000, reconcileMs: () => 60 * 60_000, listCatchUpMs, setTimer: () => undefined, clearTimer: () => {} });
  stores.push(store);
  store.setVisible(true);
  await store.reconcile();
  return store;
}

/** Deletes `name` (without waiting) and polls until a lastEventAfter read shows it destroying. */
async function deleteAndPollUntilDestroying(store: SandboxStore, context: TestContext, name: string): Promise<void> {
  await callTool(deleteSandbox, { sandboxes: [name], wait: false }, context);
  for (const end = Date.now() + 10_000; stateOf(store, name) !== 'destroying'; await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) assert.fail(`a poll never saw ${name} destroying: ${store.sandboxes.map((s) => `${s.name} ${s.state}`).join(', ')}`);
    await store.refresh();
  }
}

test('polling only (no stream): a sandbox seen destroying leaves the tree at a later lastEventAfter read, not at the reconcile', async () => {
  // The real rules: the list lags 0.5 s behind, and a destroyed sandbox is never listed again, so no
  // poll ever reports it destroyed. Destroying lasts 1.5 s here, long enough for a poll to see it.
  const { emu: real, ctx: rctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 1_500, deleteLagMs: 0, seed: [{ name: 'doomed', state: 'stopped' }, { name: 'keeper', state: 'stopped' }] });
  const store = await pollingStore(rctx, 1_000);
  await deleteAndPollUntilDestroying(store, rctx, 'doomed');
  const gateway = await rctx.gateway();
  const listed = async () => (await gateway.listPage({ limit: 10 })).items.some((s) => s.id === store.sandboxes.find((x) => x.name === 'doomed')?.id);
  for (const end = Date.now() + 10_000; await listed(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) assert.fail('the emulator never finished the deletion');
  }
  await new Promise((r) => setTimeout(r, 1_000)); // the list's catch-up allowance (listCatchUpMs)
  await store.refresh();
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['keeper'], `after a poll: ${store.sandboxes.map((s) => `${s.name} ${s.state}`).join(', ')}`);
  assert.equal(store.totalCount, 1);
  // The store's reads ask for pages of 200; this test's own look at the list asks for 10.
  const fullReads = real.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox' && /limit=200/.test(r.query ?? '') && !/lastEventAfter/.test(r.query ?? '')).length;
  assert.equal(fullReads, 1, 'no full read but the first');
});

test('polling only: a sandbox destroying for longer than a poll stays listed while the API still lists it', async () => {
  const { ctx: rctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 4_000, deleteLagMs: 0, seed: [{ name: 'slow', state: 'stopped' }] });
  const store = await pollingStore(rctx, 500);
  await deleteAndPollUntilDestroying(store, rctx, 'slow');
  await new Promise((r) => setTimeout(r, 1_200));
  await store.refresh();
  assert.equal(stateOf(store, 'slow'), 'destroying', 'still listed by the API: still in the tree');
});

test('after a reconnect the store reads what it missed while the stream was down, even from a lagging list', async () => {
  // The real list is eventually consistent: this emulator's list lags 500 ms behind (its default).
  const { emu: lag, ctx: lctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 60, seed: [{ name: 'a', state: 'started' }, { name: 'b', state: 'started' }] });
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const store = new SandboxStore({ context: () => lctx, intervalMs: () => 30_000, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => {}, events: (h) => openSandboxEvents(credentialsFor(lag.url), h) });
  stores.push(store);
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  lag.resetStats();
  // The change happens while no client listens: no event is ever sent for it.
  lag.dropEventClients();
  await until('the store sees the drop', () => !store.live);
  await callTool(stopSandbox, { sandboxes: ['b'], wait: true }, lctx);
  await until('the stream is back', () => store.live);
  // The read on reconnect may come before the lagging list shows the stop (socket.io reconnects within
  // 0.5–1.5 s); the store reads once more CATCH_UP_AGAIN_MS (3 s) later, on its timer, held here. Once the
  // list shows the stop, that read must find it.
  const catchUp = timers.filter((t) => t.ms === 3_000).at(-1);
  assert.ok(catchUp, 'a second catch-up read is scheduled after the reconnect');
  const gateway = await lctx.gateway();
  const listed = async () => (await gateway.listPage({ limit: 10 })).items.find((s) => s.name === 'b')?.state;
  for (const end = Date.now() + 10_000; (await listed()) !== 'stopped'; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) assert.fail('the lagging list never showed b stopped');
  }
  catchUp.fn();
  await until('b stopped in the store', () => stateOf(store, 'b') === 'stopped');
  assert.ok(lag.stats().requests.some((r) => /lastEventAfter=/.test(r.query ?? '')), 'caught up with a lastEventAfter read');
  assert.equal(stateOf(store, 'a'), 'started');
});

test('label changes (no event, no lastEventAfter) arrive with the reconcile; a live view polls nothing until it is due', async () => {
  emu.seedSandbox({ name: 'p', state: 'started', labels: { project: 'old' } });
  const { store, timers } = makeStore({ ...live(), reconcileMs: () => 15 * 60_000 });
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  await until('the timer follows the stream', () => (timers.at(-1)?.ms ?? 0) > 14 * 60_000);
  assert.ok(store.nextDelayMs()! > 14 * 60_000, 'live: next read is the reconcile, not a poll');
  const id = store.sandboxes[0]!.id;
  await ctx.gateway().then((g) => g.replaceLabels(id, { project: 'new' }));
  await store.reconcile();
  assert.equal(store.sandboxes[0]!.labels.project, 'new');

  // Without the stream the same view polls on the setting.
  const { store: polled } = makeStore({ reconcileMs: () => 15 * 60_000 });
  polled.setVisible(true);
  await polled.refresh();
  assert.equal(polled.nextDelayMs(), 30_000);
});

test('no event stream offered (an old API): the store falls back to polling', async () => {
  const { emu: old, ctx: octx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], events: false, seed: [{ name: 'x', state: 'started' }] });
  const store = new SandboxStore({ context: () => octx, intervalMs: () => 30_000, setTimer: () => 0, clearTimer: () => {}, events: (h) => openSandboxEvents(credentialsFor(old.url), h) });
  stores.push(store);
  store.setVisible(true);
  await store.refresh();
  assert.equal(store.live, false);
  assert.equal(store.nextDelayMs(), 30_000);
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['x']);
  store.dispose();
});

test('a reset (another key or profile) while the stream is still opening: the stream of the new key is the one kept', async () => {
  emu.seedSandbox({ name: 'r', state: 'started' });
  let key = 'not-the-key-0000'; // the emulator refuses it
  const { store } = makeStore({ events: (h) => openSandboxEvents(credentialsFor(emu.url, key), h) });
  store.setVisible(true);
  key = SENTINEL_KEY;
  store.reset(); // before the first stream has even opened
  await store.refresh();
  await until('the new key\'s stream connects', () => store.live);
  await callTool(stopSandbox, { sandboxes: ['r'], wait: false }, ctx);
  await until('r stopped in the store', () => stateOf(store, 'r') === 'stopped');
  assert.equal(emu.eventClients(), 1);
});

test('live: while an editor action\'s fresh state waits for the lagging list, the store polls; once it shows, only the reconcile', async () => {
  // Fake clock: the stop is read "stopped" by the action before the API's list or any event says so.
  let t = Date.parse('2026-01-01T00:00:00Z');
  const { emu: lag, ctx: lctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 100, now: () => t, seed: [{ name: 'web', state: 'started' }] });
  const store = new SandboxStore({ context: () => lctx, intervalMs: () => 30_000, transitionIntervalMs: 500, setTimer: () => 0, clearTimer: () => {}, events: (h) => openSandboxEvents(credentialsFor(lag.url), h) });
  stores.push(store);
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  const id = store.sandboxes[0]!.id;
  assert.ok(store.nextDelayMs()! > 60_000, 'live and idle: next read is the reconcile');
  store.markTransition([id], 'stopping');
  await callTool(stopSandbox, { sandboxes: [id], wait: false }, lctx);
  await store.settleTransition([id], new Map([[id, 'stopped' as const]]));
  assert.equal(stateOf(store, 'web'), 'stopped');
  assert.equal(store.nextDelayMs(), 500, 'polls fast while the tree shows what the list does not say yet');
  t += 600; // stopped, and the list says so
  await store.refresh();
  assert.equal(stateOf(store, 'web'), 'stopped');
  assert.ok(store.nextDelayMs()! > 60_000, 'caught up: back to the reconcile only');
});

// ---- while the view is hidden: the running count at a cost that does not grow with the account ----

/**
 * An account of `total` sandboxes, every `runEvery`-th running, with last events spread over the past
 * two days (stopped ones too: a real account's events are spread out, not all at one instant).
 */
function seedAccount(total: number, runEvery: number): void {
  const start = Date.now() - 2 * 86_400_000;
  for (let i = 0; i < total; i++) {
    emu.seedSandbox({ name: `s-${i}`, state: i % runEvery === 0 ? 'started' : 'stopped', lastActivityAt: start + i * 10_000 });
  }
}

/** Fires the hidden view's scheduled read (as its timer would) and waits for it. */
async function hiddenTick(store: SandboxStore, timers: Array<{ fn: () => void; ms: number }>): Promise<void> {
  const next = timers.at(-1);
  assert.ok(next, 'a hidden read is scheduled');
  assert.equal(next.ms, 60_000, 'on the hidden interval');
  next.fn();
  await store.count();
}

test('hidden, never shown: one count of the running sandboxes, then each tick asks only what changed (≤ 1 request at 10,000)', async () => {
  seedAccount(10_000, 10); // 1,000 running: a count reads 5 pages of 200
  const { store, timers } = makeStore({ hiddenIntervalMs: () => 60_000 });
  store.setVisible(false); // activation with the view hidden
  await store.count();
  assert.equal(store.runningCount, 1_000);
  assert.ok(listCalls().every((r) => /states=started/.test(r.query ?? '')), 'the first read counts the running ones only');

  emu.resetStats();
  for (let tick = 0; tick < 5; tick++) await hiddenTick(store, timers);
  assert.ok(listCalls().length <= 5, `≤ 1 list request per hidden tick, not a count of all running ones (${listCalls().length} in 5 ticks)`);
  assert.ok(listCalls().every((r) => /lastEventAfter=/.test(r.query ?? '')), 'only what changed');
  assert.equal(store.runningCount, 1_000);

  // Started and stopped elsewhere (the dashboard, an agent) while hidden: the next tick's count shows it.
  assert.equal((await callTool(startSandbox, { sandboxes: ['s-1', 's-2'], wait: true }, ctx)).data.failed, 0);
  assert.equal((await callTool(stopSandbox, { sandboxes: ['s-0'], wait: true }, ctx)).data.failed, 0);
  emu.resetStats();
  await hiddenTick(store, timers);
  assert.equal(store.runningCount, 1_001);
  assert.equal(listCalls().length, 1);
  assert.equal(store.totalCount, undefined, 'the total is not known from the running ones');
});

test('hidden after the view was shown: the whole list is kept by what-changed reads, never a full read, the count stays true', async () => {
  seedAccount(2_000, 5); // 400 running: a count reads 2 pages
  const { store, timers } = makeStore({ hiddenIntervalMs: () => 60_000, reconcileMs: () => 0 }); // a reconcile is always due
  store.setVisible(true);
  await store.refresh();
  assert.equal(store.totalCount, 2_000);
  assert.equal(store.runningCount, 400);

  emu.resetStats();
  store.setVisible(false);
  await store.count();
  for (let tick = 0; tick < 4; tick++) await hiddenTick(store, timers);
  assert.ok(listCalls().length <= 5, `≤ 1 list request per hidden read (${listCalls().length} in 5)`);
  assert.ok(listCalls().every((r) => /lastEventAfter=/.test(r.query ?? '')), 'no full read and no count while hidden');

  assert.equal((await callTool(startSandbox, { sandboxes: ['s-1'], wait: true }, ctx)).data.failed, 0);
  emu.resetStats();
  await hiddenTick(store, timers);
  assert.equal(store.runningCount, 401);
  assert.equal(store.totalCount, 2_000, 'the whole list is still whole');
  assert.equal(listCalls().length, 1);
});

test('hidden: a burst of changes (600 new sandboxes) is read once or twice, not at every tick until the next change', async () => {
  // One clock for the API and the store: a quiet minute passes in a step.
  let t = Date.parse('2026-01-01T12:00:00Z');
  const { emu: clocked, ctx: cctx } = await ownEmulator({ apiKeys: [SENTINEL_KEY], now: () => t, transitionMs: 60, listLagMs: 0, holdUntilStarted: false, quota: TEAM_QUOTA });
  const calls = () => clocked.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox');
  for (let i = 0; i < 400; i++) clocked.seedSandbox({ name: `s-${i}`, state: i % 4 ? 'stopped' : 'started', lastActivityAt: t - 86_400_000 + i * 1_000 });
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const store = new SandboxStore({ context: () => cctx, intervalMs: () => 30_000, hiddenIntervalMs: () => 60_000, now: () => t, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => timers.splice(0) });
  stores.push(store);
  store.setVisible(false);
  await store.count();
  assert.equal(store.runningCount, 100);
  t += 1_000;
  for (let i = 0; i < 600; i++) clocked.seedSandbox({ name: `burst-${i}`, state: 'stopped' }); // an agent made them, all at once
  const perTick: number[] = [];
  for (let tick = 0; tick < 6; tick++) {
    t += 60_000;
    clocked.resetStats();
    await hiddenTick(store, timers);
    perTick.push(calls().length);
  }
  assert.ok(perTick.slice(2).every((n) => n <= 1), `after the burst is read: ≤ 1 request a tick (per tick: ${perTick.join(', ')})`);
  // Still true: a start made now is counted by the next tick.
  assert.equal((await callTool(startSandbox, { sandboxes: ['s-1'], wait: false }, cctx)).data.failed, 0);
  t += 1_000; // the start settles
  await hiddenTick(store, timers);
  assert.equal(store.runningCount, 101);
});

// ---- a stream the API refuses ----

test('a stream refused for the key: the store polls instead and does not ask again until another key', async () => {
  emu.seedSandbox({ name: 'k', state: 'started' });
  let key = 'not-the-key-0000'; // the stream refuses it; the list requests use the good key
  const stops: string[] = [];
  let opens = 0;
  const handshakesBefore = emu.eventHandshakes(); // the emulator serves the whole file
  const { store } = makeStore({
    // The store's own handlers, watched: once the refusal is reported, the store has taken it.
    events: (h) => (opens++, openSandboxEvents(credentialsFor(emu.url, key), { ...h, onStopped: (r) => (stops.push(r), h.onStopped?.(r)) })),
  });
  store.setVisible(true);
  await store.refresh();
  await until('the stream is refused', () => stops.includes('refused'));
  await store.refresh();
  assert.equal(store.live, false);
  assert.equal(store.nextDelayMs(), 30_000, 'polls on the setting');
  for (let i = 0; i < 3; i++) {
    store.setVisible(false);
    store.setVisible(true); // shown again: the same key's stream is not asked for again
    await store.refresh();
  }
  key = SENTINEL_KEY;
  store.reset(); // another key: a fresh stream
  await until('the new key\'s stream connects', () => store.live);
  assert.equal(opens, 2, 'the refused key\'s stream was not opened again when the view was shown again');
  assert.equal(emu.eventHandshakes() - handshakesBefore, 2, 'one refused handshake, one accepted');
});

test('the key is revoked while the view is live: the stream\'s refused reconnect makes the store ask, and the rejected key shows at once', async () => {
  emu.seedSandbox({ name: 'v', state: 'started' });
  const { store } = makeStore(live()); // fake timers: no poll comes by itself
  store.setVisible(true);
  await store.refresh();
  await until('the event stream connects', () => store.live);
  emu.setApiKeys(['dtn_another_key_0123456789']);
  emu.dropEventClients(); // it reconnects with the revoked key
  await until('the store reports the rejected key', () => store.status.kind === 'error' && store.status.error.kind === 'auth');
  assert.equal(store.nextDelayMs(), undefined, 'a rejected key is not polled');
  emu.setApiKeys([SENTINEL_KEY]);
  store.reset(); // the user sets a key
  await until('a fresh stream connects', () => store.live);
  await store.refresh();
  assert.equal(store.status.kind, 'ready');
});
