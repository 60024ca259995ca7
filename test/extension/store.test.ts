/** The sidebar's store and tree model, driven through the real SDK against the emulator. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { SandboxStore } from '../../src/extension/sandbox-store';
import { callTool } from '../../src/extension/tool-invoker';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { startSandbox } from '../../src/core/tools/start_sandbox';
import { ToolError } from '../../src/core/errors';
import { groupSandboxes, present } from '../../src/extension/tree-model';
import { describeStore } from '../../src/extension/status-text';
import type { SandboxState } from '../../src/core/types';
import { emulatorForEachTest, emulatorPerTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;
const stores: SandboxStore[] = [];

function makeStore(opts: Partial<ConstructorParameters<typeof SandboxStore>[0]> = {}, c: () => TestContext = () => ctx) {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const store = new SandboxStore({
    context: () => c(),
    intervalMs: () => 30_000,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => timers.splice(0),
    pageSize: 50,
    ...opts,
  });
  stores.push(store);
  return { store, timers };
}

after(() => stores.forEach((s) => s.dispose()));
// kindness asked for: this test is not about the list's lag (test/core/real-rules-list.test.ts is)
/** Tests that need emulator options of their own (a clock, list lag, no event stream): closed after each. */
const ownEmulator = emulatorPerTest({});

emulatorForEachTest({ apiKeys: [SENTINEL_KEY], transitionMs: 60, listLagMs: 0 }, (e, c) => {
  emu = e;
  ctx = c;
});

test('loads every page of a large account', async () => {
  for (let i = 0; i < 230; i++) emu.seedSandbox({ name: `s-${i}`, state: i % 3 ? 'stopped' : 'started' });
  const { store } = makeStore();
  const changes: Array<{ kind: string; shown: number; total: number | undefined }> = [];
  store.onDidChange(() => changes.push({ kind: store.status.kind, shown: store.sandboxes.length, total: store.totalCount }));
  await store.refresh();
  assert.equal(store.sandboxes.length, 230);
  assert.equal(store.runningCount, 77);
  assert.equal(store.totalCount, 230);
  // The first page is shown while the rest still loads (no total yet); the last change has them all.
  assert.deepEqual(changes[1], { kind: 'loading', shown: 50, total: undefined });
  assert.deepEqual(changes.at(-1), { kind: 'ready', shown: 230, total: 230 });
  // Pages of 50 map onto API pages of 50: 230 sandboxes take 5 requests, none read twice.
  assert.equal(emu.stats().requests.filter((r) => r.path === '/api/sandbox').length, 5);
});

test('polls only while visible; faster during transitions; stops on auth errors', async () => {
  emu.seedSandbox({ name: 'a', state: 'started' });
  const { store, timers } = makeStore();
  await store.refresh();
  assert.equal(timers.length, 0, 'hidden view: no polling scheduled');
  store.setVisible(true);
  await store.refresh();
  assert.equal(timers.at(-1)?.ms, 30_000);
  // A transition that outlasts any load on the machine (a 60 ms stop could end before the refresh reads it).
  emu.seedSandbox({ name: 'b', state: 'stopping', pendingMs: 600_000 });
  await store.refresh();
  assert.equal(store.hasTransitions, true);
  assert.equal(store.nextDelayMs(), 2_000);
  store.setVisible(false);
  assert.equal(timers.length, 0, 'hiding cancels the timer');
});

test('errors back off exponentially; a bad key is reported and not polled', async () => {
  const { store } = makeStore({}, () => ctx);
  emu.setFaults({ failNext: [{ method: 'GET', pathPattern: '^/api/sandbox$', status: 500, count: 100 }] });
  await store.refresh();
  assert.equal(store.status.kind, 'error');
  const first = store.nextDelayMs()!;
  await store.refresh();
  assert.equal(store.nextDelayMs(), first * 2);
  emu.clearFaults();

  const bad = testContext(emu.url, { apiKey: 'not-the-key-0000' });
  const { store: s2 } = makeStore({}, () => bad);
  await s2.refresh();
  assert.equal(s2.status.kind === 'error' && s2.status.error.kind, 'auth');
  assert.equal(s2.nextDelayMs(), undefined);
  await bad.provider.dispose();
});

