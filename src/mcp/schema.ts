/** JSON Schema for tools/list, from the tools' zod schemas (draft-7, as MCP clients validate with it). */
import { z } from 'zod';

type JsonSchema = { type: 'object'; [k: string]: unknown };

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, type: 'object' };
}
