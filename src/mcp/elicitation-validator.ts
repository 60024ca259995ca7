/**
 * The JSON Schema validator the MCP server gives the SDK. The SDK uses it for one thing: checking an
 * elicitation answer against the `requestedSchema` this server sent — and the only one it sends is
 * a flat form (an object of boolean / string / number fields, some required; see server.ts).
 * A validator for that shape keeps Ajv (with its formats and URI parser, ~17 % of the CLI bundle)
 * out of dist/cli.js: the build replaces the SDK's default Ajv provider, which would otherwise be
 * bundled, with `./no-ajv.ts`. A schema outside that shape is refused, never half-checked.
 */
import type { jsonSchemaValidator, JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

type FieldType = 'boolean' | 'string' | 'number' | 'integer';
const FIELD_TYPES = new Set<string>(['boolean', 'string', 'number', 'integer']);

function fits(type: FieldType, v: unknown): boolean {
  if (type === 'integer') return Number.isInteger(v);
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === type;
}

/** A validator for a flat form schema; throws for any other schema (this server sends no other). */
export function flatFormValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const fields = Object.entries(props).map(([name, p]) => {
    if (typeof p !== 'object' || p === null || typeof p.type !== 'string' || !FIELD_TYPES.has(p.type)) {
      throw new Error(`unsupported elicitation schema: field "${name}" is not a boolean, string or number`);
    }
    return { name, type: p.type as FieldType };
  });
  if (schema.type !== 'object') throw new Error('unsupported elicitation schema: not an object');
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return (input) => {
    const fail = (errorMessage: string) => ({ valid: false as const, data: undefined, errorMessage });
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('the answer is not an object');
    const o = input as Record<string, unknown>;
    for (const name of required) if (!(name in o)) return fail(`"${name}" is required`);
    for (const { name, type } of fields) if (name in o && !fits(type, o[name])) return fail(`"${name}" must be a ${type}`);
    for (const name of Object.keys(o)) if (!(name in props)) return fail(`"${name}" was not asked for`);
    return { valid: true as const, data: input as T, errorMessage: undefined };
  };
}

export const elicitationValidator: jsonSchemaValidator = { getValidator: flatFormValidator };
