/**
 * Notification text for the editor's sandbox actions, built from the tools' structured results so it
 * names the sandboxes ("Stopped web, api and 3 more") instead of echoing the agent-facing summary.
 * No vscode import: unit-tested directly.
 */
import { isSkipped } from '../core/fresh-check';

/** "web", "web and api", "web, api and db", "web, api and 3 more" (past `max` names). */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const shown = names.slice(0, max - 1);
  return `${shown.join(', ')} and ${names.length - shown.length} more`;
}

export type Level = 'info' | 'warning' | 'error';
export interface OutcomeText {
  level: Level;
  text: string;
}

interface Failure {
  name: string;
  error: { kind: string; message: string };
}

/** "Stopped web and api." / "Stopped web; could not stop api: …" / "Could not stop web and api: …" */
export function describeOutcome(pastTense: string, verb: string, done: readonly string[], failed: readonly Failure[]): OutcomeText {
  const parts: string[] = [];
  if (done.length) parts.push(`${capitalise(pastTense)} ${nameList(done)}`);
  if (failed.length) {
    // One reason when they share it (the usual case: the same error for all), else the first one's.
    const reasons = [...new Set(failed.map((f) => f.error.message))];
    const reason = reasons.length === 1 ? reasons[0] : `${reasons[0]} (and ${reasons.length - 1} other ${reasons.length === 2 ? 'error' : 'errors'})`;
    parts.push(`${done.length ? 'could not' : 'Could not'} ${verb} ${nameList(failed.map((f) => f.name))}: ${reason}`);
  }
  const text = parts.join('; ');
  return { level: failed.length === 0 ? 'info' : done.length ? 'warning' : 'error', text: /[.!?]$/.test(text) ? text : `${text}.` };
}

/** Lifecycle tools (start/stop/archive/delete): `results` with name (or the reference) per item. */
export function lifecycleOutcome(
  pastTense: string,
  verb: string,
  data: { results: ReadonlyArray<{ sandbox: string; name: string | null; ok: boolean; changed: boolean; state: string | null; error: { kind: string; message: string } | null }> },
): OutcomeText {
  const done = data.results.filter((r) => r.ok && r.changed).map((r) => r.name ?? r.sandbox);
  const already = data.results.filter((r) => r.ok && !r.changed);
  const all = data.results.filter((r) => !r.ok).map((r) => ({ name: r.name ?? r.sandbox, error: r.error ?? { kind: 'unknown', message: 'unknown error' } }));
  // Left alone because they changed since the user chose them (core/fresh-check.ts): not failures.
  const skipped = all.filter((f) => isSkipped(f.error));
  const failed = all.filter((f) => !isSkipped(f.error));
  const out = withSkipped(describeOutcome(pastTense, verb, done, failed), skipped.map((f) => f.error.message.replace(/^Skipped /, '').replace(/; nothing was done to it\.$/, '')), done.length + failed.length);
  if (!already.length) return out;
  const alreadyText = `${nameList(already.map((r) => r.name ?? r.sandbox))} ${already.length === 1 ? 'was' : 'were'} already ${already[0]!.state ?? pastTense}`;
  if (!done.length && !failed.length) return { level: 'info', text: `${capitalise(alreadyText)}.` };
  return { ...out, text: `${out.text.replace(/\.$/, '')}; ${alreadyText}.` };
}

/** create_sandbox: `sandboxes` created, `failed` by name. */
export function createOutcome(data: { sandboxes: ReadonlyArray<{ name: string }>; failed: readonly Failure[] }): OutcomeText {
  return describeOutcome('created', 'create', data.sandboxes.map((s) => s.name), data.failed);
}

/** cleanup_sandboxes: `deleted` and `failed` by name. */
export function cleanupOutcome(data: { deleted: ReadonlyArray<{ name: string }>; failed: readonly Failure[]; skipped?: ReadonlyArray<{ name: string; reason: string }> }): OutcomeText {
  const out = describeOutcome('deleted', 'delete', data.deleted.map((s) => s.name), data.failed);
  // A bulk clean-up also says how many: "Deleted 2 sandboxes: docs-preview and analytics-etl."
  const n = data.deleted.length;
  const counted = n > 1 ? { ...out, text: out.text.replace(/^Deleted /, `Deleted ${n} sandboxes: `) } : out;
  // Those that changed since they were listed were left alone: say which and why.
  const skipped = data.skipped ?? [];
  if (!skipped.length) return counted;
  const why = skipped.map((k) => `${k.name} (${k.reason})`).join(', ');
  const text = n || data.failed.length ? `${counted.text.replace(/\.$/, '')}; skipped ${why}.` : `Deleted nothing: skipped ${why}.`;
  return { level: counted.level === 'error' ? 'error' : 'warning', text };
}

/** "…; skipped b: it is started now (it was stopped when chosen)." */
function withSkipped(out: OutcomeText, skipped: readonly string[], others: number): OutcomeText {
  if (!skipped.length) return out;
  const list = skipped.join('; ');
  if (!others) return { level: 'warning', text: `Skipped ${list}.` };
  return { level: out.level === 'info' ? 'warning' : out.level, text: `${out.text.replace(/\.$/, '')}; skipped ${list}.` };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
