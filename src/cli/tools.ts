/** `tools`: the tool reference, generated from the definitions so docs cannot drift from code. */
import { selectTools } from '../core/tools';
import { toolReferenceMarkdown } from '../mcp/reference';
import { toJsonSchema } from '../mcp/schema';
import { parseArgs } from './args';

export function toolsCommand(argv: readonly string[]): void {
  const args = parseArgs(argv, { flags: ['json'] });
  const tools = selectTools({});
  if (args.options.has('json')) {
    const json = tools.map((t) => ({ name: t.name, title: t.title, description: t.description, annotations: t.annotations, inputSchema: toJsonSchema(t.input, 'input') }));
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  process.stdout.write(toolReferenceMarkdown(tools));
}
