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

/** Where the editor acts: the API, the organisation and where the key came from. */
const placeOf = (c: Credentials): string => JSON.stringify([c.apiUrl, c.organizationId ?? null, c.profile ?? null, c.origin]);

export class ConnectionState implements vscode.Disposable {
  /** The key origin whose rejection was already shown; not on every poll. */
  private notifiedAuthFor: string | undefined;
  /**
   * Where the API refused a resize (the organisation's `sandbox_resize` flag is off, the default): the
   * tree stops offering Resize… there. Nothing says so before the first try.
   */
  private resizeRefusedAt: string | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** The context keys' values last sent: the store changes with every page of a first read, the keys rarely. */
  private readonly sent = new Map<string, unknown>();

  constructor(private readonly h: ConnectionStateHost) {
    this.subscriptions = [h.store.onDidChange(() => this.sync()), h.store.onDidChange(() => this.notifyAuthError())];
  }

  /** Brings context keys, view message, badge and status bar in line with the store and the key. */
  sync(): void {
    const { store, view } = this.h;
    const c = this.h.credentials();
    this.setContext('daytona.hasKey', hasCredential(c));
    this.setContext('daytona.keySource', c.source);
    this.setContext('daytona.loaded', store.status.kind === 'ready');
    this.setContext('daytona.resizeUnavailable', this.resizeRefusedAt === placeOf(c));
    const message = store.status.kind === 'error' ? `${store.status.error.message}` : this.h.filterMessage?.();
    if (view.message !== message) view.message = message;
    // The view's title says where the tree acts: profile (and organisation) or the key's source.
    const title = viewTitle(c);
    if (view.title !== title) view.title = title;
    const description = whereText(c);
    if (view.description !== description) view.description = description;
    const running = store.runningCount;
    if ((view.badge?.value ?? 0) !== running) view.badge = running ? { value: running, tooltip: `${running} running` } : undefined;
    this.h.statusBar.update();
  }

  /** Each message to the editor's main process costs; a key is sent again only when its value changed. */
  private setContext(key: string, value: unknown): void {
    if (this.sent.has(key) && this.sent.get(key) === value) return;
    this.sent.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** What a failed tool run tells about this place: resizing refused takes Resize… off the tree's menu. */
  noteToolError(err: ToolError): void {
    if (err.reason !== 'resize_unavailable') return;
    this.resizeRefusedAt = placeOf(this.h.credentials());
    this.sync();
  }

  /** A new key gets its own notice if it is rejected too, and its own try at resizing. */
  keyChanged(): void {
    this.notifiedAuthFor = undefined;
    this.resizeRefusedAt = undefined;
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
