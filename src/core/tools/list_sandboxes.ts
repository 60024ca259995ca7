import { z } from 'zod';
import { scanSandboxes } from '../pagination';
import { PROJECT_LABEL } from '../types';
import { defineTool } from '../tool';
import { labelsSchema, projectSchema, sandboxDetailsSchema, stateSchema } from './schemas';
import { sandboxLine, sandboxesCount } from './format';

export const listSandboxes = defineTool({
  name: 'list_sandboxes',
  title: 'List sandboxes',
  description:
    'List Daytona sandboxes with their id, name, state, resources, region, labels and timestamps. ' +
    'Use this (or get_sandbox) to find a sandbox before acting on it; never invent ids. ' +
    'Filter by state (e.g. "started"), project, labels or a name substring. Results are paged: ' +
    'when nextCursor is not null, call again with cursor=nextCursor for more.',
  input: z.strictObject({
    state: z.union([stateSchema, z.array(stateSchema).min(1).max(22)]).optional().describe('One state or a list of states'),
    project: projectSchema.optional(),
    labels: labelsSchema.optional(),
    name: z.string().trim().min(1).max(255).optional().describe('Case-insensitive substring of the sandbox name'),
    limit: z.number().int().min(1).max(1000).default(100).describe('Page size (default 100, max 1000)'),
    cursor: z.string().min(1).max(2048).optional().describe('nextCursor from a previous call'),
  }),
  output: z.object({
    sandboxes: z.array(sandboxDetailsSchema),
    count: z.number().describe('Sandboxes in this page'),
    nextCursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, ctx) {
    const gateway = await ctx.gateway();
    const labels = { ...input.labels, ...(input.project ? { [PROJECT_LABEL]: input.project } : {}) };
    const states = input.state === undefined ? undefined : Array.isArray(input.state) ? input.state : [input.state];
    const needle = input.name?.toLowerCase();
    const { items, nextCursor } = await scanSandboxes(gateway, {
      api: { states, labels: Object.keys(labels).length ? labels : undefined },
      accept: needle ? (s) => s.name.toLowerCase().includes(needle) : undefined,
      limit: input.limit,
      cursor: input.cursor,
      signal: ctx.signal,
    });
    const head = items.length ? `${sandboxesCount(items.length)}${nextCursor ? ' (more available: pass nextCursor)' : ''}:` : 'No sandboxes match.';
    return {
      data: { sandboxes: items, count: items.length, nextCursor },
      summary: [head, ...items.map(sandboxLine)].join('\n'),
    };
  },
});
