import { z } from 'zod';
import { mapSettled } from '../async';
import { toToolError } from '../errors';
import { scanAll } from '../pagination';
import { defineTool } from '../tool';
import { PROJECT_LABEL, type SandboxDetails } from '../types';
import { errorSchema, labelsSchema, projectSchema, stateSchema } from './schemas';
import { count, sandboxesCount } from './format';

const brief = z.object({ id: z.string(), name: z.string(), state: stateSchema, lastActivityAt: z.string().nullable() });
const toBrief = (s: SandboxDetails) => ({ id: s.id, name: s.name, state: s.state, lastActivityAt: s.lastActivityAt });

export const cleanupSandboxes = defineTool({
  name: 'cleanup_sandboxes',
  title: 'Clean up sandboxes',
  description:
    'Delete, in one call, every sandbox that matches: states (default ["stopped"]; running sandboxes are only ' +
    'touched when "started" is listed explicitly), project, labels, and idleMinutes (no activity for at least that ' +
    'long). "Delete all stopped sandboxes" is cleanup_sandboxes with no arguments. Use dryRun=true first to show ' +
    'the user what would be deleted. The user may be asked to confirm.',
  input: z.strictObject({
    states: z.array(stateSchema).min(1).max(22).default(['stopped']).describe('States to clean up (default ["stopped"])'),
    project: projectSchema.optional(),
    labels: labelsSchema.optional(),
    idleMinutes: z.number().int().min(0).max(5_256_000).optional().describe('Only sandboxes with no activity for at least this many minutes'),
    dryRun: z.boolean().default(false).describe('Only report what would be deleted'),
    max: z.number().int().min(1).max(1000).default(500).describe('Delete at most this many in one call'),
  }),
  output: z.object({
    dryRun: z.boolean(),
    matched: z.array(brief),
    deleted: z.array(z.object({ id: z.string(), name: z.string() })),
    failed: z.array(z.object({ id: z.string(), name: z.string(), error: errorSchema })),
    cancelled: z.boolean().describe('True when the user declined the confirmation'),
    truncated: z.boolean().describe('More sandboxes matched than `max`; call again'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    const labels = { ...a.labels, ...(a.project ? { [PROJECT_LABEL]: a.project } : {}) };
    const idleBefore = a.idleMinutes === undefined ? undefined : Date.now() - a.idleMinutes * 60_000;
    const { items, truncated } = await scanAll(gateway, {
      api: { states: [...new Set(a.states)], labels: Object.keys(labels).length ? labels : undefined },
      accept: (s) => {
        if (!a.states.includes(s.state)) return false; // defence in depth: never trust a filter we did not check
        if (idleBefore === undefined) return true;
        const last = Date.parse(s.lastActivityAt ?? s.updatedAt ?? s.createdAt ?? '');
        return Number.isFinite(last) && last <= idleBefore;
      },
      max: a.max,
      signal: ctx.signal,
    });
    const matched = items.map(toBrief);
    const result = { dryRun: a.dryRun, matched, deleted: [] as Array<{ id: string; name: string }>, failed: [] as Array<{ id: string; name: string; error: ReturnType<ReturnType<typeof toToolError>['toJSON']> }>, cancelled: false, truncated };
    const names = matched.slice(0, 10).map((s) => s.name).join(', ') + (matched.length > 10 ? `, … (${matched.length - 10} more)` : '');
    if (matched.length === 0) return { data: result, summary: 'No sandboxes match; nothing to clean up.' };
    if (a.dryRun) return { data: result, summary: `Would delete ${sandboxesCount(matched.length)}${truncated ? ' (more match; raise max)' : ''}: ${names}` };

    const answer = await ctx.confirm(`Delete ${sandboxesCount(matched.length)} permanently? ${names}`);
    if (answer === 'declined') {
      return { data: { ...result, cancelled: true }, summary: `The user declined; nothing was deleted (${sandboxesCount(matched.length)} matched).` };
    }
    let done = 0;
    const settled = await mapSettled(
      matched,
      // One DELETE each, so the gateway's request cap bounds the work; an item waiting out a 429's
      // Retry-After then holds no worker while the others go on.
      matched.length,
      async (s) => {
        try {
          await gateway.delete(s.id, { signal: ctx.signal });
        } catch (raw) {
          if (toToolError(raw).kind !== 'not_found') throw raw; // already gone is what we wanted
        } finally {
          ctx.progress(++done, matched.length, `Deleting: ${done}/${matched.length}`);
        }
      },
      ctx.signal,
    );
    settled.forEach((r, i) => {
      const s = matched[i]!;
      if (r.ok) result.deleted.push({ id: s.id, name: s.name });
      else result.failed.push({ id: s.id, name: s.name, error: toToolError(r.error).toJSON() });
    });
    const failures = result.failed.map((f) => `- ${f.name}: FAILED — ${f.error.message} [${f.error.kind}]`);
    return {
      data: result,
      summary: [`Deleted ${sandboxesCount(result.deleted.length)}${result.failed.length ? `, ${count(result.failed.length, 'failure')}` : ''}${truncated ? '; more match — call again' : ''}.`, ...failures].join('\n'),
      isError: result.deleted.length === 0,
      sandboxIds: result.deleted.map((d) => d.id),
    };
  },
});
