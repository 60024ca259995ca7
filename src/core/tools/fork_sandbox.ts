import { z } from 'zod';
import { admitCreation } from '../creation-guard';
import { forkSandbox } from '../fork';
import { defineTool } from '../tool';
import { sandboxName, sandboxRef, sandboxSummarySchema, timeoutSchema } from './schemas';
import { sandboxLine } from './format';
import { withClosestNames } from './suggest';

export const forkSandboxTool = defineTool({
  name: 'fork_sandbox',
  title: 'Fork sandbox',
  description: 'Copy a started sandbox with its files (copy-on-write); waits until the fork is started.',
  input: z.strictObject({ sandbox: sandboxRef, name: sandboxName.optional(), timeoutSeconds: timeoutSchema }),
  output: z.object({ sandbox: sandboxSummarySchema, sourceId: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(a, ctx) {
    // A fork is a creation: the runaway guard counts it and an agent's fork carries provenance labels.
    const admission = admitCreation(ctx, 'fork_sandbox', 1);
    const gateway = await ctx.gateway().catch((e: unknown) => {
      admission.release(1);
      throw e;
    });
    // The caller named the sandbox already (an id here would read worse than nothing in a notification).
    ctx.progress(0, undefined, 'copying its files (copy-on-write)…');
    const { source, fork } = await forkSandbox(gateway, a.sandbox, { name: a.name, timeoutMs: a.timeoutSeconds * 1000, signal: ctx.signal, admission }).catch(
      (e: unknown) => withClosestNames(gateway, a.sandbox, e, ctx.signal),
    );
    return {
      data: { sandbox: fork, sourceId: source.id },
      summary: `Forked ${source.name} as ${fork.name} (id ${fork.id}).\n${sandboxLine(fork)}`,
      sandboxIds: [source.id, fork.id],
    };
  },
});