test('without any key the store asks nothing of the API and stays idle; with one it loads', async () => {
  emu.seedSandbox({ name: 'a', state: 'started' });
  let hasKey = false;
  const { store, timers } = makeStore({ hasCredential: () => hasKey });
  const kind = (): string => store.status.kind; // a function: assert.equal would narrow the getter's type
  const names = (): string[] => store.sandboxes.map((s) => s.name);
  store.setVisible(true);
  await store.refresh();
  assert.equal(kind(), 'idle');
  assert.deepEqual(names(), []);
  assert.equal(emu.stats().requests.length, 0, 'no API request');
  assert.equal(timers.length, 0, 'nothing scheduled');
  hasKey = true;
  store.reset();
  await store.refresh();
  assert.equal(kind(), 'ready');
  assert.deepEqual(names(), ['a']);
  hasKey = false; // signed out: back to idle and empty
  store.reset();
  assert.equal(kind(), 'idle');
  assert.deepEqual(names(), []);
});

test('a poll that finds nothing new does not notify (the tree keeps its menus open)', async () => {
  emu.seedSandbox({ name: 'steady', state: 'started' });
  const { store } = makeStore();
  await store.refresh();
  let changes = 0;
  store.onDidChange(() => changes++);
  await store.refresh();
  assert.equal(changes, 0);
  await callTool(stopSandbox, { sandboxes: ['steady'], wait: false }, ctx);
  await store.refresh();
  assert.equal(changes, 1);
});

test('concurrent refreshes share one load', async () => {
  emu.seedSandbox({ name: 'x', state: 'started' });
  const { store } = makeStore();
  emu.resetStats();
  await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
  assert.equal(emu.stats().requests.filter((r) => r.path === '/api/sandbox').length, 1);
});

test('the command adapter validates input with the tool schema before any API call', async () => {
  emu.resetStats();
  await assert.rejects(callTool(stopSandbox, { sandboxes: [] }, ctx), (e: ToolError) => e.kind === 'invalid_input' && /at least one/.test(e.message));
  assert.equal(emu.stats().requests.length, 0);
});

test('while the view is hidden only the running sandboxes are counted, on the hidden interval', async () => {
  emu.seedSandbox({ name: 'r1', state: 'started' });
  emu.seedSandbox({ name: 'r2', state: 'started' });
  emu.seedSandbox({ name: 's1', state: 'stopped' });
  const { store, timers } = makeStore({ hiddenIntervalMs: () => 5_000 });
  emu.resetStats();
  store.setVisible(false);
  await store.count();
  assert.equal(store.status.kind, 'ready');
  assert.equal(store.runningCount, 2);
  assert.equal(store.totalCount, undefined, 'the total is unknown from a count');
  assert.deepEqual(store.sandboxes, [], 'the list is not loaded while hidden');
  const listCalls = emu.stats().requests.filter((r) => r.path === '/api/sandbox');
  assert.equal(listCalls.length, 1, 'one light call');
  assert.equal(timers.at(-1)?.ms, 5_000, 'next count scheduled on the hidden interval');

  // The emulator's count changes while hidden: the next count (the scheduled timer) sees it.
  emu.seedSandbox({ name: 'r3', state: 'started' });
  let changes = 0;
  store.onDidChange(() => changes++);
  timers.at(-1)!.fn();
  await store.count();
  assert.equal(store.runningCount, 3);
  assert.equal(changes, 1);

  // Shown: the full list replaces the count.
  store.setVisible(true);
  await store.refresh();
  assert.equal(store.totalCount, 4);
  assert.equal(store.runningCount, 3);
  assert.equal(store.sandboxes.length, 4);
});

