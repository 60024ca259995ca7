// Daytona API emulator: a plain node:http server that the unmodified @daytonaio/sdk talks to.
// Lifecycle rules live in store.ts/lifecycle.ts, the REST surface in routes.ts, fault injection in
// faults.ts and the cross-process control API in control.ts; this file wires them to HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CONTROL_PREFIX, handleControl, type ControlTarget, type EmulatorSandboxView, type SeedOption } from './control';
import { toSandboxDto, type SandboxDto } from './dto';
import { ApiError, errorBody } from './errors';
import { FaultEngine } from './faults';
import { readJson, sendJson } from './http-util';
import { resolveDurations } from './lifecycle';
import { matchRoute } from './routes';
import { demoSeed } from './seed';
import { seedSnapshots } from './snapshots';
import { StatsRecorder } from './stats';
import { SandboxStore } from './store';
import type {
  EmulatorStats,
  FaultSpec,
  QuotaOptions,
  ResolvedQuota,
  SeedSandbox,
  TransitionMsOption,
} from './types';

export type { EmulatorSandboxView, SeedOption } from './control';
export type { SandboxDto } from './dto';
export type * from './types';

/** The key the emulator accepts when no `apiKeys` are given. */
export const DEFAULT_API_KEY = 'dtn_emulator_0123456789abcdef';
export const DEFAULT_ORGANIZATION_ID = '7f3c2a10-5b1e-4c8d-9a6f-0e2d4b8c1a77';
const API_PREFIX = '/api';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Accepted `Authorization: Bearer` keys (default [DEFAULT_API_KEY]). */
  apiKeys?: string[];
  /** Initial sandboxes: 'demo' (8 sandboxes in assorted states), 'none' (default) or a list. */
  seed?: SeedOption;
  /** Lifecycle transition durations in ms (default 300; restore 3×). */
  transitionMs?: TransitionMsOption;
  /** Latency added to every /api response (default 0). */
  latencyMs?: number;
  quota?: QuotaOptions;
  /** Clock for lifecycle transitions and timestamps (default Date.now). */
  now?: () => number;
  /** Valid `target` regions; the first is the default (default ['us', 'eu']). */
  targets?: string[];
  organizationId?: string;
  /** Faults active from the start. */
  faults?: FaultSpec;
  /**
   * Hold POST /sandbox and POST /start open until the sandbox has started (at most 30 s), as
   * some API versions do server-side. Default false: answer at once in `creating`/`starting`.
   */
  holdUntilStarted?: boolean;

  // real-server rules: listing and deleting
  /**
   * How far `GET /sandbox` lags behind `GET /sandbox/{id}`, in ms (default 500; 0 = always current).
   * The real list is served from a search index ("Eventually consistent"); a new sandbox is missing,
   * a deleted one still listed and states are old for this long.
   */
  listLagMs?: number;
  /** `GET /sandbox`'s order when the request names none (default 'lastActivityAt', descending, as the real API). */
  defaultListSort?: 'lastActivityAt' | 'createdAt';
  /**
   * How long after `DELETE` a sandbox keeps its state (desiredState destroyed, renamed
   * `DESTROYED_<name>_<ms>`) before it turns `destroying` (default: the delete transition time;
   * 0 = `destroying` at once, the kind old behaviour).
   */
  deleteLagMs?: number;
}

/** Default of `listLagMs`; see the README ("Real-server rules") for why 500. */
export const DEFAULT_LIST_LAG_MS = 500;

export interface Emulator {
  /** Pass as `apiUrl` to the SDK, e.g. http://127.0.0.1:PORT/api */
  readonly url: string;
  /** Control API base, e.g. http://127.0.0.1:PORT/_emulator */
  readonly controlUrl: string;
  readonly port: number;
  /** The first accepted API key, for convenience. */
  readonly apiKey: string;
  readonly organizationId: string;
  /** Stops the server and drops every connection, including hung requests. */
  close(): Promise<void>;
  /** Current sandboxes (transitions applied), with their pending transition if any. */
  sandboxes(): EmulatorSandboxView[];
  /** Inserts a sandbox directly in the given state. */
  seedSandbox(seed: SeedSandbox): SandboxDto;
  /** Drops all sandboxes, re-applies the seed (default: the initial one), clears faults and stats, restores keys. */
  reset(seed?: SeedOption): void;
  setApiKeys(keys: string[]): void;
  setFaults(spec: FaultSpec): void;
  clearFaults(): void;
  stats(): EmulatorStats;
  resetStats(): void;
}

