import { z } from 'zod';
import { defineTool } from '../tool';
import { sandboxDetailsSchema, sandboxRef } from './schemas';
import { sandboxLine } from './format';
import { withClosestNames } from './suggest';

export const getSandbox = defineTool({
  name: 'get_sandbox',
  title: 'Get sandbox details',
  description:
    'One sandbox in detail: resources, region, labels, auto-stop/archive/delete, timestamps, why it failed, env names.',
  input: z.strictObject({ sandbox: sandboxRef }),
  output: z.object({ sandbox: sandboxDetailsSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(input, ctx) {
    const gateway = await ctx.gateway();
    const sandbox = await gateway.get(input.sandbox, { signal: ctx.signal }).catch((e: unknown) => withClosestNames(gateway, input.sandbox, e, ctx.signal));
    const extra = [
      `  created ${sandbox.createdAt ?? '?'}, last activity ${sandbox.lastActivityAt ?? '?'}`,
      `  auto-stop ${sandbox.autoStopMinutes ?? '?'} min, auto-archive ${sandbox.autoArchiveMinutes ?? '?'} min, auto-delete ${sandbox.autoDeleteMinutes ?? '?'} min`,
      sandbox.errorReason ? `  error: ${sandbox.errorReason}` : '',
      sandbox.envNames.length ? `  env: ${sandbox.envNames.join(', ')}` : '',
    ].filter(Boolean);
    return { data: { sandbox }, summary: [sandboxLine(sandbox), ...extra].join('\n'), sandboxIds: [sandbox.id] };
  },
});
