// The emulated REST surface under /api: a route table and its handlers. Handlers are
// synchronous and throw ApiError; emulator.ts does auth, faults, stats and HTTP plumbing.
import { randomBytes } from 'node:crypto';
import { configDto, toListItem, toSandboxDto } from './dto';
import { badRequest } from './errors';
import { parseListQuery } from './query';
import { DEFAULT_SNAPSHOT, getSnapshot, listSnapshots } from './snapshots';
import { MAX_AUTO_ARCHIVE_INTERVAL, type SandboxStore } from './store';
import type { SandboxRecord } from './types';

export interface RouteContext {
  store: SandboxStore;
  /** Bound path parameters, already URI-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** Sent as text/plain instead of JSON (build logs). */
  text?: boolean;
  /**
   * Set by create/start while the sandbox is on its way to `started`: when it gets there (clock
   * ms) and how to re-render the body. Used by the `holdUntilStarted` option.
   */
  startedAt?: { at: number; render: () => unknown };
}

export interface Route {
  method: string;
  /** Relative to /api; `:name` segments bind one path segment. */
  pattern: string;
  auth: boolean;
  /** Served only when this feature flag is on; otherwise the route does not exist (Nest's 404). */
  featureFlag?: FeatureFlag;
  handle(ctx: RouteContext): RouteResult;
}

/** Feature flags the real API consults per organisation (OpenFeature); all default off. */
export type FeatureFlag = 'sandbox_resize';

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const dto = (ctx: RouteContext, rec: SandboxRecord): RouteResult => ok(toSandboxDto(rec, toolboxUrl(ctx)));

