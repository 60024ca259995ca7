/** Status bar: running sandboxes at a glance; a warning when the key is missing or rejected. */
import * as vscode from 'vscode';
import type { SandboxStore } from './sandbox-store';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('daytona.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };

  /** `where`: the profile / organisation acted in (see profile-model.ts); `profile`: whether it is a CLI profile (shown in the text too). */
  constructor(
    private readonly store: SandboxStore,
    private readonly hasKey: () => boolean,
    private readonly where: () => { text: string | undefined; profile: boolean } = () => ({ text: undefined, profile: false }),
  ) {
    this.item.name = 'Daytona';
    this.subscription = store.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const status = this.store.status;
    if (!this.hasKey()) {
      this.set('$(key) Daytona: set API key', 'No Daytona API key: click to set one', 'daytona.setApiKey', true);
    } else if (status.kind === 'error' && status.error.kind === 'auth') {
      this.set('$(warning) Daytona: invalid key', `${status.error.message}\nClick to set a new API key.`, 'daytona.setApiKey', true);
    } else if (status.kind === 'error') {
      this.set('$(warning) Daytona', `${status.error.message}\n${status.error.hint}`, 'daytona.sandboxes.focus', true);
    } else if (status.kind !== 'ready') {
      // Not counted yet: say so rather than "0 running".
      this.set('$(sync~spin) Daytona', 'Daytona: counting sandboxes… — click to open the Sandboxes view', 'daytona.sandboxes.focus', false);
    } else {
      const running = this.store.runningCount;
      const total = this.store.totalCount;
      // While the view is hidden the store counts only the running ones (no total).
      const what = total === undefined ? `Daytona: ${running} running` : `Daytona: ${running} running of ${total} sandboxes`;
      this.set(`$(vm-running) ${running}`, `${what} — click to open the Sandboxes view`, 'daytona.sandboxes.focus', false);
    }
  }

  private set(text: string, tooltip: string, command: string, warn: boolean): void {
    const where = this.where();
    // The first tooltip line stays the accessible name; where we act is the second line.
    if (where.text) tooltip = `${tooltip}\nActing in: ${where.text} ("Daytona: Switch Profile…" changes it)`;
    if (where.text && where.profile) text = `${text} · ${where.text}`;
    this.item.text = text;
    // Screen readers (and the end-to-end tests) read this instead of the codicon text.
    this.item.accessibilityInformation = { label: tooltip.split('\n')[0]!.replace(/ — .*/, '') };
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
