/**
 * The shared shape of start/stop/archive/delete: many sandboxes per call, bounded parallelism,
 * per-item results, "already there" counts as success, and the call fails only if every item did.
 */
import { z } from 'zod';
import { mapSettled } from '../async';
import { toToolError } from '../errors';
import { performAction } from '../lifecycle';
import { sameStateAsSeen } from '../fresh-check';
import { defineTool, type ToolAnnotations } from '../tool';
import type { LifecycleAction } from '../types';
import { errorSchema, sandboxRefs, stateOut, timeoutSchema, waitSchema } from './schemas';
import { count, errorLine } from './format';
import { withClosestNames } from './suggest';

/** Items worked on at once; the gateway separately caps requests in flight. */
export const BULK_CONCURRENCY = 16;

export const resultItemSchema = z.object({
  sandbox: z.string(),
  id: z.string().nullable(),
  name: z.string().nullable(),
  ok: z.boolean(),
  changed: z.boolean().describe('False if already there'),
  state: stateOut.nullable(),
  error: errorSchema.nullable(),
});
export type ResultItem = z.infer<typeof resultItemSchema>;

interface LifecycleToolSpec {
  action: LifecycleAction;
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  /** Extra input fields (stop's `force`). */
  force?: boolean;
  pastTense: string;
  /** Imperative, for "stop requested, now stopping". */
  verb: string;
  /** Under way, capitalised, for a progress title: "Stopping web…". */
  ongoing: string;
  /** Ask the user (elicitation, where the client supports it) before acting on more than this many. */
  confirmAbove?: number;
}

/** The action and its words, kept on the tool so hosts (the editor's titles and notifications) need not repeat them. */
export type LifecycleWords = Pick<LifecycleToolSpec, 'action' | 'verb' | 'pastTense' | 'ongoing'>;
export type LifecycleTool = ReturnType<typeof lifecycleTool>;

export function lifecycleTool(spec: LifecycleToolSpec) {
  const base = z.strictObject({ sandboxes: sandboxRefs, wait: waitSchema, timeoutSeconds: timeoutSchema });
  const input = spec.force
    ? base.extend({ force: z.boolean().default(false).describe('Not graceful') })
    : base.extend({});
  const words: LifecycleWords = { action: spec.action, verb: spec.verb, pastTense: spec.pastTense, ongoing: spec.ongoing };
  const tool = defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input,
    output: z.object({
      results: z.array(resultItemSchema),
      succeeded: z.number(),
      failed: z.number(),
    }),
    annotations: spec.annotations,
    async handler(args, ctx) {
      const gateway = await ctx.gateway();
      const refs = [...new Set(args.sandboxes)];
      const force = 'force' in args ? Boolean(args.force) : false;
      if (spec.confirmAbove !== undefined && refs.length > spec.confirmAbove) {
        const answer = await ctx.confirm(`${spec.title}: ${refs.length} sandboxes, permanently? ${refs.join(', ')}`);
        if (answer === 'declined') {
          return {
            data: { results: [], succeeded: 0, failed: 0 },
            summary: `The user declined; nothing was ${spec.pastTense} (${refs.length} asked: ${refs.join(', ')}).`,
          };
        }
      }
      let done = 0;
      const settled = await mapSettled(
        refs,
        BULK_CONCURRENCY,
        async (ref) => {
          try {
            return await performAction(gateway, ref, spec.action, {
              wait: args.wait,
              force,
              timeoutMs: args.timeoutSeconds * 1000,
              signal: ctx.signal,
              // Chosen from what a host showed: skip any that changed since (never act on stale information).
              recheck: ctx.seen && refs.length > 1 ? sameStateAsSeen(ctx.seen) : undefined,
            });
          } catch (raw) {
            return await withClosestNames(gateway, ref, raw, ctx.signal);
          } finally {
            ctx.progress(++done, refs.length, `${spec.title}: ${done}/${refs.length}`);
          }
        },
        ctx.signal,
      );
      const results: ResultItem[] = settled.map((r, i) => {
        const ref = refs[i] as string;
        if (r.ok) {
          return { sandbox: ref, id: r.value.sandbox.id, name: r.value.sandbox.name, ok: true, changed: r.value.changed, state: r.value.state, error: null };
        }
        return { sandbox: ref, id: null, name: null, ok: false, changed: false, state: null, error: toToolError(r.error).toJSON() };
      });
      const ok = results.filter((r) => r.ok);
      const failed = results.filter((r) => !r.ok);
      // Stopping an ephemeral sandbox (auto-delete 0) deletes it: say so, it is not a failed stop.
      const ephemeral = (r: ResultItem) => spec.action === 'stop' && r.changed && (r.state === 'destroyed' || r.state === 'destroying');
      const lines = results.map((r) =>
        r.ok
          ? `- ${r.name} (id ${r.id}): ${ephemeral(r) ? `${r.state === 'destroyed' ? 'stopped and deleted' : 'stop requested; it is being deleted'} (ephemeral: auto-delete 0)` : !r.changed ? `already ${r.state}` : args.wait ? spec.pastTense : `${spec.verb} requested (now ${r.state})`}`
          : `- ${r.sandbox}: FAILED — ${errorLine(r.error!)}`,
      );
      const head = failed.length === 0
        ? `${count(ok.length, 'sandbox', 'sandboxes')} ${spec.pastTense}.`
        : `${ok.length} of ${results.length} succeeded, ${failed.length} failed.`;
      return {
        data: { results, succeeded: ok.length, failed: failed.length },
        summary: [head, ...lines].join('\n'),
        isError: ok.length === 0,
        sandboxIds: ok.map((r) => r.id as string),
      };
    },
  });
  return Object.assign(tool, { lifecycle: words });
}
