/**
 * "Daytona: MCP Status" as a webview page: rendered tables (not Markdown source in a text editor), no
 * buffer to save. Its facts are read afresh whenever it is shown, after Init MCP, and when the sandbox
 * store (the tree's data) changes, so it never shows an earlier state of the config files.
 */
import * as vscode from 'vscode';
import type { SandboxStore } from './sandbox-store';
import { statusHtml, type StatusFacts } from './status-text';

export const STATUS_TITLE = 'Daytona MCP Status';

export class McpStatusPage implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: { dispose(): void };
  /** Renders in flight: only the newest one may write the page. */
  private generation = 0;

  constructor(private readonly store: SandboxStore, private readonly facts: () => Promise<StatusFacts>) {
    // A store change re-renders without asking the store to load again (that would loop on an error).
    this.subscription = store.onDidChange(() => void this.render(false));
  }

  /** Opens the page, or brings it forward, and reads everything again. */
  async show(): Promise<void> {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('daytona.mcpStatus', STATUS_TITLE, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) void this.render();
      });
    } else {
      this.panel.reveal();
    }
    await this.render();
  }

  /** Something the page states may have changed (Init MCP wrote a file): re-read it if it is open. */
  async refresh(): Promise<void> {
    await this.render();
  }

  private async render(load = true): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const mine = ++this.generation;
    // The full list (not only the hidden view's running count), loaded into the store the tree shows.
    if (load && (this.store.status.kind !== 'ready' || this.store.totalCount === undefined)) await this.store.refresh();
    const html = statusHtml(await this.facts(), this.store, new Date().toLocaleTimeString());
    if (mine === this.generation && this.panel === panel) panel.webview.html = html;
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
