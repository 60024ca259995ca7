/**
 * The narrow port between tools and the Daytona control plane. Tools depend on this interface only;
 * the implementation over @daytonaio/sdk lives in sdk-gateway.ts and is loaded lazily.
 */
import type { CreateParams, Resources, SandboxDetails, SandboxState, Snapshot } from './types';

/** The intervals the API sets one at a time (`POST /sandbox/{id}/<kind>/{minutes}`). */
export type IntervalKind = 'autostop' | 'autoarchive' | 'autodelete';

/** A preview link for a port; `token` travels in the URL (signed) or as a header (plain). */
export interface PreviewLink {
  url: string;
  token: string;
}

export interface ApiPage {
  items: SandboxDetails[];
  nextCursor: string | null;
}

export interface ApiListQuery {
  cursor?: string;
  limit: number;
  states?: SandboxState[];
  labels?: Record<string, string>;
  namePrefix?: string;
  /** Server-side bounds (inclusive), so "idle"/"old" queries need not read every page. */
  createdBefore?: Date;
  lastActivityBefore?: Date;
  /** Only sandboxes whose last event (state change, activity) is at or after this ISO time (inclusive). */
  lastEventAfter?: string;
}

/**
 * The organisation's per-sandbox maxima for one region and sandbox class (the API's usage overview);
 * null = no maximum set. CPU in cores, memory and disk in GiB.
 */
export interface SandboxLimits {
  regionId: string;
  sandboxClass: string;
  maxCpu: number | null;
  maxMemory: number | null;
  maxDisk: number | null;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Retries of transient failures shared by every request made for one item of a call (its lookup,
   * action, polls and confirmation), so retries at several steps cannot multiply.
   */
  retryBudget?: RetryBudget;
}

/** Retries left, refilled to `size` by every successful request; see ITEM_RETRY_BUDGET in retry.ts. */
export interface RetryBudget {
  left: number;
  readonly size: number;
}

export interface DaytonaGateway {
  /** One page of the API's cursor-paginated list. */
  listPage(query: ApiListQuery, opts?: CallOptions): Promise<ApiPage>;
  /** By id or name. Throws ToolError('not_found') when it does not exist. */
  get(idOrName: string, opts?: CallOptions): Promise<SandboxDetails>;
  /** Issues the create request and returns at once (state creating/starting). */
  create(params: CreateParams, opts?: CallOptions): Promise<SandboxDetails>;
  /** Issue a lifecycle request and return without waiting for the transition. */
  start(id: string, opts?: CallOptions): Promise<void>;
  stop(id: string, force: boolean, opts?: CallOptions): Promise<void>;
  archive(id: string, opts?: CallOptions): Promise<void>;
  delete(id: string, opts?: CallOptions): Promise<void>;
  /** Replaces all labels; returns the labels the API stored. */
  replaceLabels(id: string, labels: Record<string, string>, opts?: CallOptions): Promise<Record<string, string>>;
  listSnapshots(opts?: CallOptions): Promise<Snapshot[]>;
  /** By id or name. Throws ToolError('not_found') when it does not exist. */
  getSnapshot(idOrName: string, opts?: CallOptions): Promise<Snapshot>;
  /** Copy-on-write fork; returns the new sandbox as first answered (not yet started). */
  fork(id: string, name: string | undefined, opts?: CallOptions): Promise<SandboxDetails>;
  /** Saves the sandbox's filesystem as snapshot `name`; returns at once (sandbox `snapshotting`). */
  createSnapshot(id: string, name: string, opts?: CallOptions): Promise<void>;
  /** Returns at once (state `resizing`). */
  resize(id: string, resources: Partial<Resources>, opts?: CallOptions): Promise<void>;
  setInterval(id: string, kind: IntervalKind, minutes: number, opts?: CallOptions): Promise<void>;
  setPublic(id: string, isPublic: boolean, opts?: CallOptions): Promise<void>;
  /** Recovers an errored sandbox the API marks recoverable; returns at once. */
  recover(id: string, opts?: CallOptions): Promise<void>;
  previewLink(id: string, port: number, opts?: CallOptions): Promise<PreviewLink>;
  signedPreviewLink(id: string, port: number, expiresInSeconds: number, opts?: CallOptions): Promise<PreviewLink>;
  /**
   * The organisation's per-sandbox maxima, one row per region and class (read-only; cached a few
   * minutes per organisation, as they change only when Daytona changes the organisation's tier).
   */
  sandboxLimits(organizationId: string, opts?: CallOptions): Promise<SandboxLimits[]>;
  /** The build log text of a sandbox built from an image; not_found when it has none. */
  buildLog(id: string, opts?: CallOptions): Promise<string>;
  dispose(): Promise<void>;
}

/** Lazily creates the gateway on first use, so hosts start without loading the SDK. */
export type GatewayProvider = () => Promise<DaytonaGateway>;
