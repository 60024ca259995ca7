/**
 * Compact ages for people and agents alike: "45 s", "3 min", "2 h", "3 d", "5 mo", "2 y". One vocabulary
 * for the tree, tooltips, notifications and tool result text, so "idle 30 d" means the same everywhere.
 */

const UNITS: ReadonlyArray<readonly [limitMs: number, unitMs: number, suffix: string]> = [
  [60_000, 1_000, 's'],
  [3_600_000, 60_000, 'min'],
  [86_400_000, 3_600_000, 'h'],
  [60 * 86_400_000, 86_400_000, 'd'],
  [730 * 86_400_000, 30 * 86_400_000, 'mo'],
  [Infinity, 365 * 86_400_000, 'y'],
];

/** A duration as one rounded-down unit, e.g. 90_000 → "1 min"; negative or NaN → undefined. */
export function formatDuration(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  for (const [limit, unit, suffix] of UNITS) {
    if (ms < limit) return `${Math.floor(ms / unit)} ${suffix}`;
  }
  return undefined;
}

/** How long ago an ISO timestamp was ("3 d"), or undefined when it is missing, unparsable or in the future by more than a minute (clock skew within a minute counts as "0 s"). */
export function ageOf(iso: string | null | undefined, now: number = Date.now()): string | undefined {
  if (!iso) return undefined;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return undefined;
  const ms = now - then;
  if (ms < -60_000) return undefined;
  return formatDuration(Math.max(0, ms));
}

/** "2 h ago", or "—" when unknown: for tooltips and details. */
export function timeAgo(iso: string | null | undefined, now: number = Date.now()): string {
  const age = ageOf(iso, now);
  return age ? `${age} ago` : '—';
}
