/**
 * Nothing is deleted or stopped on information we did not just read. The API's list is eventually
 * consistent (a state there can be seconds old) and DELETE accepts a running sandbox, so a bulk
 * action reads each sandbox again (GET, which is fresh) right before acting on it and skips it, saying
 * why, when it no longer matches what was asked.
 */
import { ToolError } from './errors';
import type { SandboxDetails, SandboxState } from './types';

/** Why a freshly read sandbox should be left alone, or null to go ahead. */
export type Recheck = (fresh: SandboxDetails) => string | null;

/** The settled state a transitional one is heading for, so "starting" when chosen still matches "started". */
const HEADING: Partial<Record<SandboxState, SandboxState>> = {
  creating: 'started', starting: 'started', restoring: 'started', resuming: 'started',
  stopping: 'stopped', archiving: 'archived', pausing: 'paused',
};
const settledOf = (s: SandboxState): SandboxState => HEADING[s] ?? s;

/** For sandboxes a user chose as they were shown (id → state then): skip any whose state moved since. */
export function sameStateAsSeen(seen: ReadonlyMap<string, SandboxState>): Recheck {
  return (fresh) => {
    const was = seen.get(fresh.id);
    if (was === undefined || settledOf(was) === settledOf(fresh.state)) return null;
    return `it is ${fresh.state} now (it was ${was} when chosen)`;
  };
}

/** The error a skipped item carries in a bulk result: it names the sandbox and the reason. */
export function skippedError(fresh: SandboxDetails, reason: string): ToolError {
  return new ToolError('conflict', `Skipped ${fresh.name}: ${reason}; nothing was done to it.`, {
    hint: 'Look again (list_sandboxes or get_sandbox) and ask again if it should still go.',
  });
}

/** True for the error skippedError makes (the editor reports these as skipped, not failed). */
export const isSkipped = (e: { kind: string; message: string }): boolean => e.kind === 'conflict' && e.message.startsWith('Skipped ');
