// The real API's rate limits (NestJS throttler v6 behind AuthenticatedRateLimitGuard, apps/api
// app.module.ts and common/guards/authenticated-rate-limit.guard.ts at v0.190.0):
// - named throttlers; `authenticated` applies to every authenticated route, `sandbox-create` and
//   `sandbox-lifecycle` in addition to the routes that declare them;
// - counted per organisation (the guard's tracker) and, as the throttler library keys its counters by
//   controller + handler, per route;
// - a fixed window of `ttlMs` from the first hit; every request counts, refused ones too;
// - answers carry `X-RateLimit-Limit-<name>`, `-Remaining-<name>`, `-Reset-<name>` (seconds), and a
//   429 carries `Retry-After-<name>` (seconds) — never a plain `Retry-After`.
// The numbers are deployment configuration (RATE_LIMIT_*_TTL/LIMIT), not in the source; the defaults
// below are the ones Daytona documents for its cloud (docs "Rate limits": 50,000 per 60 s authenticated
// and lifecycle, 600 per 60 s create). Tests that want to meet the limit set small ones.

export const THROTTLERS = ['authenticated', 'sandbox-create', 'sandbox-lifecycle'] as const;
export type ThrottlerName = (typeof THROTTLERS)[number];

export interface ThrottlerLimit {
  /** Requests per window. */
  limit: number;
  /** Window length in ms. */
  ttlMs: number;
}

/** `false` turns rate limiting off; otherwise per-throttler overrides of the defaults. */
export type RateLimitOption = false | Partial<Record<ThrottlerName, ThrottlerLimit>>;

export const DEFAULT_RATE_LIMITS: Readonly<Record<ThrottlerName, ThrottlerLimit>> = {
  authenticated: { limit: 50_000, ttlMs: 60_000 },
  'sandbox-create': { limit: 600, ttlMs: 60_000 },
  'sandbox-lifecycle': { limit: 50_000, ttlMs: 60_000 },
};

/** Routes (method + template under /api) that declare the sandbox throttlers. */
const SCOPED: Readonly<Record<string, ThrottlerName>> = {
  'POST /sandbox': 'sandbox-create',
  'POST /sandbox/:idOrName/start': 'sandbox-lifecycle',
  'POST /sandbox/:idOrName/stop': 'sandbox-lifecycle',
  'POST /sandbox/:idOrName/archive': 'sandbox-lifecycle',
  'DELETE /sandbox/:idOrName': 'sandbox-lifecycle',
  'POST /sandbox/:idOrName/recover': 'sandbox-lifecycle',
  'POST /sandbox/:idOrName/pause': 'sandbox-lifecycle',
};

export function throttlersFor(routeKey: string): ThrottlerName[] {
  const scoped = SCOPED[routeKey];
  return scoped ? ['authenticated', scoped] : ['authenticated'];
}

export interface RateDecision {
  headers: Record<string, string>;
  /** Set when a throttler refuses: answer 429 with these headers. */
  refusedBy?: ThrottlerName;
}

interface Window {
  startedAt: number;
  hits: number;
  /** Clock ms until which this throttler refuses (0: not blocked). */
  blockedUntil: number;
}

export class RateLimiter {
  private readonly limits: Record<ThrottlerName, ThrottlerLimit> | undefined;
  private readonly windows = new Map<string, Window>();

  constructor(
    option: RateLimitOption | undefined,
    private readonly now: () => number,
  ) {
    this.limits = option === false ? undefined : { ...DEFAULT_RATE_LIMITS, ...option };
  }

  get enabled(): boolean {
    return this.limits !== undefined;
  }

  reset(): void {
    this.windows.clear();
  }

  /**
   * Counts one request of `organizationId` to `routeKey` against the throttlers that apply, in order,
   * as the Redis throttler storage does: every request increments the window's hits (refused ones
   * too); passing the limit blocks for a whole window from that moment; the first refusal ends the
   * check (the next throttler is not counted).
   */
  hit(organizationId: string, routeKey: string): RateDecision {
    const headers: Record<string, string> = {};
    if (!this.limits) return { headers };
    const now = this.now();
    for (const name of throttlersFor(routeKey)) {
      const { limit, ttlMs } = this.limits[name];
      const key = `${organizationId} ${routeKey} ${name}`;
      let w = this.windows.get(key);
      if (!w) this.windows.set(key, (w = { startedAt: now, hits: 0, blockedUntil: 0 }));
      if (w.blockedUntil !== 0 && now >= w.blockedUntil) Object.assign(w, { startedAt: now, hits: 0, blockedUntil: 0 });
      else if (now >= w.startedAt + ttlMs) Object.assign(w, { startedAt: now, hits: 0 }); // a block outlives its window
      w.hits++;
      if (w.blockedUntil === 0 && w.hits > limit) w.blockedUntil = now + ttlMs;
      if (w.blockedUntil !== 0) {
        headers[`Retry-After-${name}`] = String(Math.max(1, Math.ceil((w.blockedUntil - now) / 1000)));
        return { headers, refusedBy: name };
      }
      headers[`X-RateLimit-Limit-${name}`] = String(limit);
      headers[`X-RateLimit-Remaining-${name}`] = String(Math.max(0, limit - w.hits));
      headers[`X-RateLimit-Reset-${name}`] = String(Math.max(1, Math.ceil((w.startedAt + ttlMs - now) / 1000)));
    }
    return { headers };
  }
}
