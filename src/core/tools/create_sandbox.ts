import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mapSettled } from '../async';
import { admitCreation, CLIENT_LABEL, MADE_BY_LABEL } from '../creation-guard';
import { ToolError, toToolError } from '../errors';
import type { DaytonaGateway } from '../gateway';
import { waitForState } from '../lifecycle';
import { defineTool } from '../tool';
import { LANGUAGE_LABEL, PROJECT_LABEL, type CreateParams, type SandboxDetails } from '../types';
import { envSchema, errorSchema, labelsSchema, projectSchema, sandboxSummarySchema, sandboxName, sandboxRef, timeoutSchema, waitSchema } from './schemas';
import { sandboxLine, sandboxesCount } from './format';

const minutes = (what: string, min: number) => z.number().int().min(min).max(525_600).optional().describe(what);

const input = z.strictObject({
  name: sandboxName.optional().describe('count > 1 appends "-1"…"-N"'),
  snapshot: z.string().trim().min(1).max(255).optional().describe('From list_snapshots'),
  image: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/, 'An image reference looks like "python:3.12-slim" or "ghcr.io/org/app:tag".')
    .meta({ pattern: undefined })
    .optional()
    .describe('e.g. "python:3.12-slim"'),
  language: z.enum(['python', 'typescript', 'javascript']).optional(),
  project: projectSchema.optional(),
  labels: labelsSchema.optional(),
  cpu: z.number().int().min(1).max(64).optional(),
  memory: z.number().int().min(1).max(256).optional().describe('GiB'),
  disk: z.number().int().min(1).max(1024).optional().describe('GiB'),
  autoStopMinutes: minutes('Idle until stop; 0 never, default 15', 0),
  autoArchiveMinutes: minutes('Stopped until archive; 0 max, default 7 d', 0),
  autoDeleteMinutes: minutes('Stopped until delete; -1 never (default)', -1),
  env: envSchema.optional(),
  public: z.boolean().optional().describe('Previews without auth'),
  copyFrom: sandboxRef.optional().describe('Replicate this sandbox (not its env)'),
  count: z.number().int().min(1).max(20).default(1),
  wait: waitSchema,
  timeoutSeconds: timeoutSchema,
});

type Input = z.output<typeof input>;

const RESOURCES_NEED_IMAGE =
  'cpu, memory and disk can only be chosen when building from an image (e.g. image: "python:3.12-slim"): a snapshot ' +
  'fixes its own resources. Drop them to use the snapshot\'s size, or add `image`.';

/**
 * Where the sandbox comes from: an explicit snapshot or image, else copyFrom's origin (an image-built
 * source is rebuilt from its Dockerfile with its resources; a snapshot-based one reuses the snapshot).
 */
function origin(a: Input, source: SandboxDetails | undefined): Pick<CreateParams, 'snapshot' | 'dockerfile' | 'cpu' | 'memory' | 'disk'> {
  if (a.snapshot && a.image) throw new ToolError('invalid_input', 'Give either snapshot or image, not both.');
  const resources = { cpu: a.cpu, memory: a.memory, disk: a.disk };
  const wantsResources = Object.values(resources).some((v) => v !== undefined);
  if (a.image) return { dockerfile: `FROM ${a.image}\n`, ...resources };
  if (a.snapshot || !source) {
    if (wantsResources) throw new ToolError('invalid_input', RESOURCES_NEED_IMAGE);
    return { snapshot: a.snapshot };
  }
  if (source.dockerfile) {
    return { dockerfile: source.dockerfile, cpu: a.cpu ?? source.cpu, memory: a.memory ?? source.memory, disk: a.disk ?? source.disk };
  }
  if (wantsResources) throw new ToolError('invalid_input', `${source.name} was created from a snapshot. ${RESOURCES_NEED_IMAGE}`);
  return { snapshot: source.snapshot ?? undefined };
}

/** Settings of `copyFrom` first, then the explicit arguments on top. */
function buildParams(a: Input, source: SandboxDetails | undefined, defaultProject: string | undefined): Omit<CreateParams, 'name'> {
  const labels: Record<string, string> = { ...(source?.labels ?? {}) };
  // Bookkeeping of the source, not settings: the copy says who made the copy (admitCreation).
  for (const k of [LANGUAGE_LABEL, MADE_BY_LABEL, CLIENT_LABEL]) delete labels[k];
  const project = a.project ?? (source ? undefined : defaultProject);
  Object.assign(labels, a.labels ?? {}, project ? { [PROJECT_LABEL]: project } : {});
  const pick = <T>(explicit: T | undefined, copied: T | null | undefined): T | undefined => explicit ?? copied ?? undefined;
  return {
    ...origin(a, source),
    language: a.language ?? source?.labels[LANGUAGE_LABEL],
    labels,
    autoStopMinutes: pick(a.autoStopMinutes, source?.autoStopMinutes),
    autoArchiveMinutes: pick(a.autoArchiveMinutes, source?.autoArchiveMinutes),
    autoDeleteMinutes: pick(a.autoDeleteMinutes, source?.autoDeleteMinutes),
    env: a.env,
    public: a.public ?? source?.public,
  };
}

