/** Short text renderings for tool summaries: one line per sandbox, readable in any agent transcript. */
import { visibleLabels, type Sandbox } from '../types';
import type { ToolError } from '../errors';

export function sandboxLine(s: Sandbox): string {
  const labels = visibleLabels(s.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const resources = `${s.cpu} CPU, ${s.memory} GiB RAM, ${s.disk} GiB disk`;
  return `- ${s.name} (id ${s.id}) — ${s.state} · ${resources}${s.target ? ` · ${s.target}` : ''}${labels ? ` · ${labels}` : ''}`;
}

export function errorLine(e: Pick<ToolError, 'kind' | 'message' | 'hint'>): string {
  return `${e.message} [${e.kind}] ${e.hint}`;
}

export function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

export const sandboxesCount = (n: number): string => count(n, 'sandbox', 'sandboxes');
