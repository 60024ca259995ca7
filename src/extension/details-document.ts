/** Read-only JSON documents (`daytona-sandbox:/<name>.json`) with a sandbox's details from get_sandbox. */
import * as vscode from 'vscode';
import { TOOLS } from '../core/tools';
import type { ToolContext } from '../core/tool';
import { callTool } from './tool-invoker';

export const DETAILS_SCHEME = 'daytona-sandbox';

export class SandboxDetailsProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly context: (signal: AbortSignal) => ToolContext) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const id = new URLSearchParams(uri.query).get('id') ?? uri.path.replace(/^\//, '').replace(/\.json$/, '');
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const out = await callTool(TOOLS.getSandbox, { sandbox: id }, this.context(controller.signal));
    return `${JSON.stringify(out.data.sandbox, null, 2)}\n`;
  }
}

export function detailsUri(name: string, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${name}.json`, query: `id=${encodeURIComponent(id)}` });
}
