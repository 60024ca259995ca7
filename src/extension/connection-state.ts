/**
 * What the editor shows about the connection besides the tree rows: the `daytona.*` context keys
 * (menus, welcome views, walkthrough), the view's message and badge, the status bar, and a rejected
 * key said once as a notification with the fix.
 */
import * as vscode from 'vscode';
import { hasCredential, type Credentials } from '../core/credentials';
import { ToolError } from '../core/errors';
import { viewTitle, whereText } from './profile-model';
import type { SandboxStore } from './sandbox-store';
import type { StatusBar } from './status-bar';
import { showToolError } from './tool-runner';

export interface ConnectionStateHost {
  store: SandboxStore;
  view: vscode.TreeView<unknown>;
  statusBar: StatusBar;
  log: vscode.LogOutputChannel;
  credentials(): Credentials;
  /** What the view's filter shows (e.g. "Filter: web — 12 of 10,000"), when one is set. */
  filterMessage?(): string | undefined;
}

export class ConnectionState implements vscode.Disposable {
  /** The key origin whose rejection was already shown; not on every poll. */
  private notifiedAuthFor: string | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly h: ConnectionStateHost) {
    this.subscriptions = [h.store.onDidChange(() => this.sync()), h.store.onDidChange(() => this.notifyAuthError())];
  }

  /** Brings context keys, view message, badge and status bar in line with the store and the key. */
  sync(): void {
    const { store, view } = this.h;
    const c = this.h.credentials();
    void vscode.commands.executeCommand('setContext', 'daytona.hasKey', hasCredential(c));
    void vscode.commands.executeCommand('setContext', 'daytona.keySource', c.source);
    void vscode.commands.executeCommand('setContext', 'daytona.loaded', store.status.kind === 'ready');
    view.message = store.status.kind === 'error' ? `${store.status.error.message}` : this.h.filterMessage?.();
    // The view's title says where the tree acts: profile (and organisation) or the key's source.
    view.title = viewTitle(c);
    view.description = whereText(c);
    view.badge = store.runningCount ? { value: store.runningCount, tooltip: `${store.runningCount} running` } : undefined;
    this.h.statusBar.update();
  }

  /** A new key gets its own notice if it is rejected too. */
  keyChanged(): void {
    this.notifiedAuthFor = undefined;
    this.sync();
  }

  private notifyAuthError(): void {
    const s = this.h.store.status;
    if (s.kind !== 'error' || s.error.kind !== 'auth') return;
    const origin = this.h.credentials().origin;
    if (this.notifiedAuthFor === origin) return;
    this.notifiedAuthFor = origin;
    void showToolError(new ToolError('auth', `The Daytona API rejected the key from ${origin}.`), this.h.log);
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
