// The emulated REST surface under /api: a route table and its handlers. Handlers are
// synchronous and throw ApiError; emulator.ts does auth, faults, stats and HTTP plumbing.
import { configDto, toListItem, toSandboxDto, type SnapshotWireDto } from './dto';
import { badRequest } from './errors';
import { parseListQuery } from './query';
import { DEFAULT_SNAPSHOT, getSnapshot, listSnapshots } from './snapshots';
import { MAX_AUTO_ARCHIVE_INTERVAL, type SandboxStore } from './store';
import type { SandboxRecord } from './types';

export interface RouteContext {
  store: SandboxStore;
  snapshots: readonly SnapshotWireDto[];
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
  handle(ctx: RouteContext): RouteResult;
}

const ok = (body: unknown): RouteResult => ({ status: 200, body });

/** A full-DTO answer for create/start, re-renderable once the sandbox has started. */
function sandboxResult(ctx: RouteContext, rec: SandboxRecord): RouteResult {
  const render = () => toSandboxDto(ctx.store.find(rec.id), toolboxUrl(ctx));
  const t = rec.transition;
  return {
    status: 200,
    body: toSandboxDto(rec, toolboxUrl(ctx)),
    ...(t?.to === 'started' && { startedAt: { at: t.at, render } }),
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
    handle: (ctx) => sandboxResult(ctx, ctx.store.create(ctx.body)),
  },
  {
    method: 'GET',
    pattern: '/sandbox',
    auth: true,
    handle: (ctx) => {
      const page = ctx.store.list(parseListQuery(ctx.query));
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
    method: 'GET',
    pattern: '/snapshots',
    auth: true,
    handle: (ctx) => ok(listSnapshots(ctx.snapshots, ctx.query)),
  },
  {
    method: 'GET',
    pattern: '/snapshots/:id',
    auth: true,
    handle: (ctx) => ok(getSnapshot(ctx.snapshots, param(ctx, 'id'))),
  },
  { method: 'GET', pattern: '/volumes', auth: true, handle: () => ok([]) },
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
