import { z } from 'zod';
import { scanSandboxes } from '../pagination';
import { PROJECT_LABEL } from '../types';
import { defineTool } from '../tool';
import { byAgentFilter } from '../creation-guard';
import { byAgentSchema, labelsSchema, projectSchema, sandboxSummarySchema, stateFilter, stateUnionError, STATES_IN_WORDS } from './schemas';
import { sandboxLine, sandboxesCount } from './format';
import { sameProject, whatExists } from './suggest';

/** "stopped sandboxes in project AutoViral", for an empty answer that says what was asked. */
function describeFilter(state: string | string[] | undefined, project?: string, name?: string, labels?: Record<string, string>, byAgent?: boolean): string {
  const states = state === undefined ? '' : `${[state].flat().join('/')} `;
  return [
    `${states}${byAgent === true ? 'agent-made ' : ''}sandboxes`,
    byAgent === false ? 'not made by agents' : '',
    project ? `in project ${project}` : '',
    name ? `named like "${name}"` : '',
    labels ? `labelled ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}` : '',
  ].filter(Boolean).join(' ');
}

export const listSandboxes = defineTool({
  name: 'list_sandboxes',
  title: 'List sandboxes',
  description:
    'Find sandboxes before acting on them; never invent ids. Each line: name, id, state, size, labels, age/idle. ' +
    'Paged: pass nextCursor back as cursor. byAgent=true: only ones agents made via MCP.',
  input: z.strictObject({
    state: z.union([stateFilter, z.array(stateFilter).min(1)], { error: stateUnionError }).optional().describe(STATES_IN_WORDS),
    project: projectSchema.optional(),
    labels: labelsSchema.optional(),
    byAgent: byAgentSchema,
    name: z.string().trim().min(1).max(255).optional().describe('Part of the name'),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(2048).optional(),
  }),
  output: z.object({
    sandboxes: z.array(sandboxSummarySchema),
    count: z.number(),
    nextCursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, ctx) {
    const gateway = await ctx.gateway();
    // The project is matched here, in any case ("AutoViral" = "autoviral"); the API's label filter is exact.
    const byAgent = byAgentFilter(input.byAgent);
    const asked = { ...input.labels, ...byAgent.labels };
    const labels = Object.keys(asked).length ? asked : undefined;
    const states = input.state === undefined ? undefined : Array.isArray(input.state) ? input.state : [input.state];
    const needle = input.name?.toLowerCase();
    const { items, nextCursor } = await scanSandboxes(gateway, {
      api: { states, labels },
      accept: (s) => byAgent.accept(s.labels) && (!needle || s.name.toLowerCase().includes(needle)) && (!input.project || sameProject(s.labels[PROJECT_LABEL], input.project)),
      limit: input.limit,
      cursor: input.cursor,
      signal: ctx.signal,
    });
    const head = items.length
      ? `${sandboxesCount(items.length)}${nextCursor ? ` (more: call again with cursor "${nextCursor}")` : ''}:`
      : `No ${describeFilter(input.state, input.project, input.name, input.labels && Object.keys(input.labels).length ? input.labels : undefined, input.byAgent)}. ${await whatExists(gateway, ctx.signal)}`;
    return {
      data: { sandboxes: items, count: items.length, nextCursor },
      summary: [head, ...items.map((s) => sandboxLine(s))].join('\n'),
    };
  },
});
