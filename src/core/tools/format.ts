/** Short text renderings for tool summaries: one line per sandbox, readable in any agent transcript. */
import { ageOf } from '../relative-time';
import { visibleLabels, type Sandbox } from '../types';

/**
 * One line that carries the decisions an agent makes from a list (which to stop, delete, replicate):
 * name, id, state, size, labels, and how long it has been idle (or its age when activity is unknown).
 * About 120 bytes with a 20-character name and a project label (test/mcp/agent-experience.test.ts).
 */
export function sandboxLine(s: Sandbox, now: number = Date.now()): string {
  const labels = visibleLabels(s.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const idle = ageOf(s.lastActivityAt ?? s.updatedAt, now);
  const age = idle === undefined ? ageOf(s.createdAt, now) : undefined;
  const when = idle !== undefined ? `, idle ${idle}` : age !== undefined ? `, age ${age}` : '';
  // Resources as the tree shows them (CPU/memory/disk); plain ASCII separators keep the bytes down.
  return `- ${s.name} (${s.id}) ${s.state}, ${s.cpu} CPU/${s.memory} GiB/${s.disk} GiB${labels ? `, ${labels}` : ''}${when}`;
}

export function errorLine(e: { kind: string; message: string; hint: string }): string {
  return `${e.message} [${e.kind}] ${e.hint}`;
}

export function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

export const sandboxesCount = (n: number): string => count(n, 'sandbox', 'sandboxes');

/** Every name, for results of calls that changed sandboxes: the transcript must say which. */
export const allNames = (items: ReadonlyArray<{ name: string }>): string => items.map((s) => s.name).join(', ');
