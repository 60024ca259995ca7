/**
 * Extension entry point. The sidebar, commands and MCP registration arrive with their issues; for now
 * activation only records where the bundled MCP server lives, without loading the Daytona SDK.
 */
import type * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push({ dispose: () => undefined });
}

export function deactivate(): void {
  // Nothing to clean up yet.
}
