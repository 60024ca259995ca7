// Control API under /_emulator, for other processes (MCP server tests, editor e2e, benchmarks).
// No auth, loopback peers only; faults and stats never apply to it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxDto } from './dto';
import { ApiError, badRequest, errorBody, notFound } from './errors';
import { readJson, sendJson } from './http-util';
import type { EmulatorStats, FaultSpec, SeedSandbox } from './types';

export const CONTROL_PREFIX = '/_emulator';

export type SeedOption = SeedSandbox[] | 'demo' | 'none';

export interface EmulatorSandboxView extends SandboxDto {
  /** Pending transition: the state it settles into ('removed' = deleted) and when. */
  transition: { to: string; at: string } | null;
}

/** What the control API needs from the emulator (implemented in emulator.ts). */
export interface ControlTarget {
  sandboxes(): EmulatorSandboxView[];
  seedSandbox(seed: SeedSandbox): SandboxDto;
  reset(seed?: SeedOption): void;
  setFaults(spec: FaultSpec): void;
  clearFaults(): void;
  describeFaults(): { spec: FaultSpec; failNextRemaining: number[] };
  stats(): EmulatorStats;
  resetStats(): void;
  setApiKeys(keys: string[]): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function parseSeedOption(value: unknown): SeedOption | undefined {
  if (value === undefined) return undefined;
  if (value === 'demo' || value === 'none' || Array.isArray(value)) return value as SeedOption;
  throw badRequest('seed must be "demo", "none" or an array of sandboxes');
}

export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.slice(CONTROL_PREFIX.length) || '/';
  const reqInfo = { method, url: req.url ?? '/' };
  try {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) throw new ApiError(403, 'Control API is loopback-only');
    const body = method === 'POST' || method === 'PUT' ? await readJson(req) : undefined;
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /health':
        return sendJson(res, 200, { ok: true });
      case 'GET /state':
        return sendJson(res, 200, { sandboxes: target.sandboxes(), faults: target.describeFaults() });
      case 'POST /faults':
        target.setFaults((body ?? {}) as FaultSpec);
        return sendJson(res, 200, { faults: target.describeFaults() });
      case 'DELETE /faults':
        target.clearFaults();
        return sendJson(res, 200, { faults: target.describeFaults() });
      case 'POST /seed': {
        const list: unknown = Array.isArray(body) ? body : (body as { sandboxes?: unknown } | undefined)?.sandboxes;
        if (!Array.isArray(list)) throw badRequest('body must be an array of sandboxes (or {sandboxes: [...]})');
        const created = (list as SeedSandbox[]).map((s) => target.seedSandbox(s));
        return sendJson(res, 200, { sandboxes: created });
      }
      case 'POST /reset':
        target.reset(parseSeedOption((body as { seed?: unknown } | undefined)?.seed));
        return sendJson(res, 200, { ok: true });
      case 'GET /stats':
        return sendJson(res, 200, target.stats());
      case 'POST /stats/reset':
        target.resetStats();
        return sendJson(res, 200, { ok: true });
      case 'POST /api-keys': {
        const keys = (body as { keys?: unknown } | undefined)?.keys;
        if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string' && k !== '')) {
          throw badRequest('body must be {"keys": ["<key>", ...]}');
        }
        target.setApiKeys(keys);
        // Never echo keys back: they may end up in logs.
        return sendJson(res, 200, { ok: true, count: keys.length });
      }
      default:
        throw notFound(`Cannot ${method} ${CONTROL_PREFIX}${path}`);
    }
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err));
    sendJson(res, e.status, errorBody(e.status, e.message, reqInfo, e.code));
  }
}
