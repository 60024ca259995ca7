/**
 * cleanup_sandboxes against an API that ignores its list filters (emulator fault
 * `ignoreListFilters`): the tool must still delete only what it was asked for, because it checks
 * every listed sandbox itself ("never decide to destroy on information you did not just read" — and
 * never on a filter nobody checked). With the filter honoured these checks are invisible; here the
 * API hands back every sandbox and only the tool's own checks stand between a request for
 * "archived" and the user's running or stopped ones.
 */
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { runCoreTool, testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { listSandboxes } from '../../src/core/tools/list_sandboxes';
import { MADE_BY_LABEL, AGENT_MADE } from '../../src/core/creation-guard';
import { emulatorForEachTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;

const STATES = ['started', 'stopped', 'archived', 'error'] as const;

const cleanup = (args: Record<string, unknown>) => runCoreTool(cleanupSandboxes, args, ctx);
const names = (items: Array<{ name: string }>) => items.map((s) => s.name).sort();

emulatorForEachTest({ apiKeys: [SENTINEL_KEY], transitionMs: 20 }, (e, c) => {
  emu = e;
  ctx = c;
});
beforeEach(() => {
  for (const state of STATES) emu.seedSandbox({ name: `in-${state}`, state });
  emu.setFaults({ ignoreListFilters: true });
});

describe('cleanup_sandboxes when the API ignores its filters', () => {
  test('the fault is real: the list answers every sandbox whatever states were asked for', async () => {
    const res = await fetch(`${emu.url}/sandbox?states=archived`, { headers: { authorization: `Bearer ${SENTINEL_KEY}` } });
    const body = (await res.json()) as { items: Array<{ name: string }> };
    assert.deepEqual(names(body.items), STATES.map((s) => `in-${s}`).sort());
    assert.throws(() => emu.setFaults({ ignoreListFilters: ['bogus' as 'states'] }), /ignoreListFilters must be/);
  });

  for (const wanted of STATES) {
    test(`asked for "${wanted}" only, it matches only the ${wanted} sandbox`, async () => {
      const out = await cleanup({ states: [wanted], dryRun: true });
      assert.deepEqual(names(out.data.matched), [`in-${wanted}`]);
    });
  }

  test('asked for "archived" and "error", it deletes exactly those and leaves started and stopped alone', async () => {
    const out = await cleanup({ states: ['archived', 'error'] });
    assert.deepEqual(names(out.data.deleted), ['in-archived', 'in-error']);
    assert.deepEqual(out.data.failed, []);
    for (const state of ['started', 'stopped'] as const) {
      const s = emu.sandboxes().find((x) => x.name === `in-${state}`);
      assert.equal(s?.state, state, `in-${state} untouched`);
      assert.equal(s?.transition, null, `in-${state} is not being deleted`);
    }
  });

  test('the default ("stopped") never deletes a running, archived or errored sandbox', async () => {
    const out = await cleanup({});
    assert.deepEqual(names(out.data.deleted), ['in-stopped']);
    for (const state of ['started', 'archived', 'error'] as const) {
      const s = emu.sandboxes().find((x) => x.name === `in-${state}`);
      assert.equal(s?.state, state, `in-${state} untouched`);
      assert.equal(s?.transition, null, `in-${state} is not being deleted`);
    }
  });

  test('byAgent=true never deletes a person\'s sandbox even when the label filter is ignored', async () => {
    emu.seedSandbox({ name: 'agent-made', state: 'stopped', labels: { [MADE_BY_LABEL]: AGENT_MADE } });
    const out = await cleanup({ byAgent: true, dryRun: true });
    assert.deepEqual(names(out.data.matched), ['agent-made']);
  });

  test('list_sandboxes shows only the states asked for (the scan checks what the API filtered)', async () => {
    for (const wanted of STATES) {
      const out = await runCoreTool(listSandboxes, { state: wanted }, ctx);
      assert.deepEqual(names(out.data.sandboxes), [`in-${wanted}`], `state "${wanted}"`);
    }
  });

  test('project narrows on the tool side too', async () => {
    emu.seedSandbox({ name: 'web-stopped', state: 'stopped', labels: { project: 'web' } });
    const out = await cleanup({ project: 'web', dryRun: true });
    assert.deepEqual(names(out.data.matched), ['web-stopped']);
  });
});

describe('cleanup_sandboxes re-checks the state it reads fresh, not the list\'s', () => {
  test('asked for "started": one stopped since the (stale) list is skipped, not deleted', async () => {
    // The list lags a minute (eventually consistent, as the real one): it still says "started".
    const lagging = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20, listLagMs: 60_000 });
    const c = testContext(lagging.url);
    try {
      const keep = lagging.seedSandbox({ name: 'stopped-meanwhile', state: 'started' });
      lagging.seedSandbox({ name: 'still-running', state: 'started' });
      const res = await fetch(`${lagging.url}/sandbox/${keep.id}/stop`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}` } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      while (lagging.sandboxes().find((s) => s.id === keep.id)?.state !== 'stopped') await new Promise((r) => setTimeout(r, 10));
      const out = await runCoreTool(cleanupSandboxes, { states: ['started'] }, c);
      assert.deepEqual(names(out.data.deleted), ['still-running']);
      assert.deepEqual(names(out.data.skipped), ['stopped-meanwhile']);
      assert.notEqual(lagging.sandboxes().find((s) => s.id === keep.id)?.desiredState, 'destroyed', 'the stopped one was not deleted');
    } finally {
      await c.provider.dispose();
      await lagging.close();
    }
  });
});