function namesFor(a: Input, project: string | undefined): string[] {
  // Always send a name: after an ambiguous failure (timeout, 5xx) we can then look it up instead of
  // blindly creating a duplicate.
  const base = a.name ?? `${(project ?? 'sandbox').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 40) || 'sandbox'}-${randomBytes(3).toString('hex')}`;
  if (a.count === 1) return [base];
  if (base.length > 60) throw new ToolError('invalid_input', `The name "${base}" is too long to add a "-N" suffix; use at most 60 characters with count > 1.`);
  return Array.from({ length: a.count }, (_, i) => `${base}-${i + 1}`);
}

const AMBIGUOUS = new Set(['network', 'timeout', 'unknown']);

/** Creates once; after an ambiguous failure, looks the name up before trying a second time. */
async function createOnce(gateway: DaytonaGateway, params: CreateParams, signal: AbortSignal): Promise<SandboxDetails> {
  try {
    return await gateway.create(params, { signal });
  } catch (raw) {
    const err = toToolError(raw);
    if (!AMBIGUOUS.has(err.kind) || !params.name || signal.aborted) throw err;
    try {
      return await gateway.get(params.name, { signal });
    } catch (lookup) {
      if (toToolError(lookup).kind !== 'not_found') throw err;
    }
    return gateway.create(params, { signal });
  }
}

export const createSandbox = defineTool({
  name: 'create_sandbox',
  title: 'Create sandboxes',
  description:
    'Create sandboxes (count alike, in parallel) from a snapshot (default if omitted) or an image (needed for ' +
    'cpu/memory/disk); copyFrom replicates one. Waits until started.',
  input,
  output: z.object({
    sandboxes: z.array(sandboxSummarySchema),
    failed: z.array(z.object({ name: z.string(), error: errorSchema })),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(a, ctx) {
    // Refused whole, before any API call, when it would pass the creation limit.
    const admitted = admitCreation(ctx, 'create_sandbox', a.count);
    let params: Omit<CreateParams, 'name'>;
    let names: string[];
    let gateway: DaytonaGateway;
    try {
      gateway = await ctx.gateway();
      const source = a.copyFrom ? await gateway.get(a.copyFrom, { signal: ctx.signal }) : undefined;
      params = buildParams(a, source, ctx.defaults.project);
      Object.assign(params.labels, admitted.labels);
      names = namesFor(a, params.labels[PROJECT_LABEL]);
    } catch (err) {
      admitted.release(a.count);
      throw err;
    }
    let done = 0;
    // What the API accepted, per name: a sandbox that then failed to start (or whose wait timed out)
    // still exists, still counts against the creation limit, and the result must say so.
    const accepted = new Map<string, SandboxDetails>();
    const settled = await mapSettled(
      names,
      // At most 20: all at once; the gateway caps the requests in flight.
      names.length,
      async (name) => {
        try {
          const created = await createOnce(gateway, { ...params, name }, ctx.signal);
          accepted.set(name, created);
          if (!a.wait || created.state === 'started') return created;
          return (await waitForState(gateway, created.id, new Set(['started']), { timeoutMs: a.timeoutSeconds * 1000, signal: ctx.signal })) ?? created;
        } finally {
          ctx.progress(++done, names.length, `Creating: ${done}/${names.length}`);
        }
      },
      ctx.signal,
    );
    const sandboxes: SandboxDetails[] = [];
    const failed: Array<{ name: string; error: ReturnType<ToolError['toJSON']> }> = [];
    settled.forEach((r, i) => (r.ok ? sandboxes.push(r.value) : failed.push({ name: names[i] as string, error: toToolError(r.error).toJSON() })));
    const madeButFailed = failed.filter((f) => accepted.has(f.name));
    admitted.release(failed.length - madeButFailed.length);
    const made = sandboxes.length + madeButFailed.length;
    const lines = [
      sandboxes.length ? `Created ${sandboxesCount(sandboxes.length)}${a.wait ? '' : ' (not waiting for them to start)'}:` : made ? 'No sandbox is ready yet.' : 'No sandbox was created.',
      ...sandboxes.map((s) => sandboxLine(s)),
      ...failed.map((f) => {
        const id = accepted.get(f.name)?.id;
        const what = id ? `CREATED as ${id} but not started — ${f.error.message}; it exists and counts against the creation limit` : `FAILED — ${f.error.message}`;
        return `- ${f.name}: ${what} [${f.error.kind}] ${f.error.hint}`;
      }),
    ];
    const ids = [...sandboxes.map((s) => s.id), ...madeButFailed.map((f) => accepted.get(f.name)!.id)];
    return { data: { sandboxes, failed }, summary: lines.join('\n'), isError: sandboxes.length === 0, sandboxIds: ids };
  },
});
