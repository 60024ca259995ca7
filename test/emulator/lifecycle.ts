// Sandbox state machine. Transitions are evaluated lazily against the clock (each record carries
// `transition: {to, at}`), so the emulator owns no timers and never keeps a process alive.
import type { DesiredStateName, SandboxRecord, SandboxStateName, TransitionKind, TransitionMsOption } from './types';

export type TransitionDurations = Record<TransitionKind, number>;

export const DEFAULT_TRANSITION_MS = 300;

export function resolveDurations(option: TransitionMsOption | undefined): TransitionDurations {
  const base = typeof option === 'number' ? option : DEFAULT_TRANSITION_MS;
  const all: TransitionDurations = {
    create: base,
    start: base,
    stop: base,
    archive: base,
    restore: base * 3,
    resume: base,
    delete: base,
    fork: base,
    snapshot: base,
    resize: base,
    pause: base,
  };
  if (typeof option === 'object') {
    for (const [kind, ms] of Object.entries(option) as [TransitionKind, number | undefined][]) {
      if (ms !== undefined) all[kind] = ms;
    }
  }
  return all;
}

/** Where a transitional state settles and which duration applies (used for seeds and actions). */
const SETTLES: Partial<Record<SandboxStateName, { to: SandboxStateName | 'removed'; kind: TransitionKind }>> = {
  creating: { to: 'started', kind: 'create' },
  pending_build: { to: 'started', kind: 'create' },
  building_snapshot: { to: 'started', kind: 'create' },
  pulling_snapshot: { to: 'started', kind: 'create' },
  starting: { to: 'started', kind: 'start' },
  restoring: { to: 'started', kind: 'restore' },
  resuming: { to: 'started', kind: 'resume' },
  stopping: { to: 'stopped', kind: 'stop' },
  pausing: { to: 'paused', kind: 'pause' },
  archiving: { to: 'archived', kind: 'archive' },
  destroying: { to: 'removed', kind: 'delete' },
  resizing: { to: 'started', kind: 'resize' },
  snapshotting: { to: 'started', kind: 'snapshot' },
  forking: { to: 'started', kind: 'fork' },
};

export function isTransitional(state: SandboxStateName): boolean {
  return SETTLES[state] !== undefined;
}

/** The desiredState the real API reports alongside a given state. */
export function desiredStateFor(state: SandboxStateName): DesiredStateName {
  switch (state) {
    case 'stopped':
    case 'stopping':
      return 'stopped';
    case 'archived':
    case 'archiving':
      return 'archived';
    case 'paused':
    case 'pausing':
      return 'paused';
    case 'destroying':
    case 'destroyed':
      return 'destroyed';
    default:
      return 'started';
  }
}

/**
 * Puts `rec` into transitional `state`; it settles after `ms` (or that kind's duration) in `to`
 * (default: where that state usually lands; resize and snapshot return to where they began).
 */
export function beginTransition(
  rec: SandboxRecord,
  state: SandboxStateName,
  now: number,
  durations: TransitionDurations,
  ms?: number,
  to?: SandboxStateName,
): void {
  const settle = SETTLES[state];
  rec.state = state;
  rec.desiredState = desiredStateFor(to ?? state);
  rec.updatedAt = now;
  rec.lastActivityAt = now; // the real API bumps it on every state change
  rec.transition = settle ? { to: to ?? settle.to, at: now + (ms ?? durations[settle.kind]) } : null;
}

/**
 * Applies one due transition step. Returns 'removed' when a destroying sandbox has finished, so the
 * caller can drop it (the real API then answers 404, and the SDK maps that to `destroyed`), 'moved'
 * when the state changed (call again: a chained step may be due too), 'kept' when nothing was due.
 */
export function settle(rec: SandboxRecord, now: number): 'removed' | 'moved' | 'kept' {
  const t = rec.transition;
  if (!t || now < t.at) return 'kept';
  if (t.to === 'removed') return 'removed';
  rec.state = t.to;
  rec.updatedAt = t.at;
  rec.lastActivityAt = t.at; // every state change, the settling one too
  rec.transition = t.then ? { to: t.then.to, at: t.at + t.then.ms } : null;
  return 'moved';
}
