import { z } from 'zod';
import { keepProvenance } from '../creation-guard';
import { defineTool } from '../tool';
import { labelsSchema, sandboxRef } from './schemas';
import { withClosestNames } from './suggest';

export const setSandboxLabels = defineTool({
  name: 'set_sandbox_labels',
  title: 'Set sandbox labels',
  description:
    'Label a sandbox ({"project": "api"} moves it to a project). Merges unless replace=true.',
  input: z.strictObject({
    sandbox: sandboxRef,
    labels: labelsSchema.default({}),
    replace: z.boolean().default(false),
    remove: z.array(z.string().min(1).max(63)).max(64, 'At most 64 keys.').default([]).describe('Keys to drop'),
  }),
  output: z.object({ id: z.string(), name: z.string(), labels: z.record(z.string(), z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    const sandbox = await gateway.get(a.sandbox, { signal: ctx.signal }).catch((e: unknown) => withClosestNames(gateway, a.sandbox, e, ctx.signal));
    const next: Record<string, string> = a.replace ? { ...a.labels } : { ...sandbox.labels, ...a.labels };
    for (const key of a.remove) delete next[key];
    const labels = await gateway.replaceLabels(sandbox.id, keepProvenance(ctx.origin, sandbox.labels, next), { signal: ctx.signal });
    const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)';
    return { data: { id: sandbox.id, name: sandbox.name, labels }, summary: `Labels of ${sandbox.name} (id ${sandbox.id}): ${text}`, sandboxIds: [sandbox.id] };
  },
});
