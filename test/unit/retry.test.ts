import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolError } from '../../src/core/errors';
import { DEFAULT_RETRY, ITEM_RETRY_BUDGET, itemRetryBudget, retryDelayMs, withRetry } from '../../src/core/retry';

const fast = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 2, random: () => 0.5 };

test('idempotent calls retry 5xx until success', async () => {
  let calls = 0;
  const value = await withRetry(async () => {
    if (++calls < 3) throw new ToolError('network', 'boom', { status: 503 });
    return 'ok';
  }, { ...fast, idempotent: true });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('non-idempotent calls do not retry 5xx but do retry 429', async () => {
  let calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    throw new ToolError('network', 'boom', { status: 500 });
  }, { ...fast, idempotent: false }), /boom/);
  assert.equal(calls, 1);

  calls = 0;
  const v = await withRetry(async () => {
    if (++calls === 1) throw new ToolError('rate_limited', 'slow', { retryAfterSec: 0 });
    return 7;
  }, { ...fast, idempotent: false });
  assert.equal(v, 7);
  assert.equal(calls, 2);
});

test('permanent errors are not retried and attempts are bounded', async () => {
  let calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    throw new ToolError('auth', 'no');
  }, { ...fast, idempotent: true }));
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    throw new ToolError('network', 'down', { status: 502 });
  }, { ...fast, idempotent: true }));
  assert.equal(calls, DEFAULT_RETRY.maxAttempts);
});

test('Retry-After is honoured, and a too-long one surfaces instead of blocking', () => {
  const o = { ...DEFAULT_RETRY, idempotent: true, random: () => 0 };
  assert.equal(retryDelayMs(new ToolError('rate_limited', 'x', { retryAfterSec: 2 }), 1, o), 2000);
  assert.equal(retryDelayMs(new ToolError('rate_limited', 'x', { retryAfterSec: 3600 }), 1, o), undefined);
  const backoff = retryDelayMs(new ToolError('network', 'x', { status: 502 }), 3, { ...o, random: () => 0.999 });
  assert.ok(backoff !== undefined && backoff <= DEFAULT_RETRY.baseDelayMs * 4 + 1);
});

test('an aborted signal stops retrying', async () => {
  const ac = new AbortController();
  let calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    ac.abort();
    throw new ToolError('network', 'x', { status: 503 });
  }, { ...fast, idempotent: true, signal: ac.signal }));
  assert.equal(calls, 1);
});

test('one item budget bounds retries across all its calls; an answered request refills it; 429s do not draw on it', async () => {
  const budget = itemRetryBudget();
  let calls = 0;
  const reset = () => { calls++; throw new ToolError('network', 'socket hang up'); };
  // A lookup that keeps failing spends the whole budget: 1 + ITEM_RETRY_BUDGET attempts, not maxAttempts.
  await assert.rejects(withRetry(reset, { ...fast, idempotent: true, budget }));
  assert.equal(calls, 1 + ITEM_RETRY_BUDGET);
  // The item's next call gets no retries left: its failure ends the item.
  calls = 0;
  await assert.rejects(withRetry(reset, { ...fast, idempotent: true, budget }));
  assert.equal(calls, 1);
  // An answer refills it, so a long wait is not failed by scattered faults.
  assert.equal(await withRetry(async () => 'ok', { ...fast, idempotent: true, budget }), 'ok');
  assert.equal(budget.left, ITEM_RETRY_BUDGET);
  // 429s keep their own limit and leave the budget alone.
  let limited = 0;
  const answer = await withRetry(async () => {
    if (++limited < 6) throw new ToolError('rate_limited', 'Too Many Requests', { retryAfterSec: 0 });
    return 'done';
  }, { ...fast, idempotent: true, budget });
  assert.equal(answer, 'done');
  assert.equal(budget.left, ITEM_RETRY_BUDGET);
});
