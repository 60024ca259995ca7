/**
 * The editor's adapter over core/invoke.ts: the same validation and error mapping agents get over
 * MCP, with a failure thrown as its ToolError (commands catch it and show a notification). No
 * vscode import, so it is unit-tested against the emulator; tool-runner.ts adds progress and
 * cancellation.
 */
import type { z } from 'zod';
import { invokeTool } from '../core/invoke';
import type { ToolContext, ToolDefinition, ToolOutcome } from '../core/tool';

export async function callTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
  input: z.input<I>,
  ctx: ToolContext,
): Promise<ToolOutcome<z.input<O>>> {
  const result = await invokeTool(tool, input, ctx);
  if (!result.ok) throw result.error;
  return result.outcome;
}
