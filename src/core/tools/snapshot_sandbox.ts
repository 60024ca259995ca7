import { z } from 'zod';
import { sleep, throwIfAborted } from '../async';
import { ToolError } from '../errors';
import { waitUntilSettled } from '../lifecycle';
import { defineTool } from '../tool';
import { sandboxRef, timeoutSchema } from './schemas';
import { withClosestNames } from './suggest';

const snapshotName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/, 'A snapshot name is 1–255 letters, digits, ".", "_", ":", "/" or "-".')
  .meta({ pattern: undefined });

export const snapshotSandboxTool = defineTool({
  name: 'snapshot_sandbox',
  title: 'Save sandbox as snapshot',
  description: 'Save a sandbox\'s filesystem as a new snapshot for create_sandbox; waits until it is active.',
  input: z.strictObject({ sandbox: sandboxRef, name: snapshotName, timeoutSeconds: timeoutSchema }),
  output: z.object({ snapshot: z.object({ id: z.string(), name: z.string(), state: z.string() }), sandboxId: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    const opts = { signal: ctx.signal };
    const sandbox = await gateway.get(a.sandbox, opts).catch((e: unknown) => withClosestNames(gateway, a.sandbox, e, ctx.signal));
    if (sandbox.state !== 'started' && sandbox.state !== 'stopped') {
      throw new ToolError('invalid_state', `Cannot snapshot ${sandbox.name}: it is ${sandbox.state}; a snapshot needs a started or stopped sandbox.`);
    }
    const taken = await gateway.getSnapshot(a.name, opts).catch((e: unknown) => {
      if (e instanceof ToolError && e.kind === 'not_found') return null;
      throw e;
    });
    if (taken) {
      throw new ToolError('conflict', `A snapshot named ${a.name} already exists (${taken.state}).`, {
        hint: 'Pick another name; list_snapshots shows the taken ones.',
      });
    }
    const deadline = Date.now() + a.timeoutSeconds * 1000;
    ctx.progress(0, 2, `Saving ${sandbox.name} as ${a.name}…`);
    await gateway.createSnapshot(sandbox.id, a.name, opts);
    await waitUntilSettled(gateway, sandbox.id, { timeoutMs: a.timeoutSeconds * 1000, signal: ctx.signal });
    ctx.progress(1, 2, `Waiting for snapshot ${a.name} to become active…`);
    for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
      throwIfAborted(ctx.signal);
      // The API inserts the snapshot only when its job is done, after the sandbox is back: until then
      // it is "not found", which is normal here. A job that fails leaves none.
      const snap = await gateway.getSnapshot(a.name, opts).catch((e: unknown) => {
        if (e instanceof ToolError && e.kind === 'not_found') return null;
        throw e;
      });
      if (!snap) {
        if (Date.now() >= deadline) {
          throw new ToolError('timeout', `Snapshot ${a.name} of ${sandbox.name} has not appeared after ${a.timeoutSeconds} s; the API lists it only once saved (a failed save leaves none).`, {
            hint: 'Check list_snapshots in a moment; if it never appears, the save failed: call snapshot_sandbox again.',
          });
        }
        await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), ctx.signal);
        continue;
      }
      if (snap.state === 'active') {
        return {
          data: { snapshot: { id: snap.id, name: snap.name, state: snap.state }, sandboxId: sandbox.id },
          summary: `Saved ${sandbox.name} as snapshot ${snap.name} (id ${snap.id}), active. Use it with create_sandbox snapshot="${snap.name}".`,
          sandboxIds: [sandbox.id],
        };
      }
      if (snap.state === 'error' || snap.state === 'build_failed') {
        throw new ToolError('invalid_state', `Snapshot ${a.name} of ${sandbox.name} failed (${snap.state}).`, { hint: 'Retry with another name; the failed one can be removed in the Daytona dashboard.' });
      }
      if (Date.now() >= deadline) {
        throw new ToolError('timeout', `Snapshot ${a.name} is still ${snap.state} after ${a.timeoutSeconds} s.`, {
          hint: 'It may still finish: check list_snapshots in a moment.',
        });
      }
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), ctx.signal);
    }
  },
});
