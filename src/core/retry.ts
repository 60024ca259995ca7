/**
 * Retry policy for API calls. 429s are always safe to retry (the API did not act) and wait for
 * Retry-After, bounded. 5xx, resets and gateway timeouts are retried only for idempotent calls, with
 * exponential backoff and full jitter so parallel bulk workers don't return in lockstep.
 */
import { sleep } from './async';
import { isTransient, toToolError, type ToolError } from './errors';
import type { RetryBudget } from './gateway';

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /**
   * Attempts in total while the API keeps answering 429 (default maxAttempts): it did not act, so
   * waiting longer is safe, and a 20 % 429 rate exhausts 5 attempts for 1 in 3,000 requests.
   */
  maxRateLimitedAttempts?: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on one Retry-After wait; longer requests surface as rate_limited errors. */
  maxRetryAfterMs: number;
}

/**
 * maxRetryAfterMs covers a whole window of the real API's throttlers (60 s): while the budget refills,
 * waiting is the right answer, never a failure the user sees.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, maxRateLimitedAttempts: 12, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 65_000 };

/**
 * Retries of resets/5xx/gateway timeouts one item of a call may spend across all its requests
 * (lookup, action, polls, confirming lookup) before an answered request refills the budget. 3: a
 * persistently failing item gives up after 4 failed requests in a row, whichever steps they fall in
 * (it used to be 15: the SDK's transport retry ran inside each of our attempts); a long wait under a
 * 5 % fault rate still succeeds, because each answered poll refills it. 429s do not draw on it: the
 * API did not act, and their own limit (maxRateLimitedAttempts) applies.
 */
export const ITEM_RETRY_BUDGET = 3;

export function itemRetryBudget(): RetryBudget {
  return { left: ITEM_RETRY_BUDGET, size: ITEM_RETRY_BUDGET };
}

export interface RetryOptions extends RetryPolicy {
  idempotent: boolean;
  signal?: AbortSignal;
  /** Shared by every call for one item; retries of transient failures stop when it is spent. */
  budget?: RetryBudget;
  /** Test seam for deterministic jitter. */
  random?: () => number;
}

function shouldRetry(err: ToolError, idempotent: boolean): boolean {
  if (err.kind === 'rate_limited') return true;
  return idempotent && isTransient(err);
}

export function retryDelayMs(err: ToolError, attempt: number, o: RetryOptions): number | undefined {
  if (err.kind === 'rate_limited' && err.retryAfterSec !== undefined) {
    const ms = err.retryAfterSec * 1000;
    // Retry-After says when, not "a bit later": honour it, plus a little jitter to spread a burst.
    return ms > o.maxRetryAfterMs ? undefined : ms + Math.floor((o.random ?? Math.random)() * 50);
  }
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor((o.random ?? Math.random)() * ceiling) + 1;
}

export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await fn();
      if (o.budget) o.budget.left = o.budget.size;
      return value;
    } catch (raw) {
      const err = toToolError(raw);
      const limit = err.kind === 'rate_limited' ? (o.maxRateLimitedAttempts ?? o.maxAttempts) : o.maxAttempts;
      if (attempt >= limit || o.signal?.aborted || !shouldRetry(err, o.idempotent)) throw err;
      const rateLimited = err.kind === 'rate_limited';
      if (!rateLimited && o.budget && o.budget.left <= 0) throw err;
      const delay = retryDelayMs(err, attempt, o);
      if (delay === undefined) throw err;
      if (!rateLimited && o.budget) o.budget.left--;
      await sleep(delay, o.signal);
    }
  }
}
