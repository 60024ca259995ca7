/**
 * Domain types shared by every layer. They describe sandboxes the way agents and the tree view see
 * them — flat, JSON-friendly, minutes instead of the API's mixed units — not the raw API DTOs.
 */

/** Every state the Daytona API reports (api-client `SandboxState`). */
export const SANDBOX_STATES = [
  'creating', 'restoring', 'destroyed', 'destroying', 'started', 'stopped', 'starting', 'stopping',
  'error', 'build_failed', 'pending_build', 'building_snapshot', 'unknown', 'pulling_snapshot',
  'archived', 'archiving', 'resizing', 'snapshotting', 'forking', 'pausing', 'paused', 'resuming',
] as const;
export type SandboxState = (typeof SANDBOX_STATES)[number];

/** States in which the API accepts no lifecycle action until the transition finishes. */
export const TRANSITIONAL_STATES: ReadonlySet<SandboxState> = new Set([
  'creating', 'restoring', 'destroying', 'starting', 'stopping', 'pending_build', 'building_snapshot',
  'pulling_snapshot', 'archiving', 'resizing', 'snapshotting', 'forking', 'pausing', 'resuming',
]);

export const SETTLED_STATES: ReadonlySet<SandboxState> = new Set(SANDBOX_STATES.filter((s) => !TRANSITIONAL_STATES.has(s)));

/** States a sandbox cannot leave on its own; waiting for another state is pointless. */
export const FAILED_STATES: ReadonlySet<SandboxState> = new Set(['error', 'build_failed']);

/** The label key that groups sandboxes into projects (the `project` shorthand in tools). */
export const PROJECT_LABEL = 'project';

/** The SDK adds this label so its code toolbox knows the language; we honour the same convention. */
export const LANGUAGE_LABEL = 'code-toolbox-language';

/** The labels worth showing a person: all but the language bookkeeping label. */
export function visibleLabels(labels: Record<string, string>): Array<[string, string]> {
  return Object.entries(labels).filter(([k]) => k !== LANGUAGE_LABEL);
}

export interface Sandbox {
  id: string;
  name: string;
  state: SandboxState;
  snapshot: string | null;
  cpu: number;
  memory: number; // GiB
  disk: number; // GiB
  gpu: number;
  target: string;
  labels: Record<string, string>;
  public: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  lastActivityAt: string | null;
  autoStopMinutes: number | null;
  autoArchiveMinutes: number | null;
  autoDeleteMinutes: number | null;
  errorReason: string | null;
}

export interface SandboxDetails extends Sandbox {
  /** Names only: values can hold secrets and never leave the gateway. */
  envNames: string[];
  user: string | null;
  desiredState: string | null;
  backupState: string | null;
  recoverable: boolean | null;
  organizationId: string | null;
  /** Dockerfile of an image-built sandbox (null for snapshot-based ones). */
  dockerfile: string | null;
  /** `container` (the API's default), `linux-vm`, `windows`, …; decides what the sandbox can do (fork). */
  sandboxClass: string;
}

/** Classes the API forks (its sandbox.service: linux-vm and windows, without GPU). */
export const FORKABLE_CLASSES: ReadonlySet<string> = new Set(['linux-vm', 'windows']);

/** Why the API would refuse to fork `s` whatever its state, or undefined when its class can fork. */
export function forkRefusal(s: Pick<SandboxDetails, 'sandboxClass' | 'gpu'>): string | undefined {
  if (!FORKABLE_CLASSES.has(s.sandboxClass)) return `it is a ${s.sandboxClass} sandbox; only linux-vm and windows sandboxes can be forked`;
  if (s.gpu > 0) return 'it has a GPU; GPU sandboxes cannot be forked';
  return undefined;
}

export interface SandboxPage {
  sandboxes: SandboxDetails[];
  /** Opaque; pass back to get the next page. Null at the end. */
  nextCursor: string | null;
}

export interface Snapshot {
  id: string;
  name: string;
  state: string;
  general: boolean;
  cpu: number | null;
  memory: number | null;
  disk: number | null;
  imageName: string | null;
  createdAt: string | null;
}

export interface ListQuery {
  states?: SandboxState[];
  labels?: Record<string, string>;
  /** API-side name prefix (cheap); substring matching happens in the tool. */
  namePrefix?: string;
  limit: number;
  cursor?: string;
}

/** What can be set at creation and changed later (update_sandbox): size, idle intervals, public preview. */
export interface SandboxSettings {
  cpu?: number;
  memory?: number;
  disk?: number;
  autoStopMinutes?: number;
  autoArchiveMinutes?: number;
  autoDeleteMinutes?: number;
  public?: boolean;
}

export interface CreateParams extends SandboxSettings {
  name?: string;
  /** Exclusive with dockerfile; resources then come from the snapshot. */
  snapshot?: string;
  /** Build from this Dockerfile; the only way the API accepts cpu/memory/disk. */
  dockerfile?: string;
  language?: string;
  labels: Record<string, string>;
  env?: Record<string, string>;
}

/** What resize changes: whole CPUs, GiB of memory and disk. */
export interface Resources {
  cpu: number;
  memory: number;
  disk: number;
}

/** Lifecycle actions the tools expose, with the state each one aims for. */
export type LifecycleAction = 'start' | 'stop' | 'archive' | 'delete';
