import { z } from 'zod';
import type { DaytonaGateway } from '../gateway';
import { forkRefusal } from '../types';
import { defineTool } from '../tool';
import { sandboxDetailsSchema, sandboxRef } from './schemas';
import { sandboxLine } from './format';
import { withClosestNames } from './suggest';

/** Lines of a failed build's log shown with the sandbox: enough for the error, not the whole build. */
export const BUILD_LOG_TAIL_LINES = 20;

/** The last lines of a build log (at most 4 KB); null when the API has none or cannot give it. */
export async function buildLogTailOf(gateway: DaytonaGateway, id: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const lines = (await gateway.buildLog(id, { signal })).trimEnd().split('\n');
    const tail = lines.slice(-BUILD_LOG_TAIL_LINES).join('\n');
    return tail.length > 4096 ? tail.slice(-4096) : tail || null;
  } catch (err) {
    if (signal?.aborted) throw err;
    return null;
  }
}

export const getSandbox = defineTool({
  name: 'get_sandbox',
  title: 'Get sandbox details',
  description:
    'One sandbox in detail: resources, region, labels, auto-stop/archive/delete, timestamps, why it failed, env names.',
  input: z.strictObject({ sandbox: sandboxRef }),
  output: z.object({ sandbox: sandboxDetailsSchema, buildLogTail: z.string().nullable().optional() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, ctx) {
    const gateway = await ctx.gateway();
    const sandbox = await gateway.get(input.sandbox, { signal: ctx.signal }).catch((e: unknown) => withClosestNames(gateway, input.sandbox, e, ctx.signal));
    const buildLogTail = sandbox.state === 'build_failed' ? await buildLogTailOf(gateway, sandbox.id, ctx.signal) : null;
    const extra = [
      `  class ${sandbox.sandboxClass}${forkRefusal(sandbox) ? ' (cannot fork)' : ' (can fork)'}`,
      `  created ${sandbox.createdAt ?? '?'}, last activity ${sandbox.lastActivityAt ?? '?'}`,
      `  auto-stop ${sandbox.autoStopMinutes ?? '?'} min, auto-archive ${sandbox.autoArchiveMinutes ?? '?'} min, auto-delete ${sandbox.autoDeleteMinutes ?? '?'} min`,
      sandbox.errorReason ? `  error: ${sandbox.errorReason}` : '',
      sandbox.envNames.length ? `  env: ${sandbox.envNames.join(', ')}` : '',
      buildLogTail ? `  build log (last lines):\n${buildLogTail.replace(/^/gm, '    ')}` : '',
    ].filter(Boolean);
    return { data: { sandbox, buildLogTail }, summary: [sandboxLine(sandbox), ...extra].join('\n'), sandboxIds: [sandbox.id] };
  },
});
