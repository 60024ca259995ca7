/** MCP Status is computed from the same store as the tree: its counts are the tree's. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { SandboxStore } from '../../src/extension/sandbox-store';
import { describeStore, statusMarkdown, type StatusFacts } from '../../src/extension/status-text';
import { groupSandboxes } from '../../src/extension/tree-model';
import { callTool } from '../../src/extension/tool-invoker';
import { deleteSandbox } from '../../src/core/tools/delete_sandbox';

let emu: Emulator;
let ctx: TestContext;
before(async () => {
  // Deletes linger as "destroying" for a while, as the real API's do.
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 5_000, listLagMs: 0 }); // kindness asked for: this test is not about the list's lag (test/core/real-rules-list.test.ts is)
  ctx = testContext(emu.url);
});
after(async () => {
  await ctx.provider.dispose();
  await emu.close();
});

const facts: StatusFacts = {
  where: 'work · org 5d2e9a71-1c2…',
  keyOrigin: 'the editor (secret storage)',
  apiUrl: 'http://127.0.0.1/api',
  target: 'us',
  editor: 'registered (MCP server definition provider)',
  stableServer: undefined,
  auditLog: '/home/u/.daytona/daytona-mcp.log',
  agents: [],
};

const treeCount = (store: SandboxStore) => groupSandboxes(store.sandboxes, 'none')[0]!.sandboxes.length;

test('the page gives the store\'s counts, equal to the tree\'s, also right after a delete', async () => {
  for (const n of ['a', 'b']) emu.seedSandbox({ name: n, state: 'started' });
  for (const n of ['c', 'd']) emu.seedSandbox({ name: n, state: 'stopped' });
  const store = new SandboxStore({ context: () => ctx, intervalMs: () => 0, setTimer: () => undefined, clearTimer: () => undefined });
  const before = statusMarkdown(facts, store);
  assert.match(before, /— not checked \(no API key\)/);
  await store.refresh();
  const page = statusMarkdown(facts, store);
  assert.match(page, /^# Daytona MCP status\n/);
  assert.match(page, /- \*\*Acting as\*\*: work · org 5d2e9a71-1c2…\n/);
  assert.match(statusMarkdown({ ...facts, where: undefined }, store), /- \*\*Acting as\*\*: no credential yet \(Set API Key, or log in with the Daytona CLI\)/);
  assert.match(page, /- \*\*API\*\*: http:\/\/127\.0\.0\.1\/api \(target us\) — reachable; 4 sandboxes, 2 running\n/);
  assert.match(page, /not installed yet \(run Init MCP\)/);

  await callTool(deleteSandbox, { sandboxes: ['c'], wait: false }, ctx);
  await store.refresh();
  assert.ok(store.sandboxes.some((s) => s.state === 'destroying'), 'the deleted one is still listed, as destroying');
  assert.equal(treeCount(store), 3);
  assert.equal(describeStore(store), `reachable; ${treeCount(store)} sandboxes, 2 running`);
  store.dispose();
});

test('from the hidden view\'s count only the running number is known', async () => {
  const store = new SandboxStore({ context: () => ctx, intervalMs: () => 0, setTimer: () => undefined, clearTimer: () => undefined });
  await store.count();
  assert.equal(describeStore(store), 'reachable; 2 running');
  store.dispose();
});
