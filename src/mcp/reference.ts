/**
 * Markdown tool reference generated from the tool definitions (README and docs/tools.md embed it; a
 * test checks they match tools/list exactly).
 */
import type { AnyTool } from '../core/tool';
import { toJsonSchema } from './schema';

interface PropSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: PropSchema[];
  items?: PropSchema;
}

function typeOf(p: PropSchema): string {
  if (p.enum) return p.enum.length > 6 ? 'state' : p.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  if (p.anyOf) return p.anyOf.map(typeOf).join(' \\| ');
  if (p.type === 'array') return `${p.items ? typeOf(p.items) : 'any'}[]`;
  return Array.isArray(p.type) ? p.type.join(' \\| ') : (p.type ?? 'any');
}

function hints(t: AnyTool): string {
  const a = t.annotations;
  return [a.readOnlyHint ? 'read-only' : 'writes', a.destructiveHint ? 'destructive' : '', a.idempotentHint ? 'idempotent' : ''].filter(Boolean).join(', ');
}

export function toolReferenceMarkdown(tools: readonly AnyTool[]): string {
  const out: string[] = [];
  for (const t of tools) {
    const schema = toJsonSchema(t.input, 'input') as { properties?: Record<string, PropSchema>; required?: string[] };
    out.push(`### \`${t.name}\` — ${t.title}`, '', `_${hints(t)}_`, '', t.description, '');
    const props = Object.entries(schema.properties ?? {});
    if (props.length) {
      out.push('| argument | type | default | description |', '|---|---|---|---|');
      for (const [name, p] of props) {
        const required = schema.required?.includes(name) && p.default === undefined;
        const def = p.default === undefined ? (required ? '**required**' : '') : `\`${JSON.stringify(p.default)}\``;
        out.push(`| \`${name}\` | ${typeOf(p)} | ${def} | ${(p.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}
