import { z } from 'zod';
import { defineTool } from '../tool';

export const listSnapshots = defineTool({
  name: 'list_snapshots',
  title: 'List snapshots',
  description:
    'List the snapshots (images) a sandbox can be created from, with their state and default resources. ' +
    'Pass a snapshot name to create_sandbox as `snapshot`; only snapshots in state "active" can be used.',
  input: z.strictObject({
    name: z.string().trim().min(1).max(255).optional().describe('Case-insensitive substring of the snapshot name'),
  }),
  output: z.object({
    snapshots: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        state: z.string(),
        general: z.boolean().describe('Provided by Daytona for everyone (not built by your organisation)'),
        cpu: z.number().nullable(),
        memory: z.number().nullable().describe('GiB'),
        disk: z.number().nullable().describe('GiB'),
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
