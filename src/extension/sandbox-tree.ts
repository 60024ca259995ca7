/** TreeDataProvider over the SandboxStore: groups → sandboxes (filtered, natural order), presented by tree-model.ts. */
import * as vscode from 'vscode';
import { PROJECT_LABEL, type SandboxDetails } from '../core/types';
import type { SandboxStore } from './sandbox-store';
import { groupSandboxes, matchesFilter, presentRow, tooltipOf, type Group, type GroupBy } from './tree-model';

type SandboxNode = { type: 'sandbox'; sandbox: SandboxDetails };
export type Node = { type: 'group'; group: Group } | SandboxNode | { type: 'message'; text: string; icon: string };

export class SandboxTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: SandboxStore, private groupBy: () => GroupBy) {
    this.subscription = store.onDidChange((ids) => this.storeChanged(ids));
  }

  /**
   * The same node object per sandbox, so one that changed in place (an event: a new state) is redrawn
   * alone with fire(node); redrawing 10,000 rows for one state change takes seconds.
   */
  private readonly nodes = new Map<string, SandboxNode>();

  private nodeFor(sandbox: SandboxDetails): SandboxNode {
    const node = this.nodes.get(sandbox.id);
    if (node) {
      node.sandbox = sandbox;
      return node;
    }
    const made: SandboxNode = { type: 'sandbox', sandbox };
    this.nodes.set(sandbox.id, made);
    return made;
  }

  private storeChanged(ids: readonly string[] | undefined): void {
    const inPlace: Array<[SandboxNode, SandboxDetails]> = [];
    for (const id of ids ?? []) {
      const node = this.nodes.get(id);
      const now = this.store.sandbox(id);
      if (!node || !now || !this.samePlace(node.sandbox, now)) return this.changed.fire(undefined);
      inPlace.push([node, now]);
    }
    if (!inPlace.length) return this.changed.fire(undefined);
    for (const [node, now] of inPlace) {
      node.sandbox = now;
      this.changed.fire(node);
    }
  }

  /**
   * Whether a changed sandbox keeps its row: same name, group and filter match, still listed. The group
   * is the home state (tree-model's HomeState): an action shown while it runs (resizing, stopping…)
   * keeps the row where it is, so the row is redrawn alone. A whole-tree refresh for it would also be
   * needed again a moment later, when the action ends; the editor may serve the second from the first's
   * answer when they overlap, and then the row kept showing the action (seen: "resizing" after a
   * resize the API refused 40 ms later).
   */
  private samePlace(was: SandboxDetails, now: SandboxDetails): boolean {
    const gone = (s: SandboxDetails) => s.state === 'destroying' || s.state === 'destroyed';
    const by = this.groupBy();
    return (
      was.name === now.name &&
      gone(was) === gone(now) &&
      (by !== 'state' || this.store.homeOf(was) === this.store.homeOf(now)) &&
      (by !== 'project' || (was.labels[PROJECT_LABEL] ?? '').toLowerCase() === (now.labels[PROJECT_LABEL] ?? '').toLowerCase()) &&
      (!this.filterText || matchesFilter(was, this.filterText) === matchesFilter(now, this.filterText))
    );
  }

  /** The view's filter (name, label value, project or key=value); empty shows all. */
  private filterText = '';

  refresh(): void {
    this.changed.fire(undefined);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.refresh();
  }

  /** "Filter: web — 12 of 10,000" for the view's message; undefined without a filter. */
  filterMessage(): string | undefined {
    if (!this.filterText) return undefined;
    const all = this.store.sandboxes.filter((s) => s.state !== 'destroying' && s.state !== 'destroyed');
    const shown = all.filter((s) => matchesFilter(s, this.filterText)).length;
    return `Filter: ${this.filterText} — ${shown.toLocaleString('en')} of ${all.length.toLocaleString('en')}${this.store.loadingMore ? '…' : ''}`;
  }

  getChildren(node?: Node): Node[] {
    if (node?.type === 'group') return node.group.sandboxes.map((sandbox) => this.nodeFor(sandbox));
    if (node) return [];
    const status = this.store.status;
    if (status.kind === 'error' && this.store.sandboxes.length === 0) {
      return [{ type: 'message', text: `${status.error.message} — ${status.error.hint}`, icon: 'warning' }];
    }
    // Empty array lets the welcome view ("no sandboxes yet") show; while loading show nothing.
    if (this.store.sandboxes.length === 0) return [];
    if (this.nodes.size > this.store.sandboxes.length) {
      const listed = new Set(this.store.sandboxes.map((s) => s.id));
      for (const id of this.nodes.keys()) if (!listed.has(id)) this.nodes.delete(id);
    }
    const groups = groupSandboxes(this.store.sandboxes, this.groupBy(), this.filterText, this.store.homeOf);
    if (this.filterText && groups.every((g) => g.sandboxes.length === 0)) {
      return [{ type: 'message', text: `No sandbox matches "${this.filterText}"`, icon: 'filter' }];
    }
    const nodes: Node[] =
      groups.length === 1 && this.groupBy() === 'none'
        ? groups[0]!.sandboxes.map((sandbox) => this.nodeFor(sandbox))
        : groups.map((group) => ({ type: 'group', group }));
    if (this.store.truncated) nodes.push({ type: 'message', text: 'Showing the first sandboxes only; narrow with list_sandboxes filters', icon: 'info' });
    return nodes;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group.key}`;
      // Not final while pages still stream in: say so rather than show a count that will change.
      item.description = `${node.group.sandboxes.length.toLocaleString('en')}${this.store.loadingMore ? '…' : ''}`;
      item.contextValue = 'group';
      return item;
    }
    if (node.type === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = 'message';
      return item;
    }
    const p = presentRow(node.sandbox);
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
    item.id = `sandbox:${node.sandbox.id}`;
    item.description = p.description;
    item.contextValue = p.contextValue;
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    return item;
  }

  /** The tooltip on hover only: sent with every row, it would be most of what 10,000 rows weigh. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.type !== 'sandbox') return item;
    const tooltip = new vscode.MarkdownString(tooltipOf(node.sandbox), true);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
