/**
 * JSON Schema for tools/list, from the tools' zod schemas (draft-7, as MCP clients validate with it).
 *
 * Every agent turn pays for these bytes (README "Tool definitions budget"), so the JSON is compacted
 * without losing what a model or client acts on: string length caps (255 characters, 2 KiB cursors)
 * and `additionalProperties: false` are dropped (the server still enforces them and its error names
 * the limit); results do not list `required` fields (they always carry all); `anyOf [X, null]` becomes
 * `type: [X, "null"]`; and "X or a list of X" is shown as the list. Enums, patterns, numeric and array
 * bounds, defaults and descriptions stay.
 */
import { z } from 'zod';

type JsonSchema = { type: 'object'; [k: string]: unknown };
type Node = Record<string, unknown>;

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Node;
  delete json.$schema;
  return { ...(compact(json, io) as Node), type: 'object' };
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function compact(value: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(value)) return value.map((v) => compact(v, io));
  if (!isNode(value)) return value;
  const node: Node = {};
  for (const [k, v] of Object.entries(value)) {
    node[k] = k === 'properties' && isNode(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, compact(s, io)])) : compact(v, io);
  }
  if (node.additionalProperties === false) delete node.additionalProperties;
  if (node.description && isNode(node.items)) delete node.items.description; // the list's description says it
  if (io === 'output') {
    // Results always carry every field; saying so per field costs more than it tells a client. And
    // in data this server produces, `properties` already means an object and `items` an array.
    if (Array.isArray(node.required)) delete node.required;
    if (node.type === 'object' && node.properties) delete node.type;
    if (node.type === 'array' && node.items) delete node.type;
  }
  // An empty default ({} or []) is the same as leaving the argument out.
  if (['{}', '[]'].includes(JSON.stringify(node.default))) delete node.default;
  if (isNode(node.propertyNames) && node.propertyNames.type === 'string' && Object.keys(node.propertyNames).length === 1) delete node.propertyNames;
  // Safety caps of a year and more (minutes) say nothing to a caller.
  if (node.type === 'integer' && typeof node.maximum === 'number' && node.maximum >= 100_000) delete node.maximum;
  // A record of strings: its description shows it ({"owner": "ana"}).
  if (node.type === 'object' && node.description && isNode(node.additionalProperties) && node.additionalProperties.type === 'string') delete node.additionalProperties;
  if (node.type === 'array' && node.maxItems === 64) delete node.maxItems; // the label cap, enforced with its message
  if (node.type === 'array' && node.minItems === 1) delete node.minItems; // an empty list is answered with a clear error
  if (node.type === 'string') {
    delete node.minLength;
    delete node.maxLength;
    if (node.enum) delete node.type; // the values say it
  }
  const anyOf = node.anyOf;
  // "One value or a list of them": the list alone says it (the server still accepts a single value).
  if (Array.isArray(anyOf) && anyOf.length === 2 && isNode(anyOf[1]) && anyOf[1].type === 'array' && JSON.stringify(anyOf[1].items) === JSON.stringify(anyOf[0])) {
    delete node.anyOf;
    return { ...node, ...anyOf[1] };
  }
  if (Array.isArray(anyOf) && anyOf.length === 2 && isNode(anyOf[1]) && anyOf[1].type === 'null' && Object.keys(anyOf[1]).length === 1 && isNode(anyOf[0])) {
    const first = anyOf[0];
    if (typeof first.type === 'string') {
      delete node.anyOf;
      return { ...node, ...first, type: [first.type, 'null'] };
    }
    if (Array.isArray(first.enum) && first.type === undefined) {
      delete node.anyOf;
      return { ...node, ...first, enum: [...first.enum, null] };
    }
  }
  return node;
}