/** Ports the proxy serves, as the real API validates them. */
function parsePort(ctx: RouteContext): number {
  const port = Number(param(ctx, 'port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest('port must be an integer between 1 and 65535');
  return port;
}

/** Preview URLs follow the config's proxyTemplateUrl: {origin}/preview/{port}-{sandboxId or token}. */
const previewUrl = (ctx: RouteContext, port: number, key: string): string => `${ctx.origin}/preview/${port}-${key}`;
const newToken = (): string => randomBytes(12).toString('hex');

/**
 * A full-DTO answer for create/start/recover, re-renderable once the sandbox has started. The real
 * controller waits (waitForSandboxStarted, 30 s) except for image builds and restores from archive.
 */
function sandboxResult(ctx: RouteContext, rec: SandboxRecord): RouteResult {
  const render = () => toSandboxDto(ctx.store.find(rec.id), toolboxUrl(ctx));
  const t = rec.transition;
  const held = t?.to === 'started' && rec.state !== 'restoring' && !rec.buildInfo;
  return {
    status: 200,
    body: toSandboxDto(rec, toolboxUrl(ctx)),
    ...(held && { startedAt: { at: t.at, render } }),
  };
}
const toolboxUrl = (ctx: RouteContext): string => `${ctx.origin}/toolbox`;
const param = (ctx: RouteContext, name: string): string => ctx.params[name] ?? '';

function parseForce(query: URLSearchParams): boolean {
  const raw = query.get('force');
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw badRequest('force must be a boolean value');
}

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/sandbox',
    auth: true,
    handle: (ctx) => {
      // The real controller waits for the start, then answers with the DTO it had before waiting.
      const result = sandboxResult(ctx, ctx.store.create(ctx.body));
      return result.startedAt ? { ...result, startedAt: { ...result.startedAt, render: () => result.body } } : result;
    },
  },
  {
    method: 'GET',
    pattern: '/sandbox',
    auth: true,
    handle: (ctx) => {
      const page = ctx.store.list(parseListQuery(ctx.query, ctx.store.defaultListSort));
      return ok({ items: page.items.map((r) => toListItem(r, toolboxUrl(ctx))), nextCursor: page.nextCursor });
    },
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName',
    auth: true,
    handle: (ctx) => ok(toSandboxDto(ctx.store.find(param(ctx, 'idOrName')), toolboxUrl(ctx))),
  },
  {
    method: 'DELETE',
    pattern: '/sandbox/:idOrName',
    auth: true,
    handle: (ctx) => ok(toSandboxDto(ctx.store.delete(param(ctx, 'idOrName')), toolboxUrl(ctx))),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/start',
    auth: true,
    handle: (ctx) => sandboxResult(ctx, ctx.store.start(param(ctx, 'idOrName'))),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/stop',
    auth: true,
    handle: (ctx) => {
      parseForce(ctx.query); // validated like the real API; a force stop lands in the same state
      return ok(toSandboxDto(ctx.store.stop(param(ctx, 'idOrName')), toolboxUrl(ctx)));
    },
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/archive',
    auth: true,
    handle: (ctx) => ok(toSandboxDto(ctx.store.archive(param(ctx, 'idOrName')), toolboxUrl(ctx))),
  },
  {
    method: 'PUT',
    pattern: '/sandbox/:idOrName/labels',
    auth: true,
    handle: (ctx) => ok({ labels: ctx.store.replaceLabels(param(ctx, 'idOrName'), ctx.body) }),
  },
  {
    method: 'GET',
    pattern: '/sandbox/:sandboxId/toolbox-proxy-url',
    auth: true,
    handle: (ctx) => {
      ctx.store.findById(param(ctx, 'sandboxId'));
      return ok({ url: toolboxUrl(ctx) });
    },
  },
  ...(['autostop', 'autoarchive', 'autodelete'] as const).map(
    (kind): Route => ({
      method: 'POST',
      pattern: `/sandbox/:idOrName/${kind}/:interval`,
      auth: true,
      handle: (ctx) =>
        ok(toSandboxDto(ctx.store.setInterval(param(ctx, 'idOrName'), kind, param(ctx, 'interval')), toolboxUrl(ctx))),
    }),
  ),
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/fork',
    auth: true,
    handle: (ctx) => dto(ctx, ctx.store.fork(param(ctx, 'idOrName'), ctx.body)),
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName/parent',
    auth: true,
    handle: (ctx) => dto(ctx, ctx.store.parent(param(ctx, 'idOrName'))),
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName/forks',
    auth: true,
    handle: (ctx) => {
      const rec = ctx.store.find(param(ctx, 'idOrName'));
      return ok(ctx.store.liveForks(rec.id).map((r) => toSandboxDto(r, toolboxUrl(ctx))));
    },
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/snapshot',
    auth: true,
    handle: (ctx) => dto(ctx, ctx.store.createSnapshot(param(ctx, 'idOrName'), ctx.body)),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/resize',
    auth: true,
    featureFlag: 'sandbox_resize',
    handle: (ctx) => dto(ctx, ctx.store.resize(param(ctx, 'idOrName'), ctx.body)),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/public/:isPublic',
    auth: true,
    handle: (ctx) => dto(ctx, ctx.store.setPublic(param(ctx, 'idOrName'), param(ctx, 'isPublic'))),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/recover',
    auth: true,
    handle: (ctx) => sandboxResult(ctx, ctx.store.recover(param(ctx, 'idOrName'))),
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/pause',
    auth: true,
    handle: (ctx) => dto(ctx, ctx.store.pause(param(ctx, 'idOrName'))),
  },
  {
    // Issued whatever the sandbox's state, like the real API: callers check it themselves.
    method: 'GET',
    pattern: '/sandbox/:idOrName/ports/:port/preview-url',
    auth: true,
    handle: (ctx) => {
      const port = parsePort(ctx);
      const rec = ctx.store.find(param(ctx, 'idOrName'));
      return ok({ sandboxId: rec.id, url: previewUrl(ctx, port, rec.id), token: newToken() });
    },
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName/ports/:port/signed-preview-url',
    auth: true,
    handle: (ctx) => {
      const port = parsePort(ctx);
      const raw = ctx.query.get('expiresInSeconds');
      if (raw !== null) {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 86400) {
          throw badRequest('expiresInSeconds must be an integer between 1 and 86400');
        }
      }
      const rec = ctx.store.find(param(ctx, 'idOrName'));
      const token = newToken();
      return ok({ sandboxId: rec.id, port, token, url: previewUrl(ctx, port, token) });
    },
  },
  {
    method: 'POST',
    pattern: '/sandbox/:idOrName/ports/:port/signed-preview-url/:token/expire',
    auth: true,
    handle: (ctx) => {
      parsePort(ctx);
      ctx.store.find(param(ctx, 'idOrName'));
      return ok(undefined);
    },
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName/build-logs',
    auth: true,
    handle: (ctx) => ({ status: 200, body: ctx.store.buildLog(param(ctx, 'idOrName')), text: true }),
  },
  {
    method: 'GET',
    pattern: '/sandbox/:idOrName/build-logs-url',
    auth: true,
    handle: (ctx) => {
      const rec = ctx.store.find(param(ctx, 'idOrName'));
      ctx.store.buildLog(rec.id);
      return ok({ url: `${ctx.origin}/api/sandbox/${rec.id}/build-logs` });
    },
  },
  {
    method: 'GET',
    pattern: '/snapshots',
    auth: true,
    handle: (ctx) => ok(listSnapshots(ctx.store.snapshots(), ctx.query)),
  },
  {
    method: 'GET',
    pattern: '/snapshots/:id',
    auth: true,
    handle: (ctx) => ok(getSnapshot(ctx.store.snapshots(), param(ctx, 'id'))),
  },
  { method: 'GET', pattern: '/volumes', auth: true, handle: () => ok([]) },
  {
    method: 'GET',
    pattern: '/organizations/:organizationId/usage',
    auth: true,
    handle: (ctx) => ok(ctx.store.usageOverview(param(ctx, 'organizationId'))),
  },
  {
    method: 'GET',
    pattern: '/config',
    auth: false,
    handle: (ctx) => ok(configDto(ctx.origin, DEFAULT_SNAPSHOT, MAX_AUTO_ARCHIVE_INTERVAL)),
  },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches a path relative to /api; returns undefined when no route (of any method) fits. */
export function matchRoute(method: string, apiPath: string): RouteMatch | undefined {
  const segments = apiPath.split('/').filter((s) => s !== '');
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/').filter((s) => s !== '');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = parts.every((part, i) => {
      const seg = segments[i] ?? '';
      if (part.startsWith(':')) {
        try {
          params[part.slice(1)] = decodeURIComponent(seg);
        } catch {
          return false;
        }
        return true;
      }
      return part === seg;
    });
    if (fits) return { route, params };
  }
  return undefined;
}
