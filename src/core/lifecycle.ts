/**
 * What each lifecycle action means in terms of states, and how to wait for it. Waiting is our own
 * polling loop (not the SDK's) so that it can be cancelled and can report progress.
 */
import { sleep, throwIfAborted } from './async';
import { ToolError } from './errors';
import type { DaytonaGateway, RetryBudget } from './gateway';
import { itemRetryBudget } from './retry';
import { skippedError, type Recheck } from './fresh-check';
import { FAILED_STATES, SETTLED_STATES, TRANSITIONAL_STATES, type LifecycleAction, type SandboxDetails, type SandboxState } from './types';

export interface ActionSpec {
  /** States that mean the action is done. */
  done: ReadonlySet<SandboxState>;
  /** Transitional states on the way to `done`: no new request needed, just wait. */
  via: ReadonlySet<SandboxState>;
  /** Settled states from which the API refuses the action; checked up front for a clear error. */
  refusedFrom: ReadonlyMap<SandboxState, string>;
  verb: string;
}

export const ACTIONS: Record<LifecycleAction, ActionSpec> = {
  start: {
    done: new Set(['started']),
    via: new Set(['starting', 'restoring', 'resuming', 'creating', 'pulling_snapshot', 'pending_build', 'building_snapshot']),
    refusedFrom: new Map(),
    verb: 'start',
  },
  stop: {
    // An archived sandbox is already stopped (and more); asking to stop it is a no-op, not an error.
    done: new Set(['stopped', 'archived']),
    via: new Set(['stopping']),
    refusedFrom: new Map(),
    verb: 'stop',
  },
  archive: {
    done: new Set(['archived']),
    via: new Set(['archiving']),
    refusedFrom: new Map([
      ['started', 'it is running; stop it first (stop_sandbox), then archive'],
      ['paused', 'it is paused; stop it first (stop_sandbox), then archive'],
      ['error', 'it is in the error state; only stopped sandboxes can be archived'],
      ['build_failed', 'its build failed; only stopped sandboxes can be archived'],
    ]),
    verb: 'archive',
  },
  delete: {
    done: new Set(['destroyed']),
    via: new Set(['destroying']),
    refusedFrom: new Map(),
    verb: 'delete',
  },
};

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** First poll delay; grows to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Transient-failure retries shared by all polls (and, in performAction, by the whole item). */
  retryBudget?: RetryBudget;
}

/**
 * Polls until the sandbox is in one of `targets` (or gone, when `goneIsDone`). Fails fast on error
 * states, with the API's error reason.
 */
export async function waitForState(
  gateway: DaytonaGateway,
  id: string,
  targets: ReadonlySet<SandboxState>,
  opts: WaitOptions & { goneIsDone?: boolean },
): Promise<SandboxDetails | null> {
  const deadline = Date.now() + opts.timeoutMs;
  const callOpts = { signal: opts.signal, retryBudget: opts.retryBudget ?? itemRetryBudget() };
  let delay = opts.pollMs ?? 100;
  for (;;) {
    throwIfAborted(opts.signal);
    let current: SandboxDetails;
    try {
      current = await gateway.get(id, callOpts);
    } catch (err) {
      if (opts.goneIsDone && err instanceof ToolError && err.kind === 'not_found') return null;
      throw err;
    }
    if (targets.has(current.state)) return current;
    if (FAILED_STATES.has(current.state) && !targets.has(current.state)) {
      throw new ToolError('invalid_state', `Sandbox ${current.name} entered state ${current.state}${current.errorReason ? `: ${current.errorReason}` : ''}.`, {
        hint: 'Inspect it with get_sandbox; delete and recreate it if it cannot recover.',
      });
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ToolError('timeout', `Sandbox ${current.name} is still ${current.state} after ${Math.round(opts.timeoutMs / 1000)} s.`, {
        hint: 'It may still finish: check it with get_sandbox in a moment, or call again with wait=false and a longer timeout.',
      });
    }
    await sleep(Math.min(delay, left), opts.signal);
    delay = Math.min(delay * 2, opts.maxPollMs ?? 1_000);
  }
}

/** Waits until the sandbox leaves any transitional state (or is gone). */
export function waitUntilSettled(gateway: DaytonaGateway, id: string, opts: WaitOptions): Promise<SandboxDetails | null> {
  return waitForState(gateway, id, SETTLED_STATES, { ...opts, goneIsDone: true });
}

export interface ActionResult {
  sandbox: SandboxDetails;
  /** False when it was already in the target state and no request was sent. */
  changed: boolean;
  /** Final (or current, with wait=false) state; 'destroyed' once a deleted sandbox is gone. */
  state: SandboxState;
}

export interface ActionOptions extends WaitOptions {
  wait: boolean;
  force?: boolean;
  /** Checked on the fresh read before any request: a reason skips the sandbox (core/fresh-check.ts). */
  recheck?: Recheck;
}

/**
 * A name that answers 404 to a delete may be a sandbox already being deleted: the API renames it
 * `DESTROYED_<name>_<ms>` at once (the gateway shows it under its old name, `destroying`), and the
 * list, which lags, may still show the old name. Returns it when a fresh read confirms it is going.
 */
