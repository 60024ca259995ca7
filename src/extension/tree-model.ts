/**
 * What the tree shows for a sandbox and a group, as plain data (no vscode import): label,
 * description, codicon and colour, the contextValue that menus match on, and a Markdown tooltip.
 */
import { CLIENT_LABEL, isAgentMade, MADE_BY_LABEL } from '../core/creation-guard';
import { ageOf, timeAgo } from '../core/relative-time';
import { forkRefusal, PROJECT_LABEL, TRANSITIONAL_STATES, visibleLabels, type SandboxDetails, type SandboxState } from '../core/types';

export type GroupBy = 'state' | 'project' | 'none';

export interface ItemPresentation {
  label: string;
  description: string;
  icon: { id: string; color?: string };
  contextValue: string;
  tooltip: string;
}

const STATE_ICONS: Partial<Record<SandboxState, { id: string; color?: string }>> = {
  started: { id: 'vm-running', color: 'testing.iconPassed' },
  stopped: { id: 'vm-outline', color: 'disabledForeground' },
  archived: { id: 'archive', color: 'disabledForeground' },
  paused: { id: 'debug-pause', color: 'editorWarning.foreground' },
  error: { id: 'error', color: 'errorForeground' },
  build_failed: { id: 'error', color: 'errorForeground' },
  destroyed: { id: 'trash', color: 'disabledForeground' },
};

export function stateIcon(state: SandboxState): { id: string; color?: string } {
  if (TRANSITIONAL_STATES.has(state)) return { id: 'loading~spin' };
  return STATE_ICONS[state] ?? { id: 'question' };
}

/**
 * Menus match `viewItem =~ /\bstate-stopped\b/` and the action flags; one source of truth for which
 * actions make sense in which state (the tools still check against the live API).
 */
export function contextValueFor(s: SandboxDetails): string {
  const busy = TRANSITIONAL_STATES.has(s.state);
  const flags = ['sandbox', `state-${s.state}`];
  if (!busy && ['stopped', 'archived', 'paused'].includes(s.state)) flags.push('can-start');
  if (!busy && ['started', 'paused'].includes(s.state)) flags.push('can-stop');
  if (!busy && s.state === 'stopped') flags.push('can-archive');
  if (s.state !== 'destroying' && s.state !== 'destroyed') flags.push('can-delete');
  // The rest of the lifecycle (fork, snapshot, resize, settings, preview, build log; see change-input.ts).
  if (!busy && s.state === 'started') flags.push('can-preview');
  // Only the classes the API forks (linux-vm, windows; no GPU): most sandboxes are containers.
  if (!busy && s.state === 'started' && !forkRefusal(s)) flags.push('can-fork');
  if (!busy && (s.state === 'started' || s.state === 'stopped')) flags.push('can-snapshot', 'can-resize');
  if (!busy && !['destroying', 'destroyed', 'error', 'build_failed'].includes(s.state)) flags.push('can-autostop');
  if (s.state === 'build_failed') flags.push('has-build-log');
  return flags.join(' ');
}

/** "idle 3 d" for a sandbox at rest (not running, not changing), from its last activity; none under a minute. */
export function idleText(s: SandboxDetails, now: number = Date.now()): string | undefined {
  if (s.state === 'started' || TRANSITIONAL_STATES.has(s.state)) return undefined;
  const iso = s.lastActivityAt ?? s.updatedAt;
  const since = iso ? now - Date.parse(iso) : NaN;
  // Under a minute it would go stale at once (the tree redraws only when something changes).
  if (!(since >= 60_000)) return undefined;
  const age = ageOf(iso, now);
  return age ? `idle ${age}` : undefined;
}

export function present(s: SandboxDetails, now: number = Date.now()): ItemPresentation {
  return { ...presentRow(s, now), tooltip: tooltipOf(s, now) };
}

/** The row without its tooltip: what a tree of 10,000 sends on every redraw (the tooltip comes on hover). */
export function presentRow(s: SandboxDetails, now: number = Date.now()): Omit<ItemPresentation, 'tooltip'> {
  const resources = `${s.cpu} CPU/${s.memory} GiB/${s.disk} GiB`;
  const byAgent = isAgentMade(s.labels);
  return {
    label: s.name,
    // "agent": made by an agent through our MCP server (the tooltip names its client).
    description: [s.state, byAgent ? 'agent' : undefined, idleText(s, now), resources, s.target].filter(Boolean).join(' · '),
    icon: stateIcon(s.state),
    contextValue: contextValueFor(s),
  };
}

