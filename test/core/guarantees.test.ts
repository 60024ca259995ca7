/**
 * Promises the mutation check (bench/mutations) found held by no test: each is tested here at the
 * layer that keeps it, through the real SDK against the emulator.
 *  - project names match in any case (README: `AutoViral` = `autoviral`); "running" means started;
 *  - at most 16 API requests in flight, even for a cleanup that starts one DELETE per sandbox at once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { runCoreTool, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { listSandboxes } from '../../src/core/tools/list_sandboxes';
import type { AnyTool } from '../../src/core/tool';
import { emulatorForEachTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;

const call = (tool: AnyTool, args: unknown) => runCoreTool(tool, args, ctx);

emulatorForEachTest({ apiKeys: [SENTINEL_KEY], transitionMs: 20 }, (e, c) => {
  emu = e;
  ctx = c;
});

describe('people\'s words', () => {
  test('a project matches in any case, in list_sandboxes and cleanup_sandboxes', async () => {
    emu.seedSandbox({ name: 'av-1', state: 'stopped', labels: { project: 'AutoViral' } });
    emu.seedSandbox({ name: 'other', state: 'stopped', labels: { project: 'payments' } });
    for (const project of ['autoviral', 'AUTOVIRAL', ' AutoViral ']) {
      const listed = await call(listSandboxes, { project });
      assert.deepEqual(listed.data.sandboxes.map((s: { name: string }) => s.name), ['av-1'], `list, project "${project}"`);
      const dry = await call(cleanupSandboxes, { project, dryRun: true });
      assert.deepEqual(dry.data.matched.map((s: { name: string }) => s.name), ['av-1'], `cleanup, project "${project}"`);
    }
  });

  test('"running", "active" and "failed" mean started and error, in any case', async () => {
    emu.seedSandbox({ name: 'up', state: 'started' });
    emu.seedSandbox({ name: 'down', state: 'stopped' });
    emu.seedSandbox({ name: 'broken', state: 'error' });
    for (const word of ['running', 'Running', 'ACTIVE']) {
      const listed = await call(listSandboxes, { state: word });
      assert.deepEqual(listed.data.sandboxes.map((s: { name: string }) => s.name), ['up'], `list, "${word}"`);
    }
    const dry = await call(cleanupSandboxes, { states: ['failed'], dryRun: true });
    assert.deepEqual(dry.data.matched.map((s: { name: string }) => s.name), ['broken']);
  });
});

describe('the request cap', () => {
  test('a cleanup of 40 sandboxes never has more than 16 API requests in flight', async () => {
    for (let i = 0; i < 40; i++) emu.seedSandbox({ name: `c-${i}`, state: 'stopped' });
    // Each answer takes a while, so requests started together are in flight together.
    emu.setFaults({ latencyMs: 150 });
    emu.resetStats();
    const out = await call(cleanupSandboxes, {});
    assert.equal(out.data.deleted.length, 40, out.summary);
    const max = emu.stats().maxConcurrency;
    assert.ok(max <= 16, `at most 16 requests in flight, saw ${max}`);
    assert.ok(max > 1, 'the deletes ran in parallel');
  });
});