test('an action started from the editor shows its transitional state at once, until the API reports another', async () => {
  emu.seedSandbox({ name: 'web', state: 'started' });
  const { store, timers } = makeStore({ transitionIntervalMs: 500 });
  store.setVisible(true);
  await store.refresh();
  const id = store.sandboxes[0]!.id;
  const states: string[] = [];
  store.onDidChange(() => states.push(store.sandboxes[0]!.state));
  store.markTransition([id], 'stopping');
  assert.deepEqual(states, ['stopping'], 'shown before any API call');
  assert.equal(timers.at(-1)?.ms, 500, 'polls fast while pending');
  // The API has not begun yet (still started): the poll keeps showing "stopping".
  await store.refresh();
  assert.equal(store.sandboxes[0]!.state, 'stopping');
  // The API reports its own state from now on.
  await callTool(stopSandbox, { sandboxes: [id], wait: true }, ctx);
  await store.refresh();
  assert.equal(store.sandboxes[0]!.state, 'stopped');
  assert.equal(store.hasTransitions, false);
  // settleTransition drops a pending state the API never confirmed (e.g. the action failed).
  store.markTransition([id], 'starting');
  await store.settleTransition([id]);
  assert.equal(store.sandboxes[0]!.state, 'stopped');
});

test('during a fork the source keeps its group and the running count; a deleted row spins in its group until the API confirms', async () => {
  // A stepped clock: the source stays "forking" (the API's own state) until the test moves time on.
  const clock = Date.parse('2026-01-01T00:00:00Z');
  // listLagMs 0: this test is about grouping, not the list's lag (tested below), so the fork's copy is listed at once.
  const { emu: stepped, ctx: c } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 1000, now: () => clock, listLagMs: 0 });
  for (const n of ['prod', 'db']) stepped.seedSandbox({ name: n, state: 'started', sandboxClass: 'linux-vm' });
  const { store } = makeStore({}, () => c);
  await store.refresh();
  const groups = () => Object.fromEntries(groupSandboxes(store.sandboxes, 'state', '', store.homeOf).map((g) => [g.label, g.sandboxes.map((s) => s.name)]));
  assert.deepEqual(groups(), { started: ['db', 'prod'] });
  assert.equal(store.runningCount, 2);

  const prod = store.sandboxes.find((s) => s.name === 'prod')!;
  store.markTransition([prod.id], 'forking'); // what Fork… does at once
  assert.deepEqual(groups(), { started: ['db', 'prod'] }, 'optimistic forking: same group');
  assert.equal(store.runningCount, 2);
  const res = await fetch(`${stepped.url}/sandbox/prod/fork`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'prod-copy' }) });
  assert.equal(res.ok, true);
  await store.refresh();
  assert.equal(store.sandboxes.find((s) => s.name === 'prod')?.state, 'forking', 'the API says forking');
  assert.equal(present(store.sandboxes.find((s) => s.name === 'prod')!).icon.id, 'loading~spin');
  assert.deepEqual(groups().started, ['db', 'prod'], 'the API\'s forking: still in started');
  assert.equal(groups().forking, undefined, 'no "forking" group');
  assert.equal(store.runningCount, 2, 'the running count keeps the source');
  assert.equal(describeStore(store), 'reachable; 3 sandboxes, 2 running');

  // Delete from the editor: the row stays where it is with a spinner until the API says destroying.
  const db = store.sandboxes.find((s) => s.name === 'db')!;
  store.markTransition([db.id], 'destroying');
  assert.deepEqual(groups().started, ['db', 'prod']);
  assert.equal(present(store.sandboxes.find((s) => s.name === 'db')!).icon.id, 'loading~spin', 'the deleted row spins');
  await store.refresh();
  assert.ok(groups().started?.includes('db'), 'not yet deleted by the API: still shown, spinning');
});

