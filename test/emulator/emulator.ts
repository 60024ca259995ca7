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
import { matchRoute, type FeatureFlag } from './routes';
import { RateLimiter, type RateLimitOption } from './rate-limit';
import { attachEventStream } from './events';
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
export { numberedSeed } from './seed';
export type * from './types';
export type { RateLimitOption, ThrottlerLimit, ThrottlerName } from './rate-limit';
export type { FeatureFlag } from './routes';

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

  // real-server rules: limits, transitions, fork, snapshot, resize
  // Each defaults to what the real API does; a test that needs a kinder server says so here.
  /**
   * Rate limits per organisation and route (rate-limit.ts): named throttlers, `X-RateLimit-*-<name>`
   * on every answer, 429 with `Retry-After-<name>`. Default: the documented cloud limits; `false`: none.
   */
  rateLimits?: RateLimitOption;
  /**
   * Hold create, start and recover open until the sandbox has started (at most 30 s), as the real
   * controller does (not for image builds or restores from archive). Default true; false answers
   * at once in `creating`/`starting`.
   */
  holdUntilStarted?: boolean;
  /** Only `linux-vm`/`windows` sandboxes without GPU fork, else 422. Default true; false lets any fork. */
  forkNeedsVm?: boolean;
  /**
   * A sandbox's snapshot row appears (already `active`) only when the job is done, after the sandbox
   * is back; a failed job (fault `failSnapshotJobs`) leaves none. Default true; false lists it at
   * once as `snapshotting`.
   */
  snapshotRowWhenDone?: boolean;
  /** Organisation feature flags; all off by default, so POST …/resize is Nest's 404 `Cannot POST …`. */
  featureFlags?: Partial<Record<FeatureFlag, boolean>>;
  /**
   * Serve the live event stream (socket.io at /api/socket.io/) like the real API. Default true; false
   * emulates a network or an API version without it (the socket.io handshake then gets a 404).
   */
  events?: boolean;

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
  /** Event-stream clients connected now (0 when `events: false`). */
  eventClients(): number;
  /** Drops every event-stream client; they reconnect by themselves. */
  dropEventClients(): void;
  /** Event-stream handshakes so far, refused ones included. */
  eventHandshakes(): number;
  /** Disconnects event-stream clients from the server side (not retried by socket.io); `always`: every later one too. */
  kickEventClients(opts?: { always?: boolean }): void;
  /** Switches organisation feature flags from now on (e.g. `sandbox_resize`). */
  setFeatureFlags(flags: Partial<Record<FeatureFlag, boolean>>): void;
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
    forkNeedsVm: opts.forkNeedsVm ?? true,
    snapshotRowWhenDone: opts.snapshotRowWhenDone ?? true,
    snapshotJobFails: () => faults.describe().spec.failSnapshotJobs === true,
  });
  const faults = new FaultEngine(opts.latencyMs ?? 0);
  const rateLimiter = new RateLimiter(opts.rateLimits, now);
  const holdUntilStarted = opts.holdUntilStarted ?? true;
  const featureFlags: Partial<Record<FeatureFlag, boolean>> = { ...opts.featureFlags };
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
    const finish = stats.begin(method, path, typeof org === 'string' ? org : undefined, url.search || undefined);
    let routeKey = `${method} (unmatched)`;
    res.on('close', () => finish(routeKey, res.writableFinished ? res.statusCode : 0));

    const inApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
    const found = inApi ? matchRoute(method, path.slice(API_PREFIX.length)) : undefined;
    // A route behind a feature flag that is off does not exist: Nest answers its own 404.
    const match = found && (!found.route.featureFlag || featureFlags[found.route.featureFlag]) ? found : undefined;
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
    // Throttled after authentication, per organisation (a token login names it in a header).
    const rate = match.route.auth
      ? rateLimiter.hit(typeof org === 'string' ? org : organizationId, `${method} ${match.route.pattern}`)
      : { headers: {} };
    if (rate.refusedBy) {
      return sendError(res, req, new ApiError(429, 'ThrottlerException: Too Many Requests'), rate.headers);
    }
    try {
      let result: ReturnType<typeof match.route.handle>;
      // An API that ignores its list filters (fault) answers as if they were not sent.
      const query = method === 'GET' && match.route.pattern === '/sandbox' ? faults.listQuery(url.searchParams) : url.searchParams;
      try {
        result = match.route.handle({ store, params: match.params, query, body, origin });
      } finally {
        store.commit(); // what the request changed reaches the list's index (listLagMs later)
        if (method !== 'GET') events?.changed();
      }
      let payload = result.body;
      if (holdUntilStarted && result.startedAt) {
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
          ...rate.headers,
        });
        res.end(text);
        return;
      }
      sendJson(res, result.status, payload, rate.headers);
    } catch (err) {
      sendError(res, req, err, rate.headers);
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
      events?.rebaseline();
      faults.clear();
      stats.reset();
      rateLimiter.reset();
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

  /**
   * Stand-ins for what the real service serves beside its API, so links the product opens (Open
   * Preview…, Open Dashboard) lead to a page, not a JSON 404: the preview proxy's
   * `/preview/<port>-<sandbox id or token>` and the dashboard. HTML, no scripts, every value escaped.
   */
  function webPage(url: URL): { status: number; html: string } | undefined {
    const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const page = (title: string, body: string) =>
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:sans-serif;margin:2em"><h1>${esc(title)}</h1>${body}<p><small>Served by the Daytona API emulator (npm start's demo).</small></p></body></html>`;
    const preview = /^\/preview\/(\d{1,5})-([A-Za-z0-9_-]{1,200})\/?/.exec(url.pathname);
    if (preview) {
      const [, port, key] = preview as unknown as [string, string, string];
      const sandbox = store.all().find((rec) => rec.id === key);
      const what = sandbox ? `sandbox <b>${esc(sandbox.name)}</b> (${esc(sandbox.state)})` : 'a sandbox (signed link)';
      return { status: 200, html: page(`Preview: port ${port}`, `<p>This is where ${what} would show what it serves on port ${esc(port)}. The emulator runs no code, so this page stands in for your app.</p>`) };
    }
    if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')) {
      const rows = store.all().filter((rec) => !rec.name.startsWith('DESTROYED_')).map((rec) => `<tr><td>${esc(rec.name)}</td><td>${esc(rec.state)}</td><td>${rec.cpu} CPU / ${rec.memory} GiB / ${rec.disk} GiB</td></tr>`);
      return { status: 200, html: page('Daytona dashboard (emulator)', `<p>The real dashboard is at app.daytona.io; here are the emulator's sandboxes.</p><table>${rows.join('')}</table>`) };
    }
    return undefined;
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const web = req.method === 'GET' ? webPage(url) : undefined;
    if (web) {
      res.writeHead(web.status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
      res.end(web.html);
      return;
    }
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
  const events =
    opts.events === false
      ? undefined
      : attachEventStream({
          server,
          path: `${API_PREFIX}/socket.io/`,
          isAuthorized: (token) => apiKeys.has(token),
          records: () => store.all(),
          toDto: (rec) => toSandboxDto(rec, `${origin}/toolbox`),
        });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      closing = true;
      void events?.close();
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
    eventClients: () => events?.clients() ?? 0,
    dropEventClients: () => events?.dropClients(),
    eventHandshakes: () => events?.handshakes() ?? 0,
    kickEventClients: (opts) => events?.kickClients(opts),
    setFeatureFlags: (flags) => Object.assign(featureFlags, flags),
  };
}
