import { z } from 'zod';
import { mapSettled } from '../async';
import { toToolError } from '../errors';
import { scanAll } from '../pagination';
import { itemRetryBudget } from '../retry';
import { defineTool } from '../tool';
import { byAgentFilter } from '../creation-guard';
import { PROJECT_LABEL, type SandboxDetails } from '../types';
import { byAgentSchema, errorSchema, labelsSchema, projectSchema, stateFilter, stateOut, STATES_IN_WORDS } from './schemas';
import { allNames, count, sandboxesCount } from './format';
import { sameProject, whatExists } from './suggest';

const brief = z.object({ id: z.string(), name: z.string(), state: stateOut, lastActivityAt: z.string().nullable() });
const toBrief = (s: SandboxDetails) => ({ id: s.id, name: s.name, state: s.state, lastActivityAt: s.lastActivityAt });

export const cleanupSandboxes = defineTool({
  name: 'cleanup_sandboxes',
  title: 'Clean up sandboxes',
  description:
    'Delete all sandboxes matching states (default stopped; running only if "started" listed), project, labels, ' +
    'idleMinutes, olderThanDays, byAgent (true: made by agents via MCP). dryRun=true first, show the user; they may be asked to confirm.',
  input: z.strictObject({
    states: z.array(stateFilter).min(1).default(['stopped']).describe(STATES_IN_WORDS),
    project: projectSchema.optional(),
    labels: labelsSchema.optional(),
    byAgent: byAgentSchema,
    idleMinutes: z.number().int().min(0).max(5_256_000).optional().describe('Idle at least'),
    olderThanDays: z.number().int().min(1).max(3650).optional().describe('Created at least'),
    dryRun: z.boolean().default(false).describe('Only list what would go'),
    max: z.number().int().min(1).max(1000).default(500),
  }),
  output: z.object({
    dryRun: z.boolean(),
    matched: z.array(brief),
    deleted: z.array(z.object({ id: z.string(), name: z.string() })),
    skipped: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string() })).describe('Changed since listed; left alone'),
    failed: z.array(z.object({ id: z.string(), name: z.string(), error: errorSchema })),
    cancelled: z.boolean(),
    truncated: z.boolean().describe('More matched than max'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    // The project is matched here, in any case; the API's label filter is exact.
    const byAgent = byAgentFilter(a.byAgent);
    const labels = { ...a.labels, ...byAgent.labels };
    const idleBefore = a.idleMinutes === undefined ? undefined : Date.now() - a.idleMinutes * 60_000;
    const createdBefore = a.olderThanDays === undefined ? undefined : Date.now() - a.olderThanDays * 86_400_000;
    const states: readonly string[] = a.states;
    /** Why a sandbox is not one to delete (null: it is); checked on the list, and again on a fresh read right before deleting. */
    const mismatch = (s: SandboxDetails): string | null => {
      if (!states.includes(s.state)) return `it is ${s.state} now (asked: ${a.states.join('/')})`;
      if (!byAgent.accept(s.labels)) return 'its provenance labels no longer match';
      if (a.project && !sameProject(s.labels[PROJECT_LABEL], a.project)) return `it is no longer in project ${a.project}`;
      if (createdBefore !== undefined && !(Date.parse(s.createdAt ?? '') <= createdBefore)) return `it is younger than ${a.olderThanDays} days`;
      if (idleBefore === undefined) return null;
      const last = Date.parse(s.lastActivityAt ?? s.updatedAt ?? s.createdAt ?? '');
      return Number.isFinite(last) && last <= idleBefore ? null : 'it was active meanwhile';
    };
    const { items, truncated } = await scanAll(gateway, {
      api: {
        states: [...new Set(a.states)],
        labels: Object.keys(labels).length ? labels : undefined,
        // Idle ones are found by the API (lastEventBefore), not by reading every page.
        lastActivityBefore: idleBefore === undefined ? undefined : new Date(idleBefore),
        createdBefore: createdBefore === undefined ? undefined : new Date(createdBefore),
      },
      accept: (s) => mismatch(s) === null, // defence in depth: never trust a filter we did not check
      max: a.max,
      signal: ctx.signal,
    });
    const matched = items.map(toBrief);
    const result = { dryRun: a.dryRun, matched, deleted: [] as Array<{ id: string; name: string }>, skipped: [] as Array<{ id: string; name: string; reason: string }>, failed: [] as Array<{ id: string; name: string; error: ReturnType<ReturnType<typeof toToolError>['toJSON']> }>, cancelled: false, truncated };
    const names = matched.slice(0, 10).map((s) => s.name).join(', ') + (matched.length > 10 ? `, … (${matched.length - 10} more)` : '');
    if (matched.length === 0) {
      const hint = a.project ? ` ${await whatExists(gateway, ctx.signal)}` : '';
      return { data: result, summary: `No sandboxes match; nothing to clean up.${hint}` };
    }
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
      async (s): Promise<string | null> => {
        const call = { signal: ctx.signal, retryBudget: itemRetryBudget() };
        try {
          // The list may be seconds old, and the API deletes a running sandbox too: read it again first.
          const fresh = await gateway.get(s.id, call);
          if (fresh.state === 'destroying') return null; // already on its way out
          const reason = mismatch(fresh);
          if (reason) return reason;
          await gateway.delete(s.id, call);
          return null;
        } catch (raw) {
          if (toToolError(raw).kind !== 'not_found') throw raw; // already gone is what we wanted
          return null;
        } finally {
          ctx.progress(++done, matched.length, `Deleting: ${done}/${matched.length}`);
        }
      },
      ctx.signal,
    );
    settled.forEach((r, i) => {
      const s = matched[i]!;
      if (r.ok && r.value) result.skipped.push({ id: s.id, name: s.name, reason: r.value });
      else if (r.ok) result.deleted.push({ id: s.id, name: s.name });
      else result.failed.push({ id: s.id, name: s.name, error: toToolError(r.error).toJSON() });
    });
    const failures = result.failed.map((f) => `- ${f.name}: FAILED — ${f.error.message} [${f.error.kind}]`);
    const skips = result.skipped.map((k) => `- ${k.name}: skipped, ${k.reason}`);
    return {
      data: result,
      summary: [
        `Deleted ${sandboxesCount(result.deleted.length)}${result.failed.length ? `, ${count(result.failed.length, 'failure')}` : ''}${truncated ? '; more match — call again' : ''}${result.deleted.length ? `: ${allNames(result.deleted)}` : ''}.`,
        ...skips,
        ...failures,
      ].join('\n'),
      isError: result.deleted.length === 0 && result.failed.length > 0,
      sandboxIds: result.deleted.map((d) => d.id),
    };
  },
});
