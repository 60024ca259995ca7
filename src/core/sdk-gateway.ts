/**
 * DaytonaGateway over @daytonaio/sdk.
 *
 * The SDK's high-level Sandbox methods always block until the target state, cannot be cancelled, and
 * its list() hides the cursor. Agents need non-blocking actions, cancellable waits and resumable
 * pages, so lifecycle calls go through the SDK's own configured SandboxApi (same auth headers,
 * target, timeouts and error classes as the SDK) and waiting happens in lifecycle.ts. Snapshots use
 * the SDK's public service. Every call runs under one concurrency cap and one retry policy.
 *
 * The SDK is imported dynamically on first use: loading it costs hundreds of milliseconds, which
 * neither the MCP server's start nor the editor's activation should pay.
 */
import type { ApiListQuery, ApiPage, CallOptions, DaytonaGateway, IntervalKind, PreviewLink, SandboxLimits } from './gateway';
import type { Credentials } from './credentials';
import { hasCredential } from './credentials';
import { expectShape } from './api-shape';
import { Semaphore } from './async';
import { boundRequest, boundTransport, readBoundedTail } from './api-bounds';
import { mayCarryCredentials } from './credential-scope';
import { ToolError, toToolError } from './errors';
import { RatePacer } from './rate-pacer';
import { withRetry, type RetryPolicy, DEFAULT_RETRY } from './retry';
import type { CreateParams, Resources, SandboxDetails, SandboxState, Snapshot } from './types';
import { LANGUAGE_LABEL, SANDBOX_STATES } from './types';
import { generatedGet, type AxiosInstanceLike, type GeneratedApiBase } from './lean-client';

/** The slice of the api-client's SandboxApi this gateway uses (positional, as generated). */
interface RequestConfig {
  signal?: AbortSignal;
  timeout?: number;
  maxContentLength?: number;
  maxBodyLength?: number;
  /** axios adapter: lean-transport.ts, or axios' own by name; see NO_TRANSPORT_RETRY. */
  adapter?: string | ((config: never) => Promise<unknown>);
}

/**
 * The SDK wraps axios' transport in its own retry (3 tries for a reset GET/DELETE), which ran inside
 * each of our attempts: one reset request cost 3 × 5 = 15. Per request we use our lean transport
 * (lean-transport.ts) or, with a proxy in the environment, axios' plain node adapter instead, so
 * withRetry below is the only retry layer and its bounds are the real ones.
 */
