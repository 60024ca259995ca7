/**
 * Rate limits are paced, not hit: against the emulator's real-server throttlers (named headers,
 * per-organisation budget, refusals that count and block a whole window), bulk tools read
 * `X-RateLimit-*-<name>` and `Retry-After-<name>` and slow down before the budget is spent.
 * Assertions are on state and on the emulator's request log, never on time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../emulator/emulator';
import { runCoreTool, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { cleanupSandboxes } from '../../src/core/tools/cleanup_sandboxes';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { getSandbox } from '../../src/core/tools/get_sandbox';
import { waitFor } from '../helpers/wait';
import { emulatorForEachTest } from '../helpers/emulator-context';

let emu: Emulator;
let ctx: TestContext;
const WINDOW_MS = 2_000;
const LIMIT = 20;

emulatorForEachTest({
    apiKeys: [SENTINEL_KEY],
    transitionMs: 40,
    rateLimits: { 'sandbox-lifecycle': { limit: LIMIT, ttlMs: WINDOW_MS } },
  }, (e, c) => {
  emu = e;
  ctx = c;
});

/** 429 answers to `method`, and how many distinct windows (runs separated by a success) they came in. */
function refusals(method: string): { count: number; bursts: number } {
  let count = 0;
  let bursts = 0;
  let inBurst = false;
  for (const r of emu.stats().requests.filter((q) => q.method === method)) {
    if (r.status === 429) {
      count++;
      if (!inBurst) bursts++;
      inBurst = true;
    } else if (r.status !== 0) inBurst = false;
  }
  return { count, bursts };
}

test('cleanup of 60 under 20 deletes per 2 s: all deleted, none failed, at most one burst of 429 per window', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 60; i++) emu.seedSandbox({ name: `old-${String(i).padStart(2, '0')}`, state: 'stopped' });
  const out = await runCoreTool(cleanupSandboxes, {}, ctx);
  assert.equal(out.data.failed.length, 0, JSON.stringify(out.data.failed.slice(0, 3)));
  assert.equal(out.data.deleted.length, 60);
  assert.equal(emu.sandboxes().filter((s) => !s.name.startsWith('DESTROYED_')).length, 0);
  const deletes = emu.stats().requests.filter((q) => q.method === 'DELETE' && q.status === 200).length;
  const windows = Math.ceil(deletes / LIMIT);
  const { count, bursts } = refusals('DELETE');
  // Without pacing the same run met 235 refusals; paced, the first window (before any header was
  // read) is the only one that may see a burst, no bigger than the requests in flight.
  assert.ok(bursts <= 1, `${bursts} bursts of 429 (${count} refusals) in ${windows} windows`);
  assert.ok(count <= 16, `${count} refusals`);
});

test('a 429 named after its throttler (Retry-After-sandbox-lifecycle, no Retry-After) is waited out, not reported', { timeout: 60_000 }, async () => {
  emu.seedSandbox({ name: 'busy', state: 'started' });
  // Another client of the same organisation spends the whole lifecycle budget of the stop route.
  for (let i = 0; i < LIMIT + 1; i++) {
    await fetch(`${emu.url}/sandbox/nowhere-${i}/stop`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}` } });
  }
  const out = await runCoreTool(stopSandbox, { sandboxes: ['busy'] }, ctx);
  assert.equal(out.isError, false, JSON.stringify(out.data));
  assert.equal(emu.sandboxes().find((s) => s.name === 'busy')?.state, 'stopped');
  const stops = emu.stats().requests.filter((q) => q.method === 'POST' && q.path === '/api/sandbox/' + emu.sandboxes()[0]?.id + '/stop');
  // One refusal, then a wait for the whole Retry-After: retrying sooner only meets more refusals.
  assert.deepEqual(stops.map((q) => q.status), [429, 200]);
});

test('requests waiting for the lifecycle budget do not hold the request slots: a read meanwhile goes at once', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 40; i++) emu.seedSandbox({ name: `old-${String(i).padStart(2, '0')}`, state: 'stopped' });
  emu.seedSandbox({ name: 'keeper', state: 'started' });
  const cleanup = runCoreTool(cleanupSandboxes, {}, ctx);
  const deleted = () => emu.stats().requests.filter((q) => q.method === 'DELETE' && q.status === 200).length;
  await waitFor(() => deleted() >= LIMIT, 60_000, 'the first window of deletes');
  const read = await runCoreTool(getSandbox, { sandbox: 'keeper' }, ctx);
  assert.equal(read.data.sandbox.state, 'started');
  const out = await cleanup;
  assert.equal(out.data.deleted.length, 40);
  const reqs = [...emu.stats().requests].sort((a, b) => a.at - b.at);
  const readAt = reqs.find((q) => q.method === 'GET' && q.path === '/api/sandbox/keeper')!.at;
  const nextWindow = reqs.filter((q) => q.method === 'DELETE' && q.status === 200)[LIMIT]!.at;
  assert.ok(readAt < nextWindow, 'the read went before the next window of deletes, not behind them');
});
