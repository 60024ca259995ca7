/**
 * Answers that help the next call succeed: the closest sandbox names when a name is not found, and
 * what exists (projects, states) when a filtered list comes back empty.
 */
import { ToolError, toToolError } from '../errors';
import type { DaytonaGateway } from '../gateway';
import { PROJECT_LABEL } from '../types';

/** Sandboxes read to build a suggestion: one API page; enough to name what exists, cheap. */
const SAMPLE = 200;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Up to three names nearest to `wanted`: containing it (any case) first, then by edit distance. */
export function closestNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const score = (n: string) => (n.toLowerCase().includes(w) || w.includes(n.toLowerCase()) ? -1 : distance(w, n.toLowerCase()));
  return [...new Set(names)]
    .map((n) => ({ n, d: score(n) }))
    .filter((x) => x.d <= Math.max(3, Math.floor(w.length / 2)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n);
}

/** Rethrows `raw`; a not_found for `ref` gets the closest existing names in its hint. */
export async function withClosestNames(gateway: DaytonaGateway, ref: string, raw: unknown, signal?: AbortSignal): Promise<never> {
  const err = toToolError(raw);
  if (err.kind !== 'not_found') throw err;
  let names: string[] = [];
  let going: { id: string } | undefined;
  try {
    const { items } = await gateway.listPage({ limit: SAMPLE }, { signal });
    // A sandbox being deleted lost its name at once (the API renamed it); never suggest it as "closest".
    going = items.find((s) => s.name === ref && s.state === 'destroying');
    names = closestNames(ref, items.filter((s) => s.state !== 'destroying').map((s) => s.name));
  } catch {
    // a suggestion is a courtesy: the original error stands
  }
  if (going) throw new ToolError('not_found', `Sandbox ${ref} is being deleted (id ${going.id}).`, { hint: 'Its name is free again; list_sandboxes shows what exists.', status: err.status });
  if (!names.length) throw err;
  throw new ToolError('not_found', err.message, { hint: `Closest names: ${names.join(', ')}. ${err.hint}`, status: err.status });
}

/** Case-insensitive project comparison: people say "AutoViral" for the label "autoviral". */
export const sameProject = (label: string | undefined, project: string): boolean => label !== undefined && label.toLowerCase() === project.trim().toLowerCase();

/** "Projects: autoviral (3), storefront (2)" and "States: started (4), stopped (1)" for an empty answer. */
export async function whatExists(gateway: DaytonaGateway, signal?: AbortSignal): Promise<string> {
  const { items, nextCursor } = await gateway.listPage({ limit: SAMPLE }, { signal });
  if (!items.length) return 'There are no sandboxes at all.';
  const tally = (values: string[]) =>
    [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([v, n]) => `${v} (${n})`)
      .join(', ');
  const projects = items.map((s) => s.labels[PROJECT_LABEL]).filter((p): p is string => Boolean(p));
  const parts = [projects.length ? `Projects: ${tally(projects)}.` : 'No sandbox has a project.', `States: ${tally(items.map((s) => s.state))}.`];
  return parts.join(' ') + (nextCursor ? ` (first ${items.length} sandboxes)` : '');
}