const NO_TRANSPORT_RETRY = 'http';
interface Resp<T> {
  data: T;
  /** axios' response headers: the rate-limit budget travels here. */
  headers?: unknown;
}
interface SandboxApiSlice {
  /** 31 positional parameters; see LIST_ARG for the ones we fill. */
  listSandboxes(...args: unknown[]): Promise<Resp<{ items: SandboxDto[]; nextCursor?: string | null }>>;
  getSandbox(idOrName: string, org?: undefined, verbose?: undefined, options?: RequestConfig): Promise<Resp<SandboxDto>>;
  createSandbox(body: Record<string, unknown>, org?: undefined, options?: RequestConfig): Promise<Resp<SandboxDto>>;
  startSandbox(id: string, org?: undefined, options?: RequestConfig): Promise<Resp<SandboxDto>>;
  stopSandbox(id: string, org?: undefined, force?: boolean, options?: RequestConfig): Promise<Resp<unknown>>;
  archiveSandbox(id: string, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  deleteSandbox(id: string, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  replaceLabels(id: string, body: { labels: Record<string, string> }, org?: undefined, options?: RequestConfig): Promise<Resp<{ labels: Record<string, string> }>>;
  forkSandbox(id: string, body: { name?: string }, org?: undefined, options?: RequestConfig): Promise<Resp<SandboxDto>>;
  createSandboxSnapshot(id: string, body: { name: string }, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  resizeSandbox(id: string, body: Partial<Resources>, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  setAutostopInterval(id: string, minutes: number, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  setAutoArchiveInterval(id: string, minutes: number, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  setAutoDeleteInterval(id: string, minutes: number, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  updatePublicStatus(id: string, isPublic: boolean, org?: undefined, options?: RequestConfig): Promise<Resp<unknown>>;
  recoverSandbox(id: string, org?: undefined, skipStart?: boolean, options?: RequestConfig): Promise<Resp<unknown>>;
  getPortPreviewUrl(id: string, port: number, org?: undefined, options?: RequestConfig): Promise<Resp<{ url?: string; token?: string }>>;
  getSignedPortPreviewUrl(id: string, port: number, org?: undefined, expiresInSeconds?: number, options?: RequestConfig): Promise<Resp<{ url?: string; token?: string }>>;
  getBuildLogsUrl(id: string, org?: undefined, options?: RequestConfig): Promise<Resp<{ url?: string }>>;
}

/** The slice of the api-client's OrganizationsApi this gateway uses. */
interface OrganizationsApiSlice {
  getOrganizationUsageOverview(organizationId: string, options?: RequestConfig): Promise<Resp<{ regionUsage?: unknown }>>;
}

/** One row of the API's OrganizationUsageOverview.regionUsage (only what we read). */
interface RegionUsageDto {
  regionId?: unknown;
  sandboxClass?: unknown;
  maxCpuPerSandbox?: unknown;
  maxMemoryPerSandbox?: unknown;
  maxDiskPerSandbox?: unknown;
}

/** How long the organisation's per-sandbox maxima are reused: they change only with its tier. */
export const SANDBOX_LIMITS_TTL_MS = 5 * 60_000;

function toSandboxLimits(row: RegionUsageDto): SandboxLimits {
  // A maximum that is not a positive number is no maximum we could check against.
  const max = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  return {
    regionId: typeof row.regionId === 'string' ? row.regionId : '',
    sandboxClass: typeof row.sandboxClass === 'string' ? row.sandboxClass : '',
    maxCpu: max(row.maxCpuPerSandbox),
    maxMemory: max(row.maxMemoryPerSandbox),
    maxDisk: max(row.maxDiskPerSandbox),
  };
}

/** What an api-client API object holds (BaseAPI's fields): its configuration, base path and axios. */
interface ApiClientBase extends GeneratedApiBase {
  axios?: { request(cfg: Record<string, unknown>): Promise<Resp<unknown>> };
}

/**
 * The api-client's OrganizationsApi.getOrganizationUsageOverview, written out over the SandboxApi's own
 * configuration, base path and axios instance (same auth headers, target, error classes and bounds).
 * Importing the api-client would bundle a second copy of it next to the SDK's embedded one (+0.5 MB).
 */
function organizationsApiOver(api: SandboxApiSlice): OrganizationsApiSlice {
  const base = api as unknown as ApiClientBase;
  return {
    getOrganizationUsageOverview: async (organizationId, options = {}) => {
      if (!base.axios) throw new ToolError('unknown', 'This version of @daytonaio/sdk does not expose its axios instance.');
      return (await base.axios.request(generatedGet(base, `/organizations/${encodeURIComponent(organizationId)}/usage`, options))) as Resp<{ regionUsage?: unknown }>;
    },
  };
}

export interface SandboxDto {
  id: string;
  name?: string;
  organizationId?: string;
  snapshot?: string | null;
  user?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  public?: boolean;
  target?: string;
  cpu?: number;
  gpu?: number;
  memory?: number;
  disk?: number;
  state?: string;
  desiredState?: string;
  errorReason?: string | null;
  recoverable?: boolean;
  backupState?: string;
  autoStopInterval?: number;
  autoArchiveInterval?: number;
  autoDeleteInterval?: number;
  createdAt?: string;
  updatedAt?: string;
  lastActivityAt?: string;
  buildInfo?: { dockerfileContent?: string };
  sandboxClass?: string;
}

const KNOWN_STATES = new Set<string>(SANDBOX_STATES);

/** The real API renames a sandbox it was asked to delete `DESTROYED_<name>_<ms>` at once (lazy delete). */
const DESTROYED_NAME = /^DESTROYED_(.+)_\d+$/;

export function toSandboxDetails(dto: SandboxDto): SandboxDetails {
  const reported = dto.state && KNOWN_STATES.has(dto.state) ? (dto.state as SandboxState) : 'unknown';
  // Deletion is lazy: desiredState turns `destroyed` at once and the state follows later. To the user
  // it is being deleted from that moment — never one of their sandboxes in its old state.
  const deleting = dto.desiredState === 'destroyed' && reported !== 'destroyed';
  const state: SandboxState = deleting ? 'destroying' : reported;
  const name = (deleting ? DESTROYED_NAME.exec(dto.name ?? '')?.[1] : undefined) ?? dto.name;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const minutes = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
  return {
    id: dto.id,
    name: name || dto.id,
    state,
    snapshot: str(dto.snapshot),
    cpu: num(dto.cpu),
    memory: num(dto.memory),
    disk: num(dto.disk),
    gpu: num(dto.gpu),
    target: dto.target ?? '',
    labels: { ...(dto.labels ?? {}) },
    public: Boolean(dto.public),
    createdAt: str(dto.createdAt),
    updatedAt: str(dto.updatedAt),
    lastActivityAt: str(dto.lastActivityAt) ?? str(dto.updatedAt),
    autoStopMinutes: minutes(dto.autoStopInterval),
    autoArchiveMinutes: minutes(dto.autoArchiveInterval),
    autoDeleteMinutes: minutes(dto.autoDeleteInterval),
    errorReason: str(dto.errorReason),
    envNames: Object.keys(dto.env ?? {}).sort(),
    user: str(dto.user),
    desiredState: str(dto.desiredState),
    backupState: str(dto.backupState),
    recoverable: typeof dto.recoverable === 'boolean' ? dto.recoverable : null,
    organizationId: str(dto.organizationId),
    dockerfile: str(dto.buildInfo?.dockerfileContent),
    // Absent only from servers older than sandbox classes; the API's default class is container.
    sandboxClass: str(dto.sandboxClass) ?? 'container',
  };
}

interface SnapshotDto {
  id: string;
  name: string;
  state?: string;
  general?: boolean;
  cpu?: number;
  mem?: number;
  disk?: number;
  imageName?: string;
  createdAt?: string | Date;
}

function toSnapshot(dto: SnapshotDto): Snapshot {
  return {
    id: dto.id,
    name: dto.name,
    state: dto.state ?? 'unknown',
    general: Boolean(dto.general),
    cpu: dto.cpu ?? null,
    memory: dto.mem ?? null,
    disk: dto.disk ?? null,
    imageName: dto.imageName ?? null,
    createdAt: dto.createdAt ? String(dto.createdAt) : null,
  };
}

/**
 * Positions in api-client's generated SandboxApi.listSandboxes(xDaytonaOrganizationID, cursor, limit,
 * id, name, labels, includeErroredDeleted, includeWarm, states, snapshots, …, sort, order, options).
 */
const LIST_ARG = { cursor: 1, limit: 2, name: 4, labels: 5, states: 8, createdAtBefore: 23, lastEventAfter: 24, lastEventBefore: 25, sort: 28, order: 29, options: 30 } as const;

/** The real API holds create/start/recover until started for up to 30 s (sandbox.controller.ts). */
export const API_HOLD_MS = 30_000;

/** Requests in flight at once across all tools (the bulk benchmarks check the API never sees more). */
export const MAX_CONCURRENT_REQUESTS = 16;

export interface SdkGatewayOptions {
  credentials: Credentials;
  /** Per-request deadline; a hung API turns into a timeout error instead of a hung tool. */
  requestTimeoutMs?: number;
  /**
   * How long the API may hold create, start and recover open until the sandbox has started (the real
   * controller waits up to 30 s); those requests get this on top of requestTimeoutMs, so a start that
   * takes 29 s is not reported as timed out. Default API_HOLD_MS.
   */
  apiHoldMs?: number;
  /** Requests in flight at once across all tools. */
  maxConcurrentRequests?: number;
  retry?: RetryPolicy;
  /**
   * The gateway's calls go over its own HTTP/1.1 sockets (http1-client.ts) instead of node:http: about
   * 0.2 ms less per call. Only where nothing patches node:http to reach the network (the MCP server
   * process; not the editor, whose proxy support does), and never with a proxy in the environment.
   */
  ownSockets?: boolean;
}

export async function createSdkGateway(opts: SdkGatewayOptions): Promise<DaytonaGateway> {
  const c = opts.credentials;
  if (!hasCredential(c)) {
    throw new ToolError('auth', 'No Daytona API key is configured.');
  }
  const sdk = await import('@daytonaio/sdk');
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  let daytona: InstanceType<typeof sdk.Daytona>;
  try {
    daytona = new sdk.Daytona({
      apiKey: c.apiKey,
      jwtToken: c.apiKey ? undefined : c.jwtToken,
      organizationId: c.organizationId,
      apiUrl: c.apiUrl,
      target: c.target,
      requestTimeoutMs,
      // No socket.io event stream: we poll, and a stream that cannot connect keeps the process alive.
      useDeprecatedPolling: true,
    });
  } catch (err) {
    throw toToolError(err);
  }
  const api = (daytona as unknown as { sandboxApi?: SandboxApiSlice }).sandboxApi;
  if (!api || typeof api.getSandbox !== 'function') {
    throw new ToolError('unknown', 'This version of @daytonaio/sdk does not expose its SandboxApi; the gateway needs updating.');
  }
  const apiHoldMs = opts.apiHoldMs ?? API_HOLD_MS;
  // Every SDK request, snapshots too; ours get tighter per-call bounds in call(). The longest deadline
  // any call may have is a held one's.
  const axios = (api as unknown as ApiClientBase).axios;
  boundTransport(axios, requestTimeoutMs + apiHoldMs);
  const { callApi, adapter, sockets } = await leanPath(api, axios, opts.ownSockets === true);
  const gateway = new SdkGateway(daytona as unknown as SdkClientSlice, callApi, organizationsApiOver(callApi), opts.maxConcurrentRequests ?? MAX_CONCURRENT_REQUESTS, requestTimeoutMs, opts.retry ?? DEFAULT_RETRY, apiHoldMs, adapter, c.apiUrl);
  if (sockets) gateway.onDispose(() => sockets.close());
  return gateway;
}

/**
 * The gateway's own calls go over the lean transport (lean-transport.ts) and, with it, the lean
 * requester (lean-client.ts) in place of axios' request pipeline. With a proxy in the environment, or
 * an axios whose error classes cannot be found, they stay on the SDK's axios with its plain adapter.
 */
async function leanPath(api: SandboxApiSlice, axios: unknown, ownSockets: boolean): Promise<{ callApi: SandboxApiSlice; adapter: NonNullable<RequestConfig['adapter']>; sockets?: { close(): void } }> {
  // Loaded with the SDK, not at start: node's https (tls, crypto) would cost an idle server ~2 MB.
  const { errorClassesOf, leanAdapter, proxyConfigured } = await import('./lean-transport');
  const classes = proxyConfigured() ? undefined : await errorClassesOf(axios);
  if (!classes) return { callApi: api, adapter: NO_TRANSPORT_RETRY };
  const sockets = ownSockets ? new (await import('./http1-client')).Http1Pool() : undefined;
  const adapter = leanAdapter(classes, sockets);
  const { leanRequester, withDirectRead, withRequester } = await import('./lean-client');
  try {
    const requester = leanRequester(axios as AxiosInstanceLike, adapter as (config: Record<string, unknown>) => Promise<unknown>);
    const callApi = withDirectRead(withRequester(api, requester) as SandboxApiSlice & Parameters<typeof withDirectRead>[0], requester);
    if (typeof callApi.getSandbox === 'function' && typeof callApi.listSandboxes === 'function') return { callApi, adapter, sockets };
  } catch {
    // another api-client: its own axios below
  }
  return { callApi: api, adapter, sockets };
}

interface SdkClientSlice {
  snapshot: {
    list(q: { page?: number; limit?: number }): Promise<{ items: unknown[]; totalPages?: number }>;
    get(idOrName: string): Promise<unknown>;
  };
  /** The SDK's request config; its headers carry the auth the build-log URL needs. */
  clientConfig?: { baseOptions?: { headers?: Record<string, string> } };
  [Symbol.asyncDispose](): Promise<void>;
}

/** Operations the API answers only once the sandbox has started (or after its 30 s hold). */
const HELD_OPERATIONS: ReadonlySet<string> = new Set(['createSandbox', 'startSandbox', 'recoverSandbox']);

const INTERVAL_CALL = {
  autostop: 'setAutostopInterval',
  autoarchive: 'setAutoArchiveInterval',
  autodelete: 'setAutoDeleteInterval',
} as const satisfies Record<IntervalKind, keyof SandboxApiSlice>;

function previewLink(what: string, data: unknown): PreviewLink {
  const link = expectShape<{ url: string; token?: string }>(what, data, (o) => typeof o.url === 'string' && o.url !== '');
  return { url: link.url, token: typeof link.token === 'string' ? link.token : '' };
}

class SdkGateway implements DaytonaGateway {
  private readonly limiter: Semaphore;
  /** One per gateway: the budget is the organisation's, shared by every tool and the tree's polls. */
  private readonly pacer = new RatePacer();
  /** Per organisation: its per-sandbox maxima and when they were read (see SANDBOX_LIMITS_TTL_MS). */
  private readonly limits = new Map<string, { at: number; rows: Promise<SandboxLimits[]> }>();

  constructor(
    private readonly daytona: SdkClientSlice,
    private readonly api: SandboxApiSlice,
    private readonly organizationsApi: OrganizationsApiSlice,
    maxConcurrent: number,
    private readonly requestTimeoutMs: number,
    private readonly retry: RetryPolicy,
    private readonly apiHoldMs: number,
    private readonly adapter: NonNullable<RequestConfig['adapter']>,
    private readonly apiUrl?: string,
  ) {
    this.limiter = new Semaphore(maxConcurrent);
  }

  /**
   * One API request: paced by the announced rate-limit budget (rate-pacer.ts), capped concurrency,
   * each attempt bounded whole (api-bounds.ts: body time and size, not only the socket's idleness),
   * errors mapped, retried when safe. `operation` names the API operation, whose throttlers the pacer
   * learns from the answers.
   */
  private call<T>(operation: string, idempotent: boolean, opts: CallOptions | undefined, fn: (cfg: RequestConfig) => Promise<T>): Promise<T> {
    // The API may hold these until the sandbox has started: their deadline starts after the hold.
    const deadlineMs = this.requestTimeoutMs + (HELD_OPERATIONS.has(operation) ? this.apiHoldMs : 0);
    const attempt = async (): Promise<T> => {
      for (;;) {
        // Wait for budget outside the request slots (waiting deletes must not starve reads), then take
        // it inside one: only requests about to be sent may draw on it; none left, the slot goes back.
        await this.pacer.ready(operation, opts?.signal);
        const outcome = await this.limiter.run(async (): Promise<{ value: T } | undefined> => {
          const release = this.pacer.take(operation);
          if (!release) return undefined;
          const bounded = boundRequest(opts?.signal, deadlineMs);
          const cfg: RequestConfig = { ...bounded.cfg, adapter: this.adapter };
          try {
            const res = await fn(cfg);
            release((res as { headers?: unknown } | undefined)?.headers);
            return { value: res };
          } catch (err) {
            const e = err as { headers?: unknown; statusCode?: unknown } | undefined;
            release(e?.headers, typeof e?.statusCode === 'number' ? e.statusCode : undefined);
            const cut = bounded.explain(err);
            if (cut) throw cut;
            // axios reports an aborted request as a connection error; say what really happened.
            if (opts?.signal?.aborted) throw new ToolError('cancelled', 'The operation was cancelled.');
            throw toToolError(err);
          } finally {
            bounded.done();
          }
        });
        if (outcome) return outcome.value;
      }
    };
    return withRetry(attempt, { ...this.retry, idempotent, signal: opts?.signal, budget: opts?.retryBudget });
  }

  async listPage(q: ApiListQuery, opts?: CallOptions): Promise<ApiPage> {
    const labels = q.labels && Object.keys(q.labels).length ? JSON.stringify(q.labels) : undefined;
    const res = await this.call('listSandboxes', true, opts, (cfg) => {
      const args: unknown[] = new Array(LIST_ARG.options + 1).fill(undefined);
      args[LIST_ARG.cursor] = q.cursor;
      args[LIST_ARG.limit] = q.limit;
      args[LIST_ARG.name] = q.namePrefix;
      args[LIST_ARG.labels] = labels;
      args[LIST_ARG.states] = q.states?.length ? q.states : undefined;
      args[LIST_ARG.createdAtBefore] = q.createdBefore;
      args[LIST_ARG.lastEventBefore] = q.lastActivityBefore;
      args[LIST_ARG.lastEventAfter] = q.lastEventAfter ? new Date(q.lastEventAfter) : undefined;
      // The API's default order is last activity: a sandbox with activity while we page moves to the
      // front and would be skipped or repeated. Creation time never changes.
      args[LIST_ARG.sort] = 'createdAt';
      args[LIST_ARG.order] = 'desc';
      args[LIST_ARG.options] = cfg;
      return this.api.listSandboxes(...args);
    });
    const page = expectShape<{ items: SandboxDto[]; nextCursor?: string | null }>('the sandbox list', res.data, (o) => Array.isArray(o.items));
    return { items: page.items.map(toSandboxDetails), nextCursor: page.nextCursor || null };
  }

  async get(idOrName: string, opts?: CallOptions): Promise<SandboxDetails> {
    const res = await this.call('getSandbox', true, opts, (cfg) => this.api.getSandbox(idOrName, undefined, undefined, cfg));
    // Whatever answered 200 must be a sandbox: never act on an id we did not get from the API.
    return toSandboxDetails(expectShape<SandboxDto>(`sandbox ${idOrName}`, res.data, (o) => typeof o.id === 'string' && o.id !== ''));
  }

  async create(p: CreateParams, opts?: CallOptions): Promise<SandboxDetails> {
    const labels = { ...p.labels };
    if (p.language) labels[LANGUAGE_LABEL] = p.language;
    const body = {
      name: p.name,
      snapshot: p.snapshot,
      buildInfo: p.dockerfile ? { dockerfileContent: p.dockerfile } : undefined,
      env: p.env ?? {},
      labels,
      public: p.public,
      target: (this.daytona as unknown as { target?: string }).target,
      cpu: p.cpu,
      memory: p.memory,
      disk: p.disk,
      autoStopInterval: p.autoStopMinutes,
      autoArchiveInterval: p.autoArchiveMinutes,
      autoDeleteInterval: p.autoDeleteMinutes,
    };
    // Not idempotent: a retry after an ambiguous failure could create a twin (see create tool).
    const res = await this.call('createSandbox', false, opts, (cfg) => this.api.createSandbox(body, undefined, cfg));
    return toSandboxDetails(expectShape<SandboxDto>('the create request', res.data, (o) => typeof o.id === 'string' && o.id !== ''));
  }

  async start(id: string, opts?: CallOptions): Promise<void> {
    await this.call('startSandbox', true, opts, (cfg) => this.api.startSandbox(id, undefined, cfg));
  }

  async stop(id: string, force: boolean, opts?: CallOptions): Promise<void> {
    await this.call('stopSandbox', true, opts, (cfg) => this.api.stopSandbox(id, undefined, force || undefined, cfg));
  }

  async archive(id: string, opts?: CallOptions): Promise<void> {
    await this.call('archiveSandbox', true, opts, (cfg) => this.api.archiveSandbox(id, undefined, cfg));
  }

  async delete(id: string, opts?: CallOptions): Promise<void> {
    try {
      await this.call('deleteSandbox', true, opts, (cfg) => this.api.deleteSandbox(id, undefined, cfg));
    } catch (err) {
      // A lost answer (reset, timeout, 5xx), or a retry that finds it gone (404) or still on its way
      // out (refused: a state change in progress — the first request's), says nothing about whether
      // the first request worked: ask the API before reporting.
      const e = toToolError(err);
      if (!['not_found', 'network', 'timeout', 'invalid_state', 'conflict'].includes(e.kind) || opts?.signal?.aborted) throw e;
      if (await this.isGone(id, opts)) return;
      throw e;
    }
  }

  /** True when the sandbox no longer exists or is on its way out. */
  private async isGone(id: string, opts?: CallOptions): Promise<boolean> {
    try {
      const s = await this.get(id, opts);
      return s.state === 'destroying' || s.state === 'destroyed';
    } catch (err) {
      return toToolError(err).kind === 'not_found';
    }
  }

  async replaceLabels(id: string, labels: Record<string, string>, opts?: CallOptions): Promise<Record<string, string>> {
    const res = await this.call('replaceLabels', true, opts, (cfg) => this.api.replaceLabels(id, { labels }, undefined, cfg));
    return res.data.labels ?? labels;
  }

  async listSnapshots(opts?: CallOptions): Promise<Snapshot[]> {
    const all: Snapshot[] = [];
    for (let page = 1; page <= 20; page++) {
      const res = await this.call('getAllSnapshots', true, opts, () => this.daytona.snapshot.list({ page, limit: 100 }));
      all.push(...(res.items as SnapshotDto[]).map(toSnapshot));
      if (!res.totalPages || page >= res.totalPages) break;
    }
    return all;
  }

  async getSnapshot(idOrName: string, opts?: CallOptions): Promise<Snapshot> {
    const res = await this.call('getSnapshot', true, opts, () => this.daytona.snapshot.get(idOrName));
    return toSnapshot(expectShape<SnapshotDto>(`snapshot ${idOrName}`, res, (o) => typeof o.id === 'string' && typeof o.name === 'string'));
  }

  async fork(id: string, name: string | undefined, opts?: CallOptions): Promise<SandboxDetails> {
    // Not idempotent: a retry after a lost answer could fork twice.
    const res = await this.call('forkSandbox', false, opts, (cfg) => this.api.forkSandbox(id, { name }, undefined, cfg));
    return toSandboxDetails(expectShape<SandboxDto>('the fork request', res.data, (o) => typeof o.id === 'string' && o.id !== ''));
  }

  async createSnapshot(id: string, name: string, opts?: CallOptions): Promise<void> {
    await this.call('createSandboxSnapshot', false, opts, (cfg) => this.api.createSandboxSnapshot(id, { name }, undefined, cfg));
  }

  async resize(id: string, resources: Partial<Resources>, opts?: CallOptions): Promise<void> {
    await this.call('resizeSandbox', false, opts, (cfg) => this.api.resizeSandbox(id, resources, undefined, cfg));
  }

  async setInterval(id: string, kind: IntervalKind, minutes: number, opts?: CallOptions): Promise<void> {
    await this.call(INTERVAL_CALL[kind], true, opts, (cfg) => this.api[INTERVAL_CALL[kind]](id, minutes, undefined, cfg));
  }

  async setPublic(id: string, isPublic: boolean, opts?: CallOptions): Promise<void> {
    await this.call('updatePublicStatus', true, opts, (cfg) => this.api.updatePublicStatus(id, isPublic, undefined, cfg));
  }

  async recover(id: string, opts?: CallOptions): Promise<void> {
    await this.call('recoverSandbox', false, opts, (cfg) => this.api.recoverSandbox(id, undefined, undefined, cfg));
  }

  async previewLink(id: string, port: number, opts?: CallOptions): Promise<PreviewLink> {
    const res = await this.call('getPortPreviewUrl', true, opts, (cfg) => this.api.getPortPreviewUrl(id, port, undefined, cfg));
    return previewLink('the preview URL', res.data);
  }

  async signedPreviewLink(id: string, port: number, expiresInSeconds: number, opts?: CallOptions): Promise<PreviewLink> {
    const res = await this.call('getSignedPortPreviewUrl', true, opts, (cfg) => this.api.getSignedPortPreviewUrl(id, port, undefined, expiresInSeconds, cfg));
    return previewLink('the signed preview URL', res.data);
  }

  sandboxLimits(organizationId: string, opts?: CallOptions): Promise<SandboxLimits[]> {
    const cached = this.limits.get(organizationId);
    if (cached && Date.now() - cached.at < SANDBOX_LIMITS_TTL_MS) return cached.rows;
    // An optional read (callers go on without it): no retries of its own beyond the rate limit's.
    const rows = this.call('getOrganizationUsageOverview', true, { signal: opts?.signal, retryBudget: { left: 0, size: 0 } }, (cfg) =>
      this.organizationsApi.getOrganizationUsageOverview(organizationId, cfg),
    ).then((res) => {
      const usage = expectShape<{ regionUsage: RegionUsageDto[] }>('the organisation usage', res.data, (o) => Array.isArray(o.regionUsage));
      return usage.regionUsage.filter((row): row is RegionUsageDto => typeof row === 'object' && row !== null).map(toSandboxLimits);
    });
    const entry = { at: Date.now(), rows };
    this.limits.set(organizationId, entry);
    // A failed read is not kept: the next caller asks again.
    rows.catch(() => {
      if (this.limits.get(organizationId) === entry) this.limits.delete(organizationId);
    });
    return rows;
  }

  async buildLog(id: string, opts?: CallOptions): Promise<string> {
    const res = await this.call('getBuildLogsUrl', true, opts, (cfg) => this.api.getBuildLogsUrl(id, undefined, cfg));
    const { url } = expectShape<{ url: string }>('the build log URL', res.data, (o) => typeof o.url === 'string' && o.url !== '');
    // The log is served as text by the API's proxy, with the same auth headers as the API (as the SDK
    // does) — but only where credentials may go (credential-scope.ts): the URL is the API's word.
    return this.call('buildLogs', true, opts, async (cfg) => {
      const answer = await fetch(url, {
        headers: mayCarryCredentials(url, this.apiUrl) ? (this.daytona.clientConfig?.baseOptions?.headers ?? {}) : {},
        signal: cfg.signal,
        redirect: 'manual', // a redirect would carry the headers on to wherever it points
      });
      const text = await readBoundedTail(answer, cfg.signal as AbortSignal);
      if (!answer.ok) throw Object.assign(new Error(`Build log: ${answer.status} ${text.slice(0, 200)}`), { statusCode: answer.status });
      return text;
    });
  }

  private readonly disposers: Array<() => void> = [];

  onDispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  async dispose(): Promise<void> {
    for (const fn of this.disposers.splice(0)) fn();
    await this.daytona[Symbol.asyncDispose]();
  }
}
