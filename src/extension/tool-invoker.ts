/**
 * The one adapter between editor commands and the core tools: validate input with the tool's own
 * schema, run its handler with a host-supplied context. No vscode import, so it is unit-tested
 * against the emulator; commands.ts wraps it with progress, cancellation and notifications.
 */
import type { z } from 'zod';
import { ToolError } from '../core/errors';
import type { ToolContext, ToolDefinition, ToolOutcome } from '../core/tool';

export async function invokeTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
  input: z.input<I>,
  ctx: ToolContext,
): Promise<ToolOutcome<z.input<O>>> {
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    throw new ToolError('invalid_input', detail);
  }
  return tool.handler(parsed.data, ctx);
}
