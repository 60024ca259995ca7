import { z } from 'zod';
import { ToolError } from '../errors';
import { updateSandbox } from '../sandbox-update';
import { defineTool } from '../tool';
import { sandboxRef, sandboxSummarySchema, timeoutSchema } from './schemas';
import { sandboxLine } from './format';
import { withClosestNames } from './suggest';

const minutes = (what: string, min: number) => z.number().int().min(min).max(525_600).optional().describe(what);
const GPU = 'GPU cannot be resized; create a new sandbox with the GPU you need.';

export const updateSandboxTool = defineTool({
  name: 'update_sandbox',
  title: 'Update sandbox settings',
  description:
    'Change resources or auto-stop/archive/delete and public. Started: only grow cpu/memory; disk only when stopped, only grows.',
  input: z.strictObject(
    {
      sandbox: sandboxRef,
      cpu: z.number().int().min(1).max(64).optional(),
      memory: z.number().int().min(1).max(256).optional(),
      disk: z.number().int().min(1).max(1024).optional(),
      autoStopMinutes: minutes('0 never', 0),
      autoArchiveMinutes: minutes('0 max', 0),
      autoDeleteMinutes: minutes('-1 never', -1),
      public: z.boolean().optional(),
      timeoutSeconds: timeoutSchema,
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' && iss.keys.some((k) => k.startsWith('gpu')) ? GPU : undefined) },
  ),
  output: z.object({ sandbox: sandboxSummarySchema, changed: z.array(z.string()), notChanged: z.object({ what: z.array(z.string()), why: z.string() }).optional() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(a, ctx) {
    const { sandbox: ref, timeoutSeconds, ...changes } = a;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new ToolError('invalid_input', 'Nothing to change: give cpu, memory, disk, autoStopMinutes, autoArchiveMinutes, autoDeleteMinutes or public.');
    }
    const gateway = await ctx.gateway();
    const r = await updateSandbox(gateway, ref, changes, { timeoutMs: timeoutSeconds * 1000, signal: ctx.signal }).catch((e: unknown) =>
      withClosestNames(gateway, ref, e, ctx.signal),
    );
    const head = r.changed.length ? `Updated ${r.sandbox.name}: ${r.changed.join(', ')}.` : `${r.sandbox.name} already has these settings; nothing sent.`;
    const not = r.notChanged ? `\nNOT changed: ${r.notChanged.what.join(', ')} — ${r.notChanged.why}.` : '';
    return {
      data: { sandbox: r.sandbox, changed: r.changed, ...(r.notChanged && { notChanged: r.notChanged }) },
      summary: `${head}${not}\n${sandboxLine(r.sandbox)}`,
      sandboxIds: [r.sandbox.id],
    };
  },
});
