/** TreeDataProvider over the SandboxStore: groups → sandboxes, presented by tree-model.ts. */
import * as vscode from 'vscode';
import type { SandboxDetails } from '../core/types';
import type { SandboxStore } from './sandbox-store';
import { groupSandboxes, present, type Group, type GroupBy } from './tree-model';

export type Node = { type: 'group'; group: Group } | { type: 'sandbox'; sandbox: SandboxDetails } | { type: 'message'; text: string; icon: string };

export class SandboxTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: SandboxStore, private groupBy: () => GroupBy) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node?.type === 'group') return node.group.sandboxes.map((sandbox) => ({ type: 'sandbox', sandbox }));
    if (node) return [];
    const status = this.store.status;
    if (status.kind === 'error' && this.store.sandboxes.length === 0) {
      return [{ type: 'message', text: `${status.error.message} — ${status.error.hint}`, icon: 'warning' }];
    }
    // Empty array lets the welcome view ("no sandboxes yet") show; while loading show nothing.
    if (this.store.sandboxes.length === 0) return [];
    const groups = groupSandboxes(this.store.sandboxes, this.groupBy(), this.store.homeOf);
    const nodes: Node[] =
      groups.length === 1 && this.groupBy() === 'none'
        ? groups[0]!.sandboxes.map((sandbox) => ({ type: 'sandbox', sandbox }))
        : groups.map((group) => ({ type: 'group', group }));
    if (this.store.truncated) nodes.push({ type: 'message', text: 'Showing the first sandboxes only; narrow with list_sandboxes filters', icon: 'info' });
    return nodes;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group.key}`;
      item.description = String(node.group.sandboxes.length);
      item.contextValue = 'group';
      return item;
    }
    if (node.type === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = 'message';
      return item;
    }
    const p = present(node.sandbox);
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
    item.id = `sandbox:${node.sandbox.id}`;
    item.description = p.description;
    item.contextValue = p.contextValue;
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    const tooltip = new vscode.MarkdownString(p.tooltip, true);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
