/**
 * The sidebar's model: every sandbox of the account, kept fresh by polling through list_sandboxes.
 * Polls only while someone is looking (the view is visible), faster while a sandbox is in transition,
 * and backs off after errors. No vscode import: the tree, status bar and tests subscribe to it.
 */
import { toToolError, type ErrorKind } from '../core/errors';
import { TRANSITIONAL_STATES, type SandboxDetails } from '../core/types';
import { listSandboxes } from '../core/tools/list_sandboxes';
import type { ToolContext } from '../core/tool';
import { invokeTool } from './tool-invoker';

export type StoreStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; at: number }
  | { kind: 'error'; error: { kind: ErrorKind; message: string; hint: string }; at: number };

export interface StoreOptions {
  /** A fresh context per refresh (carries the gateway and a signal). */
  context: (signal: AbortSignal) => ToolContext;
  /** Steady-state polling interval; 0 disables auto-refresh. */
  intervalMs: () => number;
  /** False while no key is configured anywhere: nothing is asked of the API and the store stays idle. */
  hasCredential?: () => boolean;
  /** Interval while any sandbox is starting/stopping/… */
  transitionIntervalMs?: number;
  maxBackoffMs?: number;
  /** Safety cap for huge accounts; the rest is reported as truncated. */
  maxSandboxes?: number;
  pageSize?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

type Listener = () => void;

export class SandboxStore {
  private items: SandboxDetails[] = [];
  private state: StoreStatus = { kind: 'idle' };
  private truncatedFlag = false;
  private readonly listeners = new Set<Listener>();
  private visible = false;
  private timer: unknown;
  private inFlight: { controller: AbortController; promise: Promise<void> } | undefined;
  private failures = 0;
  private disposed = false;

  constructor(private readonly o: StoreOptions) {}

  get sandboxes(): readonly SandboxDetails[] {
    return this.items;
  }
  get status(): StoreStatus {
    return this.state;
  }
  get truncated(): boolean {
    return this.truncatedFlag;
  }
  get runningCount(): number {
    return this.items.filter((s) => s.state === 'started').length;
  }
  get hasTransitions(): boolean {
    return this.items.some((s) => TRANSITIONAL_STATES.has(s.state));
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The view became visible or hidden: poll only while it is shown. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.refresh();
    else this.cancelTimer();
  }

  /** Loads every page now. Concurrent calls share one load; a newer call supersedes nothing. */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.inFlight) return this.inFlight.promise;
    this.cancelTimer();
    if (this.o.hasCredential && !this.o.hasCredential()) {
      // Without a key there is nothing to ask: idle, not an auth error, so the view shows its
      // "Set API Key" welcome (and no "rejected the key" notice). A key change calls reset().
      if (this.items.length || this.state.kind !== 'idle') {
        this.items = [];
        this.setStatus({ kind: 'idle' });
      }
      return Promise.resolve();
    }
    const controller = new AbortController();
    if (this.state.kind !== 'ready') this.setStatus({ kind: 'loading' });
    const promise = this.load(controller.signal).finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
    this.inFlight = { controller, promise };
    return promise;
  }

  /** Drops everything (e.g. after sign-out or a key change) and reloads if visible. */
  reset(): void {
    this.inFlight?.controller.abort();
    this.inFlight = undefined;
    this.items = [];
    this.failures = 0;
    this.setStatus({ kind: 'idle' });
    if (this.visible) void this.refresh();
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
    this.cancelTimer();
    this.listeners.clear();
  }

  private async load(signal: AbortSignal): Promise<void> {
    const max = this.o.maxSandboxes ?? 10_000;
    const all: SandboxDetails[] = [];
    let cursor: string | undefined;
    try {
      do {
        const out = await invokeTool(listSandboxes, { limit: this.o.pageSize ?? 1000, ...(cursor ? { cursor } : {}) }, this.o.context(signal));
        all.push(...(out.data.sandboxes as SandboxDetails[]));
        cursor = out.data.nextCursor ?? undefined;
      } while (cursor && all.length < max);
      if (signal.aborted) return;
      const unchanged = this.state.kind === 'ready' && JSON.stringify(all) === JSON.stringify(this.items) && this.truncatedFlag === Boolean(cursor);
      this.items = all;
      this.truncatedFlag = Boolean(cursor);
      this.failures = 0;
      // A poll that found nothing new must not redraw the tree: that would close an open context menu.
      if (unchanged) this.state = { kind: 'ready', at: Date.now() };
      else this.setStatus({ kind: 'ready', at: Date.now() });
    } catch (err) {
      if (signal.aborted) return;
      this.failures++;
      this.setStatus({ kind: 'error', error: toToolError(err).toJSON(), at: Date.now() });
    }
  }

  /** Next poll: transitions fast, errors with exponential backoff, otherwise the setting. */
  nextDelayMs(): number | undefined {
    const base = this.o.intervalMs();
    if (this.state.kind === 'error') {
      if (this.state.error.kind === 'auth') return undefined; // polling cannot fix a bad key
      return Math.min((base || 30_000) * 2 ** (this.failures - 1), this.o.maxBackoffMs ?? 300_000);
    }
    if (this.hasTransitions) return this.o.transitionIntervalMs ?? 2_000;
    return base > 0 ? base : undefined;
  }

  private schedule(): void {
    if (!this.visible || this.disposed) return;
    const delay = this.nextDelayMs();
    if (delay === undefined) return;
    const set = this.o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.timer = set(() => void this.refresh(), delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) (this.o.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.timer);
    this.timer = undefined;
  }

  private setStatus(s: StoreStatus): void {
    this.state = s;
    for (const l of [...this.listeners]) l();
  }
}
