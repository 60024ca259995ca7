/**
 * Every change the API is asked to make is logged as it completes, not when the tool call ends: a
 * bulk call killed half-way (SIGTERM during a 200-sandbox cleanup) must still leave a line for each
 * deletion the API made. Requests still in flight when the process stops are written by
 * logInFlight() at signal time as `outcome: "in_flight"` (the API may or may not have acted).
 */
import type { AuditLog } from './audit-log';
import { toToolError } from './errors';
import type { DaytonaGateway, GatewayProvider } from './gateway';

type Mutation =
  | 'create'
  | 'start'
  | 'stop'
  | 'archive'
  | 'delete'
  | 'replaceLabels'
  | 'fork'
  | 'createSnapshot'
  | 'resize'
  | 'setInterval'
  | 'setPublic'
  | 'recover';

export interface AuditedProvider {
  get: GatewayProvider;
  /** Writes one line per mutation still waiting for the API's answer; called on shutdown. */
  logInFlight(reason: string): void;
}

export function auditedGatewayProvider(inner: GatewayProvider, audit: AuditLog): AuditedProvider {
  const inFlight = new Map<number, { op: Mutation; sandbox: string; started: number }>();
  let nextId = 0;
  const wrapped = new WeakMap<DaytonaGateway, DaytonaGateway>();

  async function track<T>(op: Mutation, sandbox: string, run: () => Promise<T>): Promise<T> {
    const id = nextId++;
    const started = Date.now();
    inFlight.set(id, { op, sandbox, started });
    try {
      const value = await run();
      const created = op === 'create' ? (value as { id?: string }).id : undefined;
      const forked = op === 'fork' ? { fork: (value as { id?: string }).id } : {};
      audit.write('api_call', { op, sandbox: created ?? sandbox, ...forked, outcome: 'ok', ms: Date.now() - started });
      return value;
    } catch (err) {
      audit.write('api_call', { op, sandbox, outcome: 'error', error: toToolError(err).kind, ms: Date.now() - started });
      throw err;
    } finally {
      inFlight.delete(id);
    }
  }

  function wrap(g: DaytonaGateway): DaytonaGateway {
    return {
      listPage: (q, o) => g.listPage(q, o),
      get: (ref, o) => g.get(ref, o),
      listSnapshots: (o) => g.listSnapshots(o),
      getSnapshot: (ref, o) => g.getSnapshot(ref, o),
      // Preview links and build logs are reads; their tokens never reach the audit log.
      previewLink: (id, port, o) => g.previewLink(id, port, o),
      signedPreviewLink: (id, port, s, o) => g.signedPreviewLink(id, port, s, o),
      buildLog: (id, o) => g.buildLog(id, o),
      sandboxLimits: (org, o) => g.sandboxLimits(org, o),
      fork: (id, name, o) => track('fork', id, () => g.fork(id, name, o)),
      createSnapshot: (id, name, o) => track('createSnapshot', id, () => g.createSnapshot(id, name, o)),
      resize: (id, r, o) => track('resize', id, () => g.resize(id, r, o)),
      setInterval: (id, kind, m, o) => track('setInterval', id, () => g.setInterval(id, kind, m, o)),
      setPublic: (id, p, o) => track('setPublic', id, () => g.setPublic(id, p, o)),
      recover: (id, o) => track('recover', id, () => g.recover(id, o)),
      dispose: () => g.dispose(),
      create: (p, o) => track('create', p.name ?? '(unnamed)', () => g.create(p, o)),
      start: (id, o) => track('start', id, () => g.start(id, o)),
      stop: (id, force, o) => track('stop', id, () => g.stop(id, force, o)),
      archive: (id, o) => track('archive', id, () => g.archive(id, o)),
      delete: (id, o) => track('delete', id, () => g.delete(id, o)),
      replaceLabels: (id, labels, o) => track('replaceLabels', id, () => g.replaceLabels(id, labels, o)),
    };
  }

  return {
    async get() {
      const g = await inner();
      let w = wrapped.get(g);
      if (!w) wrapped.set(g, (w = wrap(g)));
      return w;
    },
    logInFlight(reason) {
      for (const { op, sandbox, started } of inFlight.values()) {
        audit.write('api_call', { op, sandbox, outcome: 'in_flight', reason, ms: Date.now() - started });
      }
      inFlight.clear();
    },
  };
}
