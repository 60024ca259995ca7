// Shared types of the Daytona API emulator: public options, seed and fault specs, and the
// internal sandbox record the lifecycle and store operate on.

/** Every state the real API can report (api-client `SandboxState`, minus the generator's sentinel). */
export const SANDBOX_STATES = [
  'creating',
  'restoring',
  'destroyed',
  'destroying',
  'started',
  'stopped',
  'starting',
  'stopping',
  'error',
  'build_failed',
  'pending_build',
  'building_snapshot',
  'unknown',
  'pulling_snapshot',
  'archived',
  'archiving',
  'resizing',
  'snapshotting',
  'forking',
  'pausing',
  'paused',
  'resuming',
] as const;
export type SandboxStateName = (typeof SANDBOX_STATES)[number];

export type DesiredStateName = 'destroyed' | 'started' | 'stopped' | 'resized' | 'archived' | 'paused';

/** Kinds of lifecycle transition, each with its own configurable duration. */
export type TransitionKind =
  | 'create'
  | 'start'
  | 'stop'
  | 'archive'
  | 'restore'
  | 'resume'
  | 'delete'
  | 'fork'
  | 'snapshot'
  | 'resize'
  | 'pause';

/** A number sets every kind (restore defaults to 3× that, as restoring from archive is slower). */
export type TransitionMsOption = number | Partial<Record<TransitionKind, number>>;

export interface QuotaOptions {
  /** Total CPUs of running sandboxes (default 100). */
  cpu?: number;
  /** Total GiB of memory of running sandboxes (default 200). */
  memory?: number;
  /** Total GiB of disk of non-archived sandboxes (default 1000). */
  disk?: number;
  maxCpuPerSandbox?: number;
  maxMemoryPerSandbox?: number;
  maxDiskPerSandbox?: number;
}
export type ResolvedQuota = Required<QuotaOptions>;

export interface SandboxVolumeSpec {
  volumeId: string;
  mountPath: string;
  subpath?: string;
}

export interface BuildInfoRecord {
  dockerfileContent?: string;
  contextHashes?: string[];
  snapshotRef: string;
  createdAt: number;
  updatedAt: number;
}

/** The emulator's own view of a sandbox; DTOs are derived from it in dto.ts. */
export interface SandboxRecord {
  id: string;
  name: string;
  organizationId: string;
  snapshot: string | undefined;
  user: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  public: boolean;
  networkBlockAll: boolean;
  target: string;
  cpu: number;
  gpu: number;
  memory: number;
  disk: number;
  state: SandboxStateName;
  desiredState: DesiredStateName;
  errorReason: string | undefined;
  recoverable: boolean | undefined;
  autoStopInterval: number;
  autoArchiveInterval: number;
  autoDeleteInterval: number;
  volumes: SandboxVolumeSpec[];
  buildInfo: BuildInfoRecord | undefined;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
  daemonVersion: string;
  runnerId: string;
  /** The sandbox this one was forked from (GET /sandbox/{id}/parent). */
  parentId: string | undefined;
  /** Text of GET /sandbox/{id}/build-logs (only sandboxes with buildInfo have one). */
  buildLog: string | undefined;
  /** Set while the sandbox is in a transitional state: where it lands, and when (clock ms). */
  transition: {
    to: SandboxStateName | 'removed';
    at: number;
    /** A further step once `to` is reached (a lazy delete: `destroying` later, then gone). */
    then?: { to: SandboxStateName | 'removed'; ms: number };
  } | null;
}

/** What tests and other processes may seed directly (everything optional). */
export interface SeedSandbox {
  id?: string;
  name?: string;
  state?: SandboxStateName;
  snapshot?: string;
  user?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  public?: boolean;
  networkBlockAll?: boolean;
  target?: string;
  cpu?: number;
  gpu?: number;
  memory?: number;
  disk?: number;
  errorReason?: string;
  recoverable?: boolean;
  autoStopInterval?: number;
  autoArchiveInterval?: number;
  autoDeleteInterval?: number;
  /** Build log text; gives the sandbox a buildInfo (as for one created from an image). */
  buildLog?: string;
  /** ISO string or epoch ms. */
  createdAt?: string | number;
  lastActivityAt?: string | number;
  /** For a transitional `state`: how long until it settles (default: that kind's transition time). */
  pendingMs?: number;
}

export interface RequestMatcher {
  /** HTTP method, case-insensitive; any method when omitted. */
  method?: string;
  /** Regular expression tested against the request path without query, e.g. `^/api/sandbox/[^/]+/start$`. */
  pathPattern?: string | RegExp;
}

export interface FailNextSpec extends RequestMatcher {
  status: number;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Replaces the default Daytona error body. */
  body?: unknown;
  /** Sent as Retry-After (useful with status 429/503). */
  retryAfterSec?: number;
}

export interface FaultSpec {
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Probability 0..1 of answering 429 with Retry-After. */
  rate429?: number;
  retryAfterSec?: number;
  /** Probability 0..1 of answering `status5xx`. */
  rate5xx?: number;
  status5xx?: 500 | 502 | 503;
  /** Matching requests are never answered (until the emulator closes). */
  hang?: RequestMatcher;
  /** Extra delay for matching requests. */
  slowMs?: RequestMatcher & { ms: number };
  /** Deterministic failures, consumed in order of the list. */
  failNext?: FailNextSpec[];
  /** Which requests the rates apply to: 'mutating' = non-GET (default 'all'). */
  only?: 'mutating' | 'all';
  /** PRNG seed so fault sequences are reproducible (default 1). */
  seed?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** HTTP status, or 0 when the client went away before an answer. */
  status: number;
  /** Epoch ms (real time) when the request arrived. */
  at: number;
  /** The `X-Daytona-Organization-ID` header the client sent (token logins), if any. */
  organizationId?: string;
  ms: number;
}

export interface RouteStats {
  count: number;
  byStatus: Record<string, number>;
}

export interface EmulatorStats {
  requests: RequestLogEntry[];
  maxConcurrency: number;
  inFlight: number;
  /** Keyed by route template, e.g. `POST /api/sandbox/:idOrName/start`. */
  byRoute: Record<string, RouteStats>;
}
