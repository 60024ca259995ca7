/**
 * The one validate-and-run path every host uses (the MCP server, the editor's commands): refuse
 * prototype keys, validate with the tool's own schema, run the handler, map what it throws to a
 * ToolError. Returns a plain result; each host presents it its own way (a CallToolResult, a
 * notification) and adds what only it knows (audit, progress, cancellation).
 */
import type { z } from 'zod';
import { ToolError, toToolError } from './errors';
import type { ToolContext, ToolDefinition, ToolOutcome } from './tool';

export type InvokeResult<O> =
  | { ok: true; outcome: ToolOutcome<O> }
  /** `stage` says whether the input was refused (the handler never ran) or the run failed. */
  | { ok: false; stage: 'input' | 'run'; error: ToolError };

/** Keys that could reach Object.prototype when copied; refused anywhere in the arguments. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function findUnsafeKey(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (!value || typeof value !== 'object' || depth > 20) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (UNSAFE_KEYS.has(k)) return [...path, k].join('.');
    const found = findUnsafeKey(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** "sandboxes: Too small…; wait: Expected boolean…": every issue, each with where it is. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`).join('; ');
}

/** Checks `args` against the tool's schema without running it. */
function parseArguments<I extends z.ZodObject>(tool: ToolDefinition<I, z.ZodObject>, args: unknown): { ok: true; data: z.output<I> } | { ok: false; error: ToolError } {
  const unsafe = findUnsafeKey(args);
  if (unsafe) {
    return { ok: false, error: new ToolError('invalid_input', `Invalid arguments for ${tool.name}: the key "${unsafe}" is not allowed (__proto__, constructor and prototype are reserved).`) };
  }
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: new ToolError('invalid_input', `Invalid arguments for ${tool.name}: ${formatIssues(parsed.error)}`, {
        hint: 'Fix the arguments as described (see the tool\'s input schema) and call again.',
      }),
    };
  }
  return { ok: true, data: parsed.data };
}

export async function invokeTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
  args: unknown,
  ctx: ToolContext,
): Promise<InvokeResult<z.input<O>>> {
  const parsed = parseArguments(tool, args);
  if (!parsed.ok) return { ok: false, stage: 'input', error: parsed.error };
  try {
    return { ok: true, outcome: await tool.handler(parsed.data, ctx) };
  } catch (raw) {
    return { ok: false, stage: 'run', error: toToolError(raw) };
  }
}
