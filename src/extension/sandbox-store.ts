/**
 * The sidebar's model: every sandbox of the account, kept fresh by polling through list_sandboxes.
 * Loads the full list while someone is looking (the view is visible), faster while a sandbox is in
 * transition, and backs off after errors. While the view is hidden it only counts the running
 * sandboxes (one filtered list call) so the status bar stays true. No vscode import: the tree, status
 * bar, MCP Status and tests subscribe to it.
 */
import { toToolError, type ErrorKind } from '../core/errors';
import { TRANSITIONAL_STATES, type SandboxDetails, type SandboxState } from '../core/types';
import { TOOLS } from '../core/tools';
import type { ToolContext } from '../core/tool';
import { callTool } from './tool-invoker';

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
  /** While the view is hidden: how often to count the running sandboxes; 0 counts only once (at activation). */
  hiddenIntervalMs?: () => number;
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

/** How long a state an action read fresh overrides the (lagging) list at most. */
const REPORTED_STATE_MS = 60_000;

/**
 * Whether the list now reports what an overlay stood for: the state shown, or any other settled state
 * than the one before. A list still showing a transition on the way (stopping, when the action already
 * read stopped) is behind, not ahead.
 */
function listCaughtUp(listed: SandboxState, p: { from: SandboxState; shown: SandboxState; until?: number }): boolean {
  if (p.until !== undefined && Date.now() > p.until) return true;
  if (listed === p.shown || listed === p.from) return listed === p.shown;
  const shownSettled = !TRANSITIONAL_STATES.has(p.shown);
  return !(shownSettled && TRANSITIONAL_STATES.has(listed));
}