test('after an editor action the tree shows what the action read fresh, while the eventually consistent list still lags', async () => {
  // The emulator's clock moves only when told: the list (500 ms behind, the default) shows each step exactly.
  let t = Date.parse('2026-01-01T00:00:00Z');
  const { emu: lagging, ctx: c } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 100, now: () => t });
  const web = lagging.seedSandbox({ name: 'web', state: 'started' });
  const old = lagging.seedSandbox({ name: 'old', state: 'stopped' });
  const { store } = makeStore({}, () => c);
  store.setVisible(true);
  await store.refresh();
  const shown = () => store.sandboxes.find((s) => s.id === web.id)?.state;
  store.markTransition([web.id], 'stopping');
  const stop = await callTool(stopSandbox, { sandboxes: [web.id], wait: false }, c);
  assert.equal(stop.isError, false);
  t += 100; // stopped now; what the command's own wait would have read
  await store.settleTransition([web.id], new Map([[web.id, 'stopped' as SandboxState]]));
  assert.equal(shown(), 'stopped', 'not the stale "started" of the list');
  assert.equal(store.hasTransitions, true, 'and it polls fast until the list catches up');
  t += 450; // the list shows "stopping" now: still behind
  await store.refresh();
  assert.equal(shown(), 'stopped');
  t += 100; // the list shows "stopped": caught up
  await store.refresh();
  assert.equal(shown(), 'stopped');
  assert.equal(store.hasTransitions, false);
  await store.settleTransition([old.id], new Map([[old.id, 'destroyed' as const]]));
  assert.deepEqual(store.sandboxes.map((s) => s.name), ['web'], 'a deleted one is not shown while the list still has it');
});

test('stop then start from the editor: the lagging list replaying the states before the start does not undo what the start read', async () => {
  // Fake clock, default list lag (500 ms): both actions finish before the list shows even the stop.
  let t = Date.parse('2026-01-01T00:00:00Z');
  const { emu: lagging, ctx: c } = await ownEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 100, now: () => t });
  const web = lagging.seedSandbox({ name: 'web', state: 'started' });
  const { store, timers } = makeStore({ transitionIntervalMs: 500 }, () => c);
  store.setVisible(true);
  await store.refresh();
  const t0 = t;
  const shown = () => store.sandboxes.find((s) => s.id === web.id)?.state;
  const at = async (ms: number) => {
    t = t0 + ms;
    await store.refresh();
    return shown();
  };
  store.markTransition([web.id], 'stopping');
  assert.equal((await callTool(stopSandbox, { sandboxes: [web.id], wait: false }, c)).isError, false);
  t = t0 + 100; // stopped
  await store.settleTransition([web.id], new Map([[web.id, 'stopped' as SandboxState]]));
  assert.equal(await at(100), 'stopped', 'the list still says "started" (from before the stop)');
  t = t0 + 150;
  store.markTransition([web.id], 'starting');
  assert.equal(shown(), 'starting');
  assert.equal((await callTool(startSandbox, { sandboxes: [web.id], wait: false }, c)).isError, false);
  t = t0 + 250; // started
  await store.settleTransition([web.id], new Map([[web.id, 'started' as SandboxState]]));
  assert.equal(shown(), 'started');
  assert.equal(store.hasTransitions, true, 'the list\'s "started" is the one from before the stop: still waiting');
  assert.equal(timers.at(-1)?.ms, 500, 'and polling');
  assert.equal(await at(580), 'started', 'the list replays "stopping"');
  assert.equal(await at(620), 'started', 'the list replays "stopped"');
  assert.equal(await at(700), 'started', 'the list replays "starting"');
  assert.equal(store.hasTransitions, true);
  assert.equal(await at(800), 'started', 'the list says "started" again, after the start');
  assert.equal(store.hasTransitions, false, 'caught up: the overlay ends');
});