export function tooltipOf(s: SandboxDetails, now: number = Date.now()): string {
  const byAgent = isAgentMade(s.labels);
  const labels = visibleLabels(s.labels).filter(([k]) => k !== MADE_BY_LABEL && k !== CLIENT_LABEL);
  return [
    `**${escapeMd(s.name)}** — ${s.state}`,
    '',
    `| | |`,
    `|---|---|`,
    `| id | \`${s.id}\` |`,
    `| resources | ${s.cpu} vCPU, ${s.memory} GiB RAM, ${s.disk} GiB disk${s.gpu ? `, ${s.gpu} GPU` : ''} |`,
    `| region | ${escapeMd(s.target || '—')} |`,
    `| class | ${escapeMd(s.sandboxClass)}${forkRefusal(s) ? '' : ' (can fork)'} |`,
    `| snapshot | ${escapeMd(s.snapshot ?? (s.dockerfile ? 'built from image' : '—'))} |`,
    `| last activity | ${timeAgo(s.lastActivityAt, now)} |`,
    `| created | ${timeAgo(s.createdAt, now)} |`,
    ...(byAgent ? [`| made by | an agent via MCP (client: ${escapeMd(s.labels[CLIENT_LABEL] ?? 'unknown')}) |`] : []),
    `| auto-stop | ${s.autoStopMinutes === 0 ? 'never' : `${s.autoStopMinutes ?? '?'} min`} |`,
    ...(labels.length ? [`| labels | ${labels.map(([k, v]) => `\`${escapeMd(k)}=${escapeMd(v)}\``).join(' ')} |`] : []),
    ...(s.errorReason ? ['', `$(error) ${escapeMd(s.errorReason)}`] : []),
  ].join('\n');
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

export interface Group {
  key: string;
  label: string;
  sandboxes: SandboxDetails[];
}

const STATE_ORDER: SandboxState[] = ['started', 'starting', 'creating', 'restoring', 'resuming', 'stopping', 'stopped', 'paused', 'archiving', 'archived', 'error', 'build_failed', 'destroying'];

/** Deleted sandboxes linger briefly as `destroying` under a name the API mangled (DESTROYED_<name>_<ms>). */
const GONE: ReadonlySet<SandboxState> = new Set(['destroying', 'destroyed']);

/** Names as people count: run-2 before run-10, case and accents aside. */
const NATURAL = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
export const naturalCompare = (a: string, b: string): number => NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The view's filter: every word must match (any case) the name, a label value (the project too), or,
 * written `key=value`, that label. Empty matches all.
 */
export function matchesFilter(s: SandboxDetails, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => {
    const eq = w.indexOf('=');
    if (eq > 0) {
      const key = w.slice(0, eq);
      const value = w.slice(eq + 1);
      return Object.entries(s.labels).some(([k, v]) => k.toLowerCase() === key && v.toLowerCase().includes(value));
    }
    return s.name.toLowerCase().includes(w) || Object.values(s.labels).some((v) => v.toLowerCase().includes(w));
  });
}

/**
 * The state a sandbox is grouped and counted by: its own, except while it does something on the side
 * (forking, snapshotting, resizing) or an action from the editor awaits the API's word — then the state
 * it was in, so a fork does not move its source to a "forking" group or out of the running count.
 */
export type HomeState = (s: SandboxDetails) => SandboxState;

/** API states of a sandbox busy on the side; it returns to where it was (see HomeState). */
export const SIDE_STATES: ReadonlySet<SandboxState> = new Set(['forking', 'snapshotting', 'resizing']);

export function groupSandboxes(sandboxes: readonly SandboxDetails[], by: GroupBy, filter = '', homeOf: HomeState = (s) => s.state): Group[] {
  const sorted = sandboxes.filter((s) => !GONE.has(homeOf(s)) && (!filter || matchesFilter(s, filter))).sort((a, b) => naturalCompare(a.name, b.name));
  if (by === 'none') return [{ key: 'all', label: 'All', sandboxes: sorted }];
  const groups = new Map<string, SandboxDetails[]>();
  // Projects group in any case ("AutoViral" and "autoviral" are one project, as in the tools); the
  // group shows the first spelling met.
  const spelling = new Map<string, string>();
  for (const s of sorted) {
    const project = s.labels[PROJECT_LABEL] ?? '';
    const key = by === 'state' ? homeOf(s) : project.toLowerCase();
    if (!spelling.has(key)) spelling.set(key, project);
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  const keys = [...groups.keys()].sort((a, b) =>
    by === 'state' ? rank(a) - rank(b) : a === '' ? 1 : b === '' ? -1 : naturalCompare(a, b),
  );
  return keys.map((key) => ({
    key,
    label: by === 'state' ? key : spelling.get(key) || 'No project',
    sandboxes: groups.get(key) ?? [],
  }));
}

function rank(state: string): number {
  const i = STATE_ORDER.indexOf(state as SandboxState);
  return i < 0 ? STATE_ORDER.length : i;
}