export class SandboxStore {
  private items: SandboxDetails[] = [];
  private state: StoreStatus = { kind: 'idle' };
  private truncatedFlag = false;
  private readonly listeners = new Set<Listener>();
  private visible = false;
  private timer: unknown;
  private inFlight: { controller: AbortController; promise: Promise<void>; mode: 'full' | 'count' } | undefined;
  private failures = 0;
  private disposed = false;
  /** Running sandboxes counted by the light poll since the last full load (undefined: the list is newer). */
  private counted: number | undefined;
  /** Actions started from the editor: shown as `shown` until the API reports a state other than `from`. */
  private readonly pending = new Map<string, { from: SandboxState; shown: SandboxState; until?: number }>();

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
    return this.counted ?? this.items.filter((s) => s.state === 'started').length;
  }
  /** All sandboxes, when the full list is current; undefined while only the running ones were counted. */
  get totalCount(): number | undefined {
    return this.counted === undefined ? this.items.length : undefined;
  }
  get hasTransitions(): boolean {
    return this.pending.size > 0 || this.items.some((s) => TRANSITIONAL_STATES.has(s.state));
  }

  /**
   * An action was just requested from the editor: show those sandboxes in `shown` (e.g. stopping) at
   * once, and keep showing it until the API itself reports a different state, polling fast meanwhile.
   */
  markTransition(ids: readonly string[], shown: SandboxState): void {
    let changed = false;
    for (const id of ids) {
      const item = this.items.find((s) => s.id === id);
      if (!item || item.state === shown) continue;
      this.pending.set(id, { from: item.state, shown });
      changed = true;
    }
    if (!changed) return;
    this.items = this.applyPending(this.items);
    this.setStatus(this.state);
    if (this.visible && !this.inFlight) {
      this.cancelTimer();
      this.schedule();
    }
  }

  /**
   * The action finished (or failed): drop the optimistic states and reload. `reported` holds the
   * states the action itself read fresh (id → state; `destroyed` = gone): the API's list is
   * eventually consistent and may still show the old state for a while, so each is shown until the
   * list reports something other than the state before the action.
   */
  settleTransition(ids: readonly string[], reported?: ReadonlyMap<string, SandboxState>): Promise<void> {
    for (const id of ids) {
      const now = reported?.get(id);
      const before = this.pending.get(id)?.from ?? this.items.find((s) => s.id === id)?.state;
      // Bounded: the list lags by seconds, and the sandbox may really return to its old state later.
      if (now !== undefined && before !== undefined && now !== before) this.pending.set(id, { from: before, shown: now, until: Date.now() + REPORTED_STATE_MS });
      else this.pending.delete(id);
    }
    return this.refresh();
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The view became visible or hidden: the full list while it is shown, a running count while hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.cancelTimer();
    if (visible) void this.refresh();
    else if (!this.inFlight) void this.count();
    // (A load in flight schedules the next poll for the new visibility when it ends.)
  }

  /** Loads every page now. Concurrent calls share one load; a newer call supersedes nothing. */
  refresh(): Promise<void> {
    return this.run('full');
  }

  /** Counts the running sandboxes only (the light poll while the view is hidden). */
  count(): Promise<void> {
    return this.run('count');
  }

  private run(mode: 'full' | 'count'): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.inFlight && (this.inFlight.mode === 'full' || mode === 'count')) return this.inFlight.promise;
    // A full load asked for while a count runs replaces it: the caller wants the list.
    this.inFlight?.controller.abort();
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
    const promise = (mode === 'full' ? this.load(controller.signal) : this.loadCount(controller.signal)).finally(() => {
      if (this.inFlight?.controller !== controller) return; // superseded by a full load
      this.inFlight = undefined;
      this.schedule();
    });
    this.inFlight = { controller, promise, mode };
    return promise;
  }

  /** Drops everything (e.g. after sign-out or a key change) and reloads if visible. */
  reset(): void {
    this.inFlight?.controller.abort();
    this.inFlight = undefined;
    this.items = [];
    this.counted = undefined;
    this.pending.clear();
    this.failures = 0;
    this.setStatus({ kind: 'idle' });
    if (this.visible) void this.refresh();
    else void this.count();
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
        const out = await callTool(TOOLS.listSandboxes, { limit: this.o.pageSize ?? 1000, ...(cursor ? { cursor } : {}) }, this.o.context(signal));
        all.push(...(out.data.sandboxes as SandboxDetails[]));
        cursor = out.data.nextCursor ?? undefined;
      } while (cursor && all.length < max);
      if (signal.aborted) return;
      const shown = this.applyPending(all);
      const unchanged = this.state.kind === 'ready' && this.counted === undefined && JSON.stringify(shown) === JSON.stringify(this.items) && this.truncatedFlag === Boolean(cursor);
      this.items = shown;
      this.counted = undefined;
      this.truncatedFlag = Boolean(cursor);
      this.settled(unchanged);
    } catch (err) {
      if (!signal.aborted) this.failed(err);
    }
  }

  private async loadCount(signal: AbortSignal): Promise<void> {
    let running = 0;
    let cursor: string | undefined;
    try {
      do {
        const out = await callTool(TOOLS.listSandboxes, { state: 'started', limit: 1000, ...(cursor ? { cursor } : {}) }, this.o.context(signal));
        running += out.data.count;
        cursor = out.data.nextCursor ?? undefined;
      } while (cursor);
      if (signal.aborted) return;
      const unchanged = this.state.kind === 'ready' && running === this.runningCount;
      this.counted = running;
      this.settled(unchanged);
    } catch (err) {
      if (!signal.aborted) this.failed(err);
    }
  }

  /** A poll answered. One that found nothing new must not redraw the tree: that would close an open context menu. */
  private settled(unchanged: boolean): void {
    this.failures = 0;
    if (unchanged) this.state = { kind: 'ready', at: Date.now() };
    else this.setStatus({ kind: 'ready', at: Date.now() });
  }

  private failed(err: unknown): void {
    this.failures++;
    this.setStatus({ kind: 'error', error: toToolError(err).toJSON(), at: Date.now() });
  }

  /** Overlays the optimistic states of pending actions; one ends when the API reports another state. */
  private applyPending(list: SandboxDetails[]): SandboxDetails[] {
    if (!this.pending.size) return list;
    const seen = new Set(list.map((s) => s.id));
    for (const id of [...this.pending.keys()]) if (!seen.has(id)) this.pending.delete(id);
    return list.flatMap((s) => {
      const p = this.pending.get(s.id);
      if (!p) return [s];
      if (listCaughtUp(s.state, p)) {
        this.pending.delete(s.id);
        return [s];
      }
      // A deleted one stays hidden while the list still shows it (as before, or already as destroying).
      return p.shown === 'destroyed' ? [] : [{ ...s, state: p.shown }];
    });
  }

  /** Next poll: transitions fast, errors with exponential backoff, otherwise the setting (hidden: the count's). */
  nextDelayMs(): number | undefined {
    const base = this.visible ? this.o.intervalMs() : (this.o.hiddenIntervalMs?.() ?? 0);
    if (this.state.kind === 'error') {
      if (this.state.error.kind === 'auth') return undefined; // polling cannot fix a bad key
      return Math.min((base || 30_000) * 2 ** (this.failures - 1), this.o.maxBackoffMs ?? 300_000);
    }
    if (this.visible && this.hasTransitions) return this.o.transitionIntervalMs ?? 2_000;
    return base > 0 ? base : undefined;
  }

  private schedule(): void {
    if (this.disposed) return;
    const delay = this.nextDelayMs();
    if (delay === undefined) return;
    const set = this.o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.timer = set(() => void (this.visible ? this.refresh() : this.count()), delay);
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
