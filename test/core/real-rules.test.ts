/**
 * The product against the emulator's real-server rules (issue 23), in process: the real SDK over
 * HTTP. Fork only for classes that can fork, the class shown; resize behind its feature flag reported
 * as such with the call's other settings still applied; snapshot_sandbox waiting for a row the API
 * inserts only when the job is done; start held by the API beyond the client's per-request deadline,
 * and the real state read after a client-side timeout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { runCoreTool } from '../helpers/context';
import { emulatorPerTest } from '../helpers/emulator-context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { ToolError } from '../../src/core/errors';
import { forkSandboxTool } from '../../src/core/tools/fork_sandbox';
import { getSandbox } from '../../src/core/tools/get_sandbox';
import { updateSandboxTool } from '../../src/core/tools/update_sandbox';
import { snapshotSandboxTool } from '../../src/core/tools/snapshot_sandbox';
import { startSandbox } from '../../src/core/tools/start_sandbox';

const setup = emulatorPerTest({ apiKeys: [SENTINEL_KEY], transitionMs: 60 });
const call = runCoreTool;

const writes = (emu: Emulator) => emu.stats().requests.filter((q) => q.method !== 'GET');

describe('fork only where the class can fork', () => {
  test('a container is refused before any request, naming its class; a linux-vm forks', async () => {
    const { emu, ctx } = await setup();
    emu.seedSandbox({ name: 'box' });
    emu.seedSandbox({ name: 'vm', sandboxClass: 'linux-vm' });
    await assert.rejects(call(forkSandboxTool, { sandbox: 'box' }, ctx), (e: ToolError) => {
      assert.equal(e.kind, 'invalid_state');
      assert.match(e.message, /box: it is a container sandbox; only linux-vm and windows sandboxes can be forked/);
      return true;
    });
    assert.deepEqual(writes(emu), [], 'no fork request was sent');
    const ok = await call(forkSandboxTool, { sandbox: 'vm', name: 'vm-copy' }, ctx);
    assert.equal(ok.data.sandbox.state, 'started');
  });

  test('a GPU sandbox is refused too', async () => {
    const { emu, ctx } = await setup();
    emu.seedSandbox({ name: 'gpu-vm', sandboxClass: 'linux-vm', gpu: 1 });
    await assert.rejects(call(forkSandboxTool, { sandbox: 'gpu-vm' }, ctx), /GPU sandboxes cannot be forked/);
    assert.deepEqual(writes(emu), []);
  });

  test('get_sandbox shows the class and whether it can fork', async () => {
    const { emu, ctx } = await setup();
    emu.seedSandbox({ name: 'vm', sandboxClass: 'linux-vm' });
    emu.seedSandbox({ name: 'box' });
    const vm = await call(getSandbox, { sandbox: 'vm' }, ctx);
    assert.equal(vm.data.sandbox.sandboxClass, 'linux-vm');
    assert.match(vm.summary, /class linux-vm \(can fork\)/);
    assert.match((await call(getSandbox, { sandbox: 'box' }, ctx)).summary, /class container \(cannot fork\)/);
  });
});

describe('resize behind the feature flag sandbox_resize (off by default)', () => {
  test('resize alone: its own error text, not "not found … never guess an id"', async () => {
    const { emu, ctx } = await setup();
    emu.seedSandbox({ name: 'api', cpu: 1, memory: 2 });
    await assert.rejects(call(updateSandboxTool, { sandbox: 'api', cpu: 2 }, ctx), (e: ToolError) => {
      assert.equal(e.kind, 'invalid_input');
      assert.equal(e.reason, 'resize_unavailable', 'the editor takes Resize… off its menu on this reason, not on the wording');
      assert.match(e.message, /Resizing is not available for this Daytona organisation.*cpu 1→2 of api not changed/);
      assert.doesNotMatch(`${e.message} ${e.hint}`, /never guess an id|not found/);
      return true;
    });
    assert.equal(emu.sandboxes()[0]?.cpu, 1);
  });

  test('resize with other settings: the others are applied, the resize clearly reported as not', async () => {
    const { emu, ctx } = await setup();
    emu.seedSandbox({ name: 'api', cpu: 1, memory: 2 });
    const out = await call(updateSandboxTool, { sandbox: 'api', cpu: 2, autoStopMinutes: 60, public: true }, ctx);
    const v = emu.sandboxes()[0];
    assert.deepEqual([v?.cpu, v?.autoStopInterval, v?.public], [1, 60, true]);
    assert.match(out.summary, /Updated api: auto-stop 15→60 min, now public\.\nNOT changed: cpu 1→2 — Resizing is not available/);
    assert.deepEqual(out.data.notChanged?.what, ['cpu 1→2']);
  });

  test('with the flag on, resize works', async () => {
    const { emu, ctx } = await setup({ featureFlags: { sandbox_resize: true } });
    emu.seedSandbox({ name: 'api', cpu: 1, memory: 2 });
    await call(updateSandboxTool, { sandbox: 'api', cpu: 2 }, ctx);
    assert.equal(emu.sandboxes()[0]?.cpu, 2);
  });
});

describe("resize against the organisation's per-sandbox maxima", () => {
  const resizes = (emu: Emulator) => writes(emu).filter((q) => q.path.endsWith('/resize'));
  const usageReads = (emu: Emulator) => emu.stats().requests.filter((q) => q.path.endsWith('/usage'));

  test('read once per gateway (cached), refused before any write; at the maximum it goes through', async () => {
    const { emu, ctx } = await setup({ featureFlags: { sandbox_resize: true }, quota: { maxCpuPerSandbox: 3 } });
    emu.seedSandbox({ name: 'api', cpu: 1, memory: 2 });
    for (const cpu of [9, 5]) {
      await assert.rejects(call(updateSandboxTool, { sandbox: 'api', cpu }, ctx), (e: ToolError) => {
        assert.equal(e.kind, 'invalid_input');
        assert.equal(e.reason, undefined, 'above a maximum: resizing itself stays available');
        assert.match(e.message, new RegExp(`cpu ${cpu} is above this organisation's per-sandbox maximum of 3`));
        return true;
      });
    }
    assert.deepEqual(resizes(emu), [], 'no resize request');
    await call(updateSandboxTool, { sandbox: 'api', cpu: 3 }, ctx);
    assert.equal(emu.sandboxes()[0]?.cpu, 3);
    assert.equal(usageReads(emu).length, 1, 'the maxima were read once');
  });

  test('when the maxima cannot be read, the resize goes to the API as before (and the API judges)', async () => {
    const { emu, ctx } = await setup({ featureFlags: { sandbox_resize: true }, faults: { failNext: [{ method: 'GET', pathPattern: '/usage$', status: 403 }] } });
    emu.seedSandbox({ name: 'api', cpu: 1, memory: 2 });
    await assert.rejects(call(updateSandboxTool, { sandbox: 'api', cpu: 9 }, ctx), (e: ToolError) => {
      assert.match(e.message, /CPU request 9 exceeds maximum allowed per sandbox \(4\)/);
      return true;
    });
    assert.equal(resizes(emu).length, 1, 'the resize was sent');
    await call(updateSandboxTool, { sandbox: 'api', cpu: 2 }, ctx);
    assert.equal(emu.sandboxes()[0]?.cpu, 2);
  });
});

describe('snapshot_sandbox waits for the snapshot row', () => {
  test('the row appears only after the sandbox is back: waited for, not reported "not found"', async () => {
    const { emu, ctx } = await setup({ transitionMs: { snapshot: 300 } });
    const sb = emu.seedSandbox({ name: 'web' });
    const out = await call(snapshotSandboxTool, { sandbox: 'web', name: 'web-golden' }, ctx);
    assert.deepEqual([out.data.snapshot.name, out.data.snapshot.state, out.data.sandboxId], ['web-golden', 'active', sb.id]);
    const gets = emu.stats().requests.filter((q) => q.path === '/api/snapshots/web-golden');
    assert.ok(gets.some((q) => q.status === 404), 'the tool met the normal 404 after the sandbox was back');
  });

  test('a failed save leaves no row: a timeout that says so', async () => {
    const { emu, ctx } = await setup({ transitionMs: { snapshot: 100 } });
    emu.seedSandbox({ name: 'web' });
    emu.setFaults({ failSnapshotJobs: true });
    await assert.rejects(call(snapshotSandboxTool, { sandbox: 'web', name: 'doomed', timeoutSeconds: 1 }, ctx), (e: ToolError) => {
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /has not appeared after 1 s; the API lists it only once saved \(a failed save leaves none\)/);
      return true;
    });
  });
});

describe('create/start/recover held by the API', () => {
  test('a start held longer than the per-request deadline is not a timeout: the hold is allowed for', async () => {
    // Scaled down: a 300 ms request deadline, a 4 s hold allowance, a start the API holds ~800 ms.
    const { emu, ctx } = await setup({ transitionMs: { start: 800 } }, { requestTimeoutMs: 300, apiHoldMs: 4_000 });
    emu.seedSandbox({ name: 'cold', state: 'stopped' });
    const out = await call(startSandbox, { sandboxes: ['cold'] }, ctx);
    assert.equal(out.isError, false, out.summary);
    const starts = emu.stats().requests.filter((q) => q.method === 'POST' && q.path.endsWith('/start'));
    assert.deepEqual(starts.map((q) => q.status), [200], 'one start, answered once started');
    assert.equal(emu.sandboxes()[0]?.state, 'started');
  });

  test('after a client-side timeout the real state is read before reporting: a start under way is waited for', async () => {
    // No hold allowance (a client whose deadline fires during the hold): the start's answer is lost.
    const { emu, ctx } = await setup({ transitionMs: { start: 1_500 } }, { requestTimeoutMs: 300, apiHoldMs: 0 });
    emu.seedSandbox({ name: 'cold', state: 'stopped' });
    const out = await call(startSandbox, { sandboxes: ['cold'] }, ctx);
    assert.equal(out.isError, false, out.summary);
    assert.equal(out.data.results[0].state, 'started');
    const starts = emu.stats().requests.filter((q) => q.method === 'POST' && q.path.endsWith('/start'));
    assert.equal(starts.length, 1);
    assert.equal(starts[0]?.status, 0, 'our deadline really fired');
  });
});
