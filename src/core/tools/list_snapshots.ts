import { z } from 'zod';
import { defineTool } from '../tool';

export const listSnapshots = defineTool({
  name: 'list_snapshots',
  title: 'List snapshots',
  description:
    'Snapshots to create sandboxes from (name → create_sandbox snapshot); only "active" ones work.',
  input: z.strictObject({
    name: z.string().trim().min(1).max(255).optional().describe('Part of the name'),
  }),
  output: z.object({
    snapshots: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        state: z.string(),
        general: z.boolean().describe('Provided by Daytona'),
        cpu: z.number().nullable(),
        memory: z.number().nullable(),
        disk: z.number().nullable(),
        imageName: z.string().nullable(),
        createdAt: z.string().nullable(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, ctx) {
    const gateway = await ctx.gateway();
    const needle = input.name?.toLowerCase();
    const snapshots = (await gateway.listSnapshots({ signal: ctx.signal })).filter((s) => !needle || s.name.toLowerCase().includes(needle));
    const lines = snapshots.map((s) => `- ${s.name} — ${s.state}${s.cpu !== null ? ` · ${s.cpu} CPU, ${s.memory} GiB RAM, ${s.disk} GiB disk` : ''}${s.general ? ' · general' : ''}`);
    return { data: { snapshots }, summary: [snapshots.length ? `${snapshots.length} snapshot(s):` : 'No snapshots found.', ...lines].join('\n') };
  },
});
