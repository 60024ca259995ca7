// Request accounting for /api traffic (control routes are not counted): a bounded log, per-route
// counters, and in-flight / peak concurrency, which benchmarks use to check client-side limits.
import type { EmulatorStats, RequestLogEntry, RouteStats } from './types';

export class StatsRecorder {
  private log: RequestLogEntry[] = [];
  private byRoute: Record<string, RouteStats> = {};
  private inFlight = 0;
  private maxConcurrency = 0;

  constructor(private readonly maxLog = 10_000) {}

  /** Call when a request arrives; the returned function records its outcome exactly once. */
  begin(method: string, path: string, organizationId?: string, query?: string): (route: string, status: number) => void {
    const at = Date.now();
    const started = performance.now();
    this.inFlight += 1;
    this.maxConcurrency = Math.max(this.maxConcurrency, this.inFlight);
    let done = false;
    return (route, status) => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      this.log.push({ method, path, status, at, ms: Math.round((performance.now() - started) * 100) / 100, ...(organizationId ? { organizationId } : {}), ...(query ? { query } : {}) });
      if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
      const r = (this.byRoute[route] ??= { count: 0, byStatus: {} });
      r.count += 1;
      r.byStatus[String(status)] = (r.byStatus[String(status)] ?? 0) + 1;
    };
  }

  snapshot(): EmulatorStats {
    return {
      requests: this.log.map((e) => ({ ...e })),
      maxConcurrency: this.maxConcurrency,
      inFlight: this.inFlight,
      byRoute: Object.fromEntries(
        Object.entries(this.byRoute).map(([k, v]) => [k, { count: v.count, byStatus: { ...v.byStatus } }]),
      ),
    };
  }

  /** Clears history; requests still in flight keep counting towards the new peak. */
  reset(): void {
    this.log = [];
    this.byRoute = {};
    this.maxConcurrency = this.inFlight;
  }
}
