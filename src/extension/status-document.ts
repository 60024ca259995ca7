/**
 * "Daytona: MCP Status" as a read-only virtual document (`daytona-status:`): no Untitled buffer, no save
 * prompt on close, and it re-renders whenever the sandbox store (the tree's data) changes.
 */
import * as vscode from 'vscode';
import type { SandboxStore } from './sandbox-store';
import { statusMarkdown, type StatusFacts } from './status-text';

export const STATUS_SCHEME = 'daytona-status';
export const STATUS_URI = vscode.Uri.from({ scheme: STATUS_SCHEME, path: '/Daytona MCP Status.md' });

export class McpStatusProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: SandboxStore, private readonly facts: () => Promise<StatusFacts>) {
    this.subscription = store.onDidChange(() => this.changed.fire(STATUS_URI));
  }

  async provideTextDocumentContent(): Promise<string> {
    // The full list (not only the hidden view's running count), loaded into the store the tree shows.
    if (this.store.status.kind !== 'ready' || this.store.totalCount === undefined) await this.store.refresh();
    return statusMarkdown(await this.facts(), this.store);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
