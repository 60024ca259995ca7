/** Notification text names the sandboxes, from the real tools' results against the emulator. */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { callTool } from '../../src/extension/tool-invoker';
import { cleanupOutcome, createOutcome, lifecycleOutcome, nameList } from '../../src/extension/outcome-text';
import { createSandbox } from '../../src/core/tools/create_sandbox';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { deleteSandbox } from '../../src/core/tools/delete_sandbox';

let emu: Emulator;
let ctx: TestContext;

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20 });
});
after(async () => {
  await ctx?.provider.dispose();
  await emu.close();
});
beforeEach(async () => {
  emu.reset('none');
  await ctx?.provider.dispose();
  ctx = testContext(emu.url, { confirm: 'accepted' });
});

test('nameList names up to three and abbreviates past that', () => {
  assert.equal(nameList([]), '');
  assert.equal(nameList(['web']), 'web');
  assert.equal(nameList(['web', 'api']), 'web and api');
  assert.equal(nameList(['web', 'api', 'db']), 'web, api and db');
  assert.equal(nameList(['web', 'api', 'db', 'q', 'x']), 'web, api and 3 more');
});

test('create names the sandbox (not "Created 1 sandbox:")', async () => {
  const out = await callTool(createSandbox, { name: 'web' }, ctx);
  assert.deepEqual(createOutcome(out.data), { level: 'info', text: 'Created web.' });
  const dup = await callTool(createSandbox, { name: 'web' }, ctx);
  assert.deepEqual(createOutcome(dup.data), { level: 'error', text: 'Could not create web: Sandbox with name web already exists.' });
});

test('stop names every sandbox: done, already, failed; abbreviated past three', async () => {
  for (const n of ['web', 'api', 'db', 'q', 'x']) emu.seedSandbox({ name: n, state: 'started' });
  emu.seedSandbox({ name: 'idle', state: 'stopped' });
  const five = await callTool(stopSandbox, { sandboxes: ['web', 'api', 'db', 'q', 'x'] }, ctx);
  assert.deepEqual(lifecycleOutcome('stopped', 'stop', five.data), { level: 'info', text: 'Stopped web, api and 3 more.' });

  emu.seedSandbox({ name: 'live', state: 'started' });
  const mixed = await callTool(stopSandbox, { sandboxes: ['live', 'idle', 'nope'] }, ctx);
  const t = lifecycleOutcome('stopped', 'stop', mixed.data);
  assert.equal(t.level, 'warning');
  assert.match(t.text, /^Stopped live; could not stop nope: .*not found.*; idle was already stopped\.$/i);

  const none = await callTool(stopSandbox, { sandboxes: ['nope', 'gone'] }, ctx);
  const e = lifecycleOutcome('stopped', 'stop', none.data);
  assert.equal(e.level, 'error');
  assert.match(e.text, /^Could not stop nope and gone: /);
});

test('clean-up says how many and names them', async () => {
  emu.seedSandbox({ name: 'docs-preview', state: 'stopped' });
  emu.seedSandbox({ name: 'analytics-etl', state: 'stopped' });
  emu.seedSandbox({ name: 'keep', state: 'started' });
  const out = await callTool(cleanupSandboxes, {}, ctx);
  const t = cleanupOutcome(out.data);
  assert.equal(t.level, 'info');
  assert.match(t.text, /^Deleted 2 sandboxes: (docs-preview and analytics-etl|analytics-etl and docs-preview)\.$/);
});

test('a bulk delete names what it skipped because it changed since it was shown or listed, and why', async () => {
  // A list surely stale for the whole test: the real one lags by seconds.
  const lagging = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20, listLagMs: 60_000 });
  const c = testContext(lagging.url, { confirm: 'accepted' });
  try {
    const a = lagging.seedSandbox({ name: 'a', state: 'stopped' });
    const b = lagging.seedSandbox({ name: 'b', state: 'stopped' });
    const start = await fetch(`${lagging.url}/sandbox/b/start`, { method: 'POST', headers: { authorization: `Bearer ${lagging.apiKey}` } });
    assert.equal(start.status, 200);
    const cleanup = cleanupOutcome((await callTool(cleanupSandboxes, {}, c)).data);
    assert.equal(cleanup.level, 'warning');
    assert.match(cleanup.text, /^Deleted a; skipped b \(it is start(ing|ed) now \(asked: stopped\)\)\.$/);

    const d = lagging.seedSandbox({ name: 'd', state: 'stopped' });
    const seen = new Map([[b.id, 'stopped' as const], [d.id, 'stopped' as const]]);
    const del = await callTool(deleteSandbox, { sandboxes: [b.id, d.id], wait: false }, { ...c, seen });
    const t = lifecycleOutcome('deleted', 'delete', del.data);
    assert.equal(t.level, 'warning');
    assert.match(t.text, /^Deleted d; skipped b: it is start(ing|ed) now \(it was stopped when chosen\)\.$/);
    void a;
  } finally {
    await c.provider.dispose();
    await lagging.close();
  }
});
