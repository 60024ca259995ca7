// The product against the emulator's real-server listing and deleting rules (eventually consistent
// list, last-activity order, lazy delete). Where a test sets listLagMs it is to make the rule it is
// about certain, never to be kind: 60 s means "the list is surely stale", 0 means "the renamed row is
// surely listed" (the worst case for what the user sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { runCoreTool } from '../helpers/context';
import { emulatorPerTest } from '../helpers/emulator-context';
import { SENTINEL_KEY } from '../helpers/secrets';
import type { AnyTool } from '../../src/core/tool';
import { listSandboxes } from '../../src/core/tools/list_sandboxes';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { deleteSandbox } from '../../src/core/tools/delete_sandbox';
import { invokeTool } from '../../src/core/invoke';
import { getSandbox } from '../../src/core/tools/get_sandbox';

const setup = emulatorPerTest({ apiKeys: [SENTINEL_KEY], transitionMs: 60 });
const call = runCoreTool;

/** A change made behind the product's back (another user, an agent elsewhere). */
async function api(emu: Emulator, method: string, path: string): Promise<number> {
  const res = await fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${emu.apiKey}` } });
  await res.arrayBuffer();
  return res.status;
}

const view = (emu: Emulator, id: string) => emu.sandboxes().find((s) => s.id === id);

void test('cleanup_sandboxes re-reads each sandbox before deleting: one started meanwhile is skipped, with the reason', async () => {
  const { emu, ctx } = await setup({ listLagMs: 60_000 });
  const ids = ['a', 'b', 'c'].map((name) => emu.seedSandbox({ name, state: 'stopped' }).id);
  assert.equal(await api(emu, 'POST', '/sandbox/b/start'), 200); // the list still says stopped
  const out = await call(cleanupSandboxes, {}, ctx);
  assert.deepEqual(out.data.matched.map((s: { name: string }) => s.name).sort(), ['a', 'b', 'c'], 'the stale list matched all three');
  assert.deepEqual(out.data.deleted.map((s: { name: string }) => s.name).sort(), ['a', 'c']);
  assert.deepEqual(out.data.skipped.map((s: { name: string }) => s.name), ['b']);
  assert.match(out.summary, /- b: skipped, it is start(ing|ed) now \(asked: stopped\)/);
  assert.notEqual(view(emu, ids[1]!)?.desiredState, 'destroyed', 'b was not deleted');
  assert.equal(view(emu, ids[0]!)?.desiredState, 'destroyed');
});

void test('a bulk stop or delete chosen from what a host showed skips a sandbox whose state moved since (ctx.seen)', async () => {
  const { emu, ctx } = await setup({ listLagMs: 60_000 });
  const a = emu.seedSandbox({ name: 'a', state: 'stopped' });
  const b = emu.seedSandbox({ name: 'b', state: 'stopped' });
  const seen = new Map([[a.id, 'stopped' as const], [b.id, 'stopped' as const]]);
  assert.equal(await api(emu, 'POST', '/sandbox/b/start'), 200);
  const out = await call(deleteSandbox, { sandboxes: [a.id, b.id], wait: false }, { ...ctx, seen });
  const byName = Object.fromEntries(out.data.results.map((r: { sandbox: string; ok: boolean; error: { message: string } | null }) => [r.sandbox, r]));
  assert.equal(byName[a.id].ok, true);
  assert.equal(byName[b.id].ok, false);
  assert.match(byName[b.id].error.message, /^Skipped b: it is start(ing|ed) now \(it was stopped when chosen\)/);
  assert.notEqual(view(emu, b.id)?.desiredState, 'destroyed', 'b was not deleted');
});

void test('stopping an ephemeral sandbox (auto-delete 0) is reported as stopped and deleted, not a failed stop', async () => {
  const { emu, ctx } = await setup();
  emu.seedSandbox({ name: 'eph', state: 'started', autoDeleteInterval: 0 });
  const out = await call(stopSandbox, { sandboxes: ['eph'] }, ctx);
  assert.equal(out.isError, false, out.summary);
  assert.equal(out.data.results[0].state, 'destroyed');
  assert.match(out.summary, /eph .*stopped and deleted \(ephemeral: auto-delete 0\)/);
});

void test('a repeated delete, by id or by name, succeeds while the first is under way (lazy delete)', async () => {
  const { emu, ctx } = await setup({ transitionMs: { delete: 60_000 } });
  const web = emu.seedSandbox({ name: 'web', state: 'started' });
  emu.seedSandbox({ name: 'api', state: 'started' });
  const first = await call(deleteSandbox, { sandboxes: ['web', 'api'], wait: false }, ctx);
  assert.equal(first.data.succeeded, 2, first.summary);
  assert.equal(view(emu, web.id)?.state, 'started', 'desiredState destroyed, the state comes later');
  const byId = await call(deleteSandbox, { sandboxes: [web.id], wait: false }, ctx);
  assert.equal(byId.isError, false, byId.summary);
  assert.equal(byId.data.results[0].state, 'destroying');
  const byName = await call(deleteSandbox, { sandboxes: ['api'], wait: false }, ctx);
  assert.equal(byName.isError, false, byName.summary);
  assert.equal(byName.data.results[0].name, 'api');
});

void test('a sandbox being deleted is never listed as the user\'s: its own name, destroying; not in a state count', async () => {
  const { emu, ctx } = await setup({ listLagMs: 0, transitionMs: { delete: 60_000 } });
  emu.seedSandbox({ name: 'web', state: 'started' });
  emu.seedSandbox({ name: 'keep', state: 'started' });
  await call(deleteSandbox, { sandboxes: ['web'], wait: false }, ctx);
  const all = await call(listSandboxes, {}, ctx);
  assert.ok(!all.summary.includes('DESTROYED_'), all.summary);
  const web = all.data.sandboxes.find((s: { name: string }) => s.name === 'web');
  assert.equal(web?.state, 'destroying');
  const running = await call(listSandboxes, { state: 'started' }, ctx);
  assert.deepEqual(running.data.sandboxes.map((s: { name: string }) => s.name), ['keep']);
});

void test('list_sandboxes pages by creation time (activity while paging skips nothing) and puts the cursor value in the text', async () => {
  const { emu, ctx } = await setup({ listLagMs: 0 });
  const t = Date.now();
  for (let i = 1; i <= 5; i++) emu.seedSandbox({ name: `s${i}`, state: 'stopped', createdAt: t - 10_000 + i * 1000, lastActivityAt: t - 10_000 + i * 1000 });
  const seen: string[] = [];
  let page = await call(listSandboxes, { limit: 2 }, ctx);
  const cursor = page.data.nextCursor as string;
  assert.ok(cursor);
  assert.ok(page.summary.includes(`cursor "${cursor}"`), page.summary);
  seen.push(...page.data.sandboxes.map((s: { name: string }) => s.name));
  assert.equal(await api(emu, 'POST', '/sandbox/s1/start'), 200); // activity on the last page's sandbox
  while (page.data.nextCursor) {
    page = await call(listSandboxes, { limit: 2, cursor: page.data.nextCursor }, ctx);
    seen.push(...page.data.sandboxes.map((s: { name: string }) => s.name));
  }
  assert.deepEqual(seen.sort(), ['s1', 's2', 's3', 's4', 's5']);
});

void test('a state filter is checked locally: "destroyed" is refused naming the argument and the allowed values', async () => {
  const { emu, ctx } = await setup();
  for (const [tool, args, arg] of [[listSandboxes, { state: 'destroyed' }, 'state'], [cleanupSandboxes, { states: ['destroyed'], dryRun: true }, 'states']] as const) {
    const out = await invokeTool(tool as AnyTool, args, ctx);
    assert.equal(out.ok, false);
    if (out.ok) continue;
    assert.equal(out.error.kind, 'invalid_input');
    assert.match(out.error.message, new RegExp(`${arg}(\\.0)?: "destroyed" is not a state to filter by .*use one of: .*started, stopped`));
  }
  assert.equal(emu.stats().requests.length, 0, 'nothing reached the API');
});

void test('cleanup of idle sandboxes asks the API for them (lastEventBefore) instead of reading every page', async () => {
  const { emu, ctx } = await setup({ listLagMs: 0 });
  const t = Date.now();
  for (let i = 0; i < 450; i++) emu.seedSandbox({ name: `busy-${i}`, state: 'stopped', lastActivityAt: t - 60_000 });
  for (let i = 0; i < 3; i++) emu.seedSandbox({ name: `idle-${i}`, state: 'stopped', lastActivityAt: t - 3 * 86_400_000 });
  emu.resetStats();
  const out = await call(cleanupSandboxes, { idleMinutes: 24 * 60, dryRun: true }, ctx);
  assert.deepEqual(out.data.matched.map((s: { name: string }) => s.name).sort(), ['idle-0', 'idle-1', 'idle-2']);
  const pages = emu.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox');
  assert.equal(pages.length, 1, 'one page, not all three');
});

void test('cleanup of old sandboxes (olderThanDays) asks the API for them (createdAtBefore) instead of reading every page', async () => {
  const { emu, ctx } = await setup({ listLagMs: 0 });
  const t = Date.now();
  for (let i = 0; i < 450; i++) emu.seedSandbox({ name: `new-${i}`, state: 'stopped', createdAt: t - 3_600_000 });
  for (let i = 0; i < 2; i++) emu.seedSandbox({ name: `old-${i}`, state: 'stopped', createdAt: t - 10 * 86_400_000 });
  emu.resetStats();
  const out = await call(cleanupSandboxes, { olderThanDays: 7, dryRun: true }, ctx);
  assert.deepEqual(out.data.matched.map((s: { name: string }) => s.name).sort(), ['old-0', 'old-1']);
  const pages = emu.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox');
  assert.equal(pages.length, 1, 'one page, not all three');
});

void test('a name being deleted is answered as such, never suggested as the "closest name" to itself', async () => {
  const { emu, ctx } = await setup({ listLagMs: 0, transitionMs: { delete: 60_000 } });
  emu.seedSandbox({ name: 'web', state: 'started' });
  await call(deleteSandbox, { sandboxes: ['web'], wait: false }, ctx);
  const out = await invokeTool(getSandbox as AnyTool, { sandbox: 'web' }, ctx);
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(out.error.kind, 'not_found');
  assert.match(out.error.message, /^Sandbox web is being deleted \(id /);
  assert.doesNotMatch(out.error.hint, /Closest names: web\b/);
});
