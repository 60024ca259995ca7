/**
 * Retry policy for API calls. 429s are always safe to retry (the API did not act) and wait for
 * Retry-After, bounded. 5xx, resets and gateway timeouts are retried only for idempotent calls, with
 * exponential backoff and full jitter so parallel bulk workers don't return in lockstep.
 */
import { sleep } from './async';
import { isTransient, toToolError, type ToolError } from './errors';

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

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, maxRateLimitedAttempts: 12, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 15_000 };

export interface RetryOptions extends RetryPolicy {
  idempotent: boolean;
  signal?: AbortSignal;
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
      return await fn();
    } catch (raw) {
      const err = toToolError(raw);
      const limit = err.kind === 'rate_limited' ? (o.maxRateLimitedAttempts ?? o.maxAttempts) : o.maxAttempts;
      if (attempt >= limit || o.signal?.aborted || !shouldRetry(err, o.idempotent)) throw err;
      const delay = retryDelayMs(err, attempt, o);
      if (delay === undefined) throw err;
      await sleep(delay, o.signal);
    }
  }
}
