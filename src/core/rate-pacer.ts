/**
 * Paces requests by the budget the Daytona API announces, so a bulk run slows down before the
 * budget is spent instead of hitting it.
 *
 * The real API names its throttlers (`authenticated`, `sandbox-create`, `sandbox-lifecycle`) and
 * reports each on every answer: `X-RateLimit-Limit-<name>`, `X-RateLimit-Remaining-<name>`,
 * `X-RateLimit-Reset-<name>` (seconds); a 429 carries `Retry-After-<name>`. A refused request still
 * counts, and passing the limit blocks for a whole window: hitting the limit costs more than waiting.
 * The budget is the organisation's, so other clients draw on it too; the headers are the truth and
 * every answer corrects the local estimate. Counters are kept per operation (the server's throttler
 * keys them per route), so polls never eat the budget of deletes.
 */
import { sleep } from './async';
import { namedHeaderGroups } from './rate-headers';

/** The limit, remaining, reset and retry-after groups, read in one pass (observe). */
const RATE_HEADER_PREFIXES = ['x-ratelimit-limit-', 'x-ratelimit-remaining-', 'x-ratelimit-reset-', 'retry-after-'] as const;

interface Bucket {
  limit: number;
  /** Requests we may still send in this window (estimate: last reported minus ours in flight). */
  tokens: number;
  /** Clock ms when the window ends (from the Reset header, rounded up by the server). */
  windowEnd: number;
  /** Longest window seen, used as the next window's length once this one is over. */
  windowMs: number;
  /** Clock ms until which the server refuses (Retry-After-<name>). */
  blockedUntil: number;
}

export class RatePacer {
  private readonly buckets = new Map<string, Bucket>();
  /** Throttler names seen on answers to each operation. */
  private readonly throttlersOf = new Map<string, Set<string>>();
  /** Requests of each operation sent and not answered yet (counted before any bucket is known, too). */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits until every throttler known for `operation` has budget left (takes nothing). */
  async ready(operation: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.waitMs(operation);
      if (wait <= 0) return;
      // A little jitter so workers that waited together do not all arrive in the same millisecond.
      await sleep(wait + Math.floor(Math.random() * 25), signal);
    }
  }

  /** Waits for budget, then takes one from each throttler of `operation`; returns the release. */
  async acquire(operation: string, signal?: AbortSignal): Promise<(headers: unknown, status?: number) => void> {
    for (;;) {
      await this.ready(operation, signal);
      const release = this.take(operation);
      if (release) return release;
    }
  }

  /**
   * Takes one from each throttler of `operation` if all have budget now, else undefined. The release
   * is called with the answer's headers (or an error's), and corrects the estimate.
   */
  take(operation: string): ((headers: unknown, status?: number) => void) | undefined {
    if (this.waitMs(operation) > 0) return undefined;
    for (const b of this.bucketsOf(operation)) b.tokens--;
    this.inFlight.set(operation, (this.inFlight.get(operation) ?? 0) + 1);
    let released = false;
    return (headers, status) => {
      if (released) return;
      released = true;
      this.inFlight.set(operation, (this.inFlight.get(operation) ?? 1) - 1);
      this.observe(operation, headers, status);
    };
  }

  /** How long `operation` must wait now; refills a bucket whose window is over. */
  private waitMs(operation: string): number {
    const now = this.now();
    let wait = 0;
    for (const b of this.bucketsOf(operation)) {
      if (now < b.blockedUntil) {
        wait = Math.max(wait, b.blockedUntil - now);
        continue;
      }
      if (b.tokens > 0) continue;
      if (now < b.windowEnd) {
        wait = Math.max(wait, b.windowEnd - now);
        continue;
      }
      // The window is over: the server starts a new one with our next request.
      b.tokens = b.limit - (this.inFlight.get(operation) ?? 0);
      b.windowEnd = now + b.windowMs;
      if (b.tokens <= 0) wait = Math.max(wait, 50);
    }
    return wait;
  }

  private bucketsOf(operation: string): Bucket[] {
    const names = this.throttlersOf.get(operation);
    if (!names) return [];
    return [...names].map((n) => this.buckets.get(`${operation} ${n}`)).filter((b): b is Bucket => b !== undefined);
  }

  /** Updates the estimate from an answer's headers (success or error). */
  observe(operation: string, headers: unknown, status?: number): void {
    const now = this.now();
    const [limits, remaining, resets, retryAfterAny] = namedHeaderGroups(headers, RATE_HEADER_PREFIXES);
    const retryAfter = status === 429 || status === undefined ? retryAfterAny : new Map<string, number>();
    const names = new Set([...limits.keys(), ...retryAfter.keys()]);
    if (names.size === 0) return;
    let known = this.throttlersOf.get(operation);
    if (!known) this.throttlersOf.set(operation, (known = new Set()));
    for (const name of names) {
      known.add(name);
      const key = `${operation} ${name}`;
      let b = this.buckets.get(key);
      if (!b) {
        b = { limit: limits.get(name) ?? 1, tokens: Infinity, windowEnd: 0, windowMs: 1_000, blockedUntil: 0 };
        this.buckets.set(key, b);
      }
      const wait = retryAfter.get(name);
      if (wait !== undefined) {
        b.blockedUntil = Math.max(b.blockedUntil, now + wait * 1000);
        b.tokens = 0;
        b.windowEnd = Math.max(b.windowEnd, b.blockedUntil);
        continue;
      }
      const limit = limits.get(name);
      const left = remaining.get(name);
      const reset = resets.get(name);
      if (limit !== undefined) b.limit = limit;
      if (left === undefined || reset === undefined) continue;
      const end = now + reset * 1000;
      b.windowMs = Math.max(b.windowMs, reset * 1000);
      // Ours still in flight may not be counted in `left` yet: assume they are not (the safe side).
      const estimate = left - (this.inFlight.get(operation) ?? 0);
      const newWindow = now >= b.windowEnd || end > b.windowEnd + 1_000;
      b.tokens = newWindow ? estimate : Math.min(b.tokens, estimate);
      b.windowEnd = newWindow ? end : Math.max(b.windowEnd, end);
    }
  }
}
