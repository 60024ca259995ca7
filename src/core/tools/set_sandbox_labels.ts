import { z } from 'zod';
import { defineTool } from '../tool';
import { labelsSchema, sandboxRef } from './schemas';

export const setSandboxLabels = defineTool({
  name: 'set_sandbox_labels',
  title: 'Set sandbox labels',
  description:
    'Set labels on a sandbox (e.g. {"project": "api"} to put it in a project). By default merges with the ' +
    'existing labels; replace=true makes `labels` the complete set. `remove` deletes the named keys.',
  input: z.strictObject({
    sandbox: sandboxRef,
    labels: labelsSchema.default({}),
    replace: z.boolean().default(false).describe('Replace all labels instead of merging'),
    remove: z.array(z.string().min(1).max(63)).max(64).default([]).describe('Label keys to remove'),
  }),
  output: z.object({ id: z.string(), name: z.string(), labels: z.record(z.string(), z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    const sandbox = await gateway.get(a.sandbox, { signal: ctx.signal });
    const next: Record<string, string> = a.replace ? { ...a.labels } : { ...sandbox.labels, ...a.labels };
    for (const key of a.remove) delete next[key];
    const labels = await gateway.replaceLabels(sandbox.id, next, { signal: ctx.signal });
    const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)';
    return { data: { id: sandbox.id, name: sandbox.name, labels }, summary: `Labels of ${sandbox.name} (id ${sandbox.id}): ${text}`, sandboxIds: [sandbox.id] };
  },
});