export async function findBeingDeleted(gateway: DaytonaGateway, name: string, opts: { signal?: AbortSignal; retryBudget?: RetryBudget }): Promise<SandboxDetails | undefined> {
  for (const namePrefix of [`DESTROYED_${name}_`, name]) {
    const page = await gateway.listPage({ namePrefix, limit: 20 }, opts);
    for (const listed of page.items.filter((s) => s.name === name)) {
      try {
        const fresh = await gateway.get(listed.id, opts);
        if (fresh.state === 'destroying' || fresh.state === 'destroyed') return fresh;
      } catch (err) {
        if (err instanceof ToolError && err.kind === 'not_found') return { ...listed, state: 'destroyed' };
        throw err;
      }
    }
  }
  return undefined;
}

/** The state a sandbox is in while an action runs (what a caller shows until the API reports another). */
export const ONGOING_STATE: Readonly<Record<LifecycleAction, SandboxState>> = { start: 'starting', stop: 'stopping', archive: 'archiving', delete: 'destroying' };

/**
 * Brings one sandbox to the action's target state: no-op when already there, waits out a
 * transition in progress, refuses clearly where the API would, otherwise sends the request and
 * (with wait) polls until done.
 */
export async function performAction(
  gateway: DaytonaGateway,
  ref: string,
  action: LifecycleAction,
  opts: ActionOptions,
): Promise<ActionResult> {
  const spec = ACTIONS[action];
  // One budget for everything this item asks of the API, so its retries cannot multiply.
  opts = { ...opts, retryBudget: opts.retryBudget ?? itemRetryBudget() };
  const callOpts = { signal: opts.signal, retryBudget: opts.retryBudget };
  let sandbox: SandboxDetails;
  try {
    sandbox = await gateway.get(ref, callOpts);
  } catch (err) {
    // Deleting again what is already being deleted (or gone, by its old name) is what was asked.
    const going = action === 'delete' && err instanceof ToolError && err.kind === 'not_found' ? await findBeingDeleted(gateway, ref, callOpts) : undefined;
    if (!going) throw err;
    return { sandbox: going, changed: false, state: going.state };
  }
  const reason = opts.recheck?.(sandbox);
  if (reason) throw skippedError(sandbox, reason);
  const waitFor = (targets: ReadonlySet<SandboxState>) =>
    waitForState(gateway, sandbox.id, targets, { ...opts, goneIsDone: action === 'delete' });

  if (spec.done.has(sandbox.state)) return { sandbox, changed: false, state: sandbox.state };
  if (spec.via.has(sandbox.state)) {
    if (!opts.wait) return { sandbox, changed: false, state: sandbox.state };
    const final = await waitFor(spec.done);
    return { sandbox: final ?? sandbox, changed: false, state: final?.state ?? 'destroyed' };
  }
  if (TRANSITIONAL_STATES.has(sandbox.state)) {
    if (!opts.wait) {
      throw new ToolError('invalid_state', `Cannot ${spec.verb} sandbox ${sandbox.name}: it is ${sandbox.state}.`, {
        hint: 'Wait for the transition to finish (or call again with wait=true, which waits for it).',
      });
    }
    const settled = await waitUntilSettled(gateway, sandbox.id, opts);
    if (!settled) {
      if (action === 'delete') return { sandbox, changed: false, state: 'destroyed' };
      throw new ToolError('not_found', `Sandbox ${sandbox.name} was deleted meanwhile.`);
    }
    sandbox = settled;
    if (spec.done.has(sandbox.state)) return { sandbox, changed: false, state: sandbox.state };
  }
  const refusal = spec.refusedFrom.get(sandbox.state);
  if (refusal) throw new ToolError('invalid_state', `Cannot ${spec.verb} sandbox ${sandbox.name}: ${refusal}.`);
  // Start brings back a failed sandbox only through recover, and only when the API says it can.
  const recover = action === 'start' && FAILED_STATES.has(sandbox.state);
  if (recover && sandbox.recoverable !== true) {
    throw new ToolError('invalid_state', `Cannot start sandbox ${sandbox.name}: it is in state ${sandbox.state}${sandbox.errorReason ? ` (${sandbox.errorReason})` : ''} and the API marks it not recoverable.`, {
      hint: 'Delete it and create a new one (create_sandbox with copyFrom keeps its settings); get_sandbox shows the build log of a failed build.',
    });
  }

  switch (action) {
    case 'start': await (recover ? gateway.recover(sandbox.id, callOpts) : gateway.start(sandbox.id, callOpts)); break;
    case 'stop': await gateway.stop(sandbox.id, Boolean(opts.force), callOpts); break;
    case 'archive': await gateway.archive(sandbox.id, callOpts); break;
    case 'delete': await gateway.delete(sandbox.id, callOpts); break;
  }
  if (action === 'stop' && sandbox.autoDeleteMinutes === 0) {
    // The API deletes an ephemeral sandbox (auto-delete 0) instead of stopping it: that is the success.
    if (!opts.wait) return { sandbox, changed: true, state: 'destroying' };
    const gone = await waitForState(gateway, sandbox.id, ACTIONS.delete.done, { ...opts, goneIsDone: true });
    return { sandbox: gone ?? sandbox, changed: true, state: 'destroyed' };
  }
  if (!opts.wait) {
    return { sandbox, changed: true, state: ONGOING_STATE[action] };
  }
  const final = await waitFor(spec.done);
  return { sandbox: final ?? sandbox, changed: true, state: final?.state ?? 'destroyed' };
}
