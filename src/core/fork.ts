/**
 * The one way a sandbox is forked (fork_sandbox, the editor's Fork… command): a copy-on-write clone
 * with the same filesystem, waited for until started. Kept in one function so that rules about
 * forks (labels recording where a fork came from, a limit on how many a call may create) have a
 * single place to live.
 */
import { CLIENT_LABEL, MADE_BY_LABEL, type Admission } from './creation-guard';
import { ToolError } from './errors';
import type { DaytonaGateway } from './gateway';
import { waitForState } from './lifecycle';
import { itemRetryBudget } from './retry';
import { forkRefusal, type SandboxDetails } from './types';

export interface ForkOptions {
  /** Name of the fork; the API picks one when absent. */
  name?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The creation gate's answer for this fork (admitCreation): provenance labels, and the reservation. */
  admission?: Admission;
}

export interface ForkResult {
  source: SandboxDetails;
  fork: SandboxDetails;
}

const STARTED = new Set(['started'] as const);

/** Forks `ref` (id or name). The API forks started sandboxes only; anything else is refused before any write. */
export async function forkSandbox(gateway: DaytonaGateway, ref: string, o: ForkOptions): Promise<ForkResult> {
  const callOpts = { signal: o.signal, retryBudget: itemRetryBudget() };
  let source: SandboxDetails;
  let created: SandboxDetails;
  try {
    source = await gateway.get(ref, callOpts);
    const refusal = forkRefusal(source);
    if (refusal) {
      throw new ToolError('invalid_state', `Cannot fork sandbox ${source.name}: ${refusal}.`, {
        hint: 'To get a copy anyway, create a new sandbox from the same snapshot or image (create_sandbox with copyFrom).',
      });
    }
    if (source.state !== 'started') {
      throw new ToolError('invalid_state', `Cannot fork sandbox ${source.name}: it is ${source.state}; only a started sandbox can be forked.`, {
        hint: source.state === 'stopped' || source.state === 'archived' || source.state === 'paused'
          ? 'Start it first (start_sandbox), then fork it.'
          : 'Wait until it is started (get_sandbox shows its state), then fork it.',
      });
    }
    created = await gateway.fork(source.id, o.name, callOpts).catch(async (err: unknown) => {
      // Our deadline says nothing about whether the API forked: a named fork can be looked up.
      if (!(err instanceof ToolError) || err.kind !== 'timeout' || !o.name || o.signal?.aborted) throw err;
      const found = await gateway.get(o.name, callOpts).catch(() => undefined);
      if (!found) throw err;
      return found;
    });
  } catch (err) {
    o.admission?.release(1); // nothing was made: give the reservation back
    throw err;
  }
  // A fork inherits its source's labels; who made it is the fork's own bookkeeping, not the source's.
  const labels = forkLabels(created.labels, o.admission?.labels ?? {});
  if (!sameLabels(labels, created.labels)) created = { ...created, labels: await gateway.replaceLabels(created.id, labels, callOpts) };
  const fork = await waitForState(gateway, created.id, STARTED, { timeoutMs: o.timeoutMs, signal: o.signal });
  return { source, fork: fork ?? created };
}

/** The inherited labels without the source's provenance, plus this fork's (none when a person forks). */
export function forkLabels(inherited: Record<string, string>, provenance: Record<string, string>): Record<string, string> {
  const labels = { ...inherited };
  delete labels[MADE_BY_LABEL];
  delete labels[CLIENT_LABEL];
  return { ...labels, ...provenance };
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
