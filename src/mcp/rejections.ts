/**
 * Rejected HTTP requests (bad token, foreign Host or Origin, wrong path) are counted, not logged one
 * by one: a flood of bad requests must not be able to rotate the audit trail away. The first
 * rejection of a quiet period is logged at once (one mistyped token shows up immediately); the rest
 * become one `http_rejected_summary` line per interval with counts per reason and remote address.
 */
import type { AuditLog } from '../core/audit-log';

export interface RejectionTally {
  record(reason: string, remote: string | undefined): void;
  /** Writes the pending summary now (on shutdown). */
  flush(): void;
  close(): void;
}

/** Remote addresses kept per summary; more are only counted. */
const MAX_REMOTES = 20;

export function createRejectionTally(audit: AuditLog | undefined, intervalMs = 60_000): RejectionTally {
  let pending: { count: number; reasons: Record<string, number>; remotes: Record<string, number>; since: string } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending && pending.count > 0) {
      audit?.write('http_rejected_summary', { ...pending, until: new Date().toISOString() });
    }
    pending = undefined;
  };

  return {
    record(reason, remote) {
      const from = remote ?? 'unknown';
      if (!timer) {
        // Quiet until now: log this one, then count the rest of the interval.
        audit?.write('http_rejected', { reason, remote: from });
        pending = { count: 0, reasons: {}, remotes: {}, since: new Date().toISOString() };
        timer = setTimeout(flush, intervalMs);
        timer.unref();
        return;
      }
      const p = pending!;
      p.count++;
      p.reasons[reason] = (p.reasons[reason] ?? 0) + 1;
      if (from in p.remotes || Object.keys(p.remotes).length < MAX_REMOTES) p.remotes[from] = (p.remotes[from] ?? 0) + 1;
      else p.remotes.other = (p.remotes.other ?? 0) + 1;
    },
    flush,
    close: flush,
  };
}