function resolveQuota(q: QuotaOptions = {}): ResolvedQuota {
  return {
    cpu: q.cpu ?? 100,
    memory: q.memory ?? 200,
    disk: q.disk ?? 1000,
    maxCpuPerSandbox: q.maxCpuPerSandbox ?? 4,
    maxMemoryPerSandbox: q.maxMemoryPerSandbox ?? 8,
    maxDiskPerSandbox: q.maxDiskPerSandbox ?? 10,
  };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const now = opts.now ?? Date.now;
  const organizationId = opts.organizationId ?? DEFAULT_ORGANIZATION_ID;
  const initialKeys = opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [DEFAULT_API_KEY];
  const initialSeed: SeedOption = opts.seed ?? 'none';
  let apiKeys = new Set(initialKeys);
  let origin = 'http://127.0.0.1:0'; // set once listening

  const snapshots = seedSnapshots(organizationId, now());
  const durations = resolveDurations(opts.transitionMs);
  const store = new SandboxStore({
    organizationId,
    now,
    durations,
    listLagMs: opts.listLagMs ?? DEFAULT_LIST_LAG_MS,
    deleteLagMs: opts.deleteLagMs ?? durations.delete,
    defaultListSort: opts.defaultListSort ?? 'lastActivityAt',
    quota: resolveQuota(opts.quota),
    snapshots,
    targets: opts.targets && opts.targets.length > 0 ? opts.targets : ['us', 'eu'],
    dashboardUrl: 'https://app.daytona.io/dashboard',
  });
  const faults = new FaultEngine(opts.latencyMs ?? 0);
  const stats = new StatsRecorder();

  const applySeed = (seed: SeedOption): void => {
    const list = seed === 'demo' ? demoSeed(now()) : seed === 'none' ? [] : seed;
    for (const s of list) store.seed(s);
  };
  applySeed(initialSeed);
  if (opts.faults) faults.set(opts.faults);

  // Everything that could outlive close(): sockets, hung responses, latency sleeps.
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              sleepers.delete(entry);
              resolve();
            }, ms),
            resolve,
          };
          sleepers.add(entry);
        });

  const sendError = (res: ServerResponse, req: IncomingMessage, err: unknown, headers?: Record<string, string>) => {
    const e = err instanceof ApiError ? err : new ApiError(500, 'An unexpected error occurred.');
    if (!(err instanceof ApiError)) console.error('[emulator] unexpected error', err);
    const body = errorBody(e.status, e.message, { method: req.method ?? 'GET', url: req.url ?? '/' }, e.code);
    sendJson(res, e.status, body, headers);
  };

  const isAuthorized = (req: IncomingMessage): boolean => {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1] !== undefined && apiKeys.has(match[1].trim());
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const org = req.headers['x-daytona-organization-id'];
    const finish = stats.begin(method, path, typeof org === 'string' ? org : undefined);
    let routeKey = `${method} (unmatched)`;
    res.on('close', () => finish(routeKey, res.writableFinished ? res.statusCode : 0));

    const inApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
    const match = inApi ? matchRoute(method, path.slice(API_PREFIX.length)) : undefined;
    if (match) routeKey = `${method} ${API_PREFIX}${match.route.pattern}`;

    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      return sendError(res, req, err);
    }

    const decision = faults.decide(method, path);
    if (decision.kind === 'hang') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    await sleep(decision.delayMs);
    if (closing || res.destroyed) return;

    if (decision.kind === 'fail') {
      const headers: Record<string, string> =
        decision.retryAfterSec !== undefined ? { 'retry-after': String(decision.retryAfterSec) } : {};
      if (decision.body !== undefined) return sendJson(res, decision.status, decision.body, headers);
      return sendError(res, req, new ApiError(decision.status, decision.message), headers);
    }

    if (!match) {
      // Toolbox calls go to the sandbox's toolboxProxyUrl, which points here; say so plainly.
      const message = path.startsWith('/toolbox')
        ? 'The toolbox API (files, processes, git) is not emulated'
        : `Cannot ${method} ${path}`;
      return sendError(res, req, new ApiError(path.startsWith('/toolbox') ? 501 : 404, message));
    }
    if (match.route.auth && !isAuthorized(req)) {
      return sendError(res, req, new ApiError(401, 'Invalid API key'));
    }
    try {
      let result: ReturnType<typeof match.route.handle>;
      try {
        result = match.route.handle({ store, params: match.params, query: url.searchParams, body, origin });
      } finally {
        store.commit(); // what the request changed reaches the list's index (listLagMs later)
      }
      let payload = result.body;
      if (opts.holdUntilStarted && result.startedAt) {
        // Timers can fire a millisecond before the clock says the transition is due; rendered early, the
        // sandbox would still be "creating" and the SDK would poll. A few rounds at most (fake clocks).
        const due = Math.min(result.startedAt.at, now() + 30_000);
        for (let round = 0; round < 3 && now() < due; round++) await sleep(Math.max(1, due - now()));
        if (closing || res.destroyed) return;
        payload = result.startedAt.render();
      }
      if (result.text) {
        const text = String(payload);
        res.writeHead(result.status, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': String(Buffer.byteLength(text)),
        });
        res.end(text);
        return;
      }
      sendJson(res, result.status, payload);
    } catch (err) {
      sendError(res, req, err);
    }
  }

  const control: ControlTarget = {
    sandboxes: () =>
      store.all().map((rec) => ({
        ...toSandboxDto(rec, `${origin}/toolbox`),
        transition: rec.transition ? { to: rec.transition.to, at: new Date(rec.transition.at).toISOString() } : null,
      })),
    seedSandbox: (seed) => toSandboxDto(store.seed(seed), `${origin}/toolbox`),
    reset: (seed) => {
      store.clear();
      applySeed(seed ?? initialSeed);
      faults.clear();
      stats.reset();
      apiKeys = new Set(initialKeys);
    },
    setFaults: (spec) => faults.set(spec),
    clearFaults: () => faults.clear(),
    describeFaults: () => faults.describe(),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setApiKeys: (keys) => {
      apiKeys = new Set(keys);
    },
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const handler =
      url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)
        ? handleControl(control, req, res)
        : handleApi(req, res, url);
    handler.catch((err: unknown) => sendError(res, req, err));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      closing = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      sleepers.clear();
      server.close(() => resolve());
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }));

  return {
    url: `${origin}${API_PREFIX}`,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    port,
    apiKey: initialKeys[0] ?? DEFAULT_API_KEY,
    organizationId,
    close,
    sandboxes: control.sandboxes,
    seedSandbox: control.seedSandbox,
    reset: control.reset,
    setApiKeys: control.setApiKeys,
    setFaults: control.setFaults,
    clearFaults: control.clearFaults,
    stats: control.stats,
    resetStats: control.resetStats,
  };
}
