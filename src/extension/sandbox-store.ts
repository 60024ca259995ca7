/**
 * The sidebar's model: every sandbox of the account, kept fresh cheaply at any size.
 * - The first full read streams: each page shows as it arrives; counts are final with the last page.
 * - Changes arrive from the API's live event stream (sandbox-events.ts) while the view is visible;
 *   without it (blocked, not offered, an old API) a poll with `lastEventAfter` reads only what changed.
 * - A full read (reconcile) runs rarely, for what neither sees: deletions that finished, label changes,
 *   anything missed. Never while the view is hidden: then the status bar's running count is kept true by
 *   `lastEventAfter` polls (into the whole list, or the running set when there is none), at a cost that
 *   does not grow with the account; only a store that has read nothing yet counts the running sandboxes.
 * No vscode import: the tree, status bar, MCP Status and tests subscribe to it.
 */
import { toToolError, type ErrorKind } from '../core/errors';
import { SETTLED_STATES, TRANSITIONAL_STATES, type SandboxDetails, type SandboxState } from '../core/types';
import type { ToolContext } from '../core/tool';
import type { ApiListQuery } from '../core/gateway';
import type { OpenSandboxEvents, SandboxEventStream } from '../core/sandbox-events';
import { MAX_API_PAGE_SIZE } from '../core/pagination';
import { SIDE_STATES } from './tree-model';

export type StoreStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; at: number }
  | { kind: 'error'; error: { kind: ErrorKind; message: string; hint: string }; at: number };

export interface StoreOptions {
  /** A fresh context per refresh (carries the gateway and a signal). */
  context: (signal: AbortSignal) => ToolContext;
  /** Steady-state polling interval without the event stream; 0 disables auto-refresh. */
  intervalMs: () => number;
  /** False while no key is configured anywhere: nothing is asked of the API and the store stays idle. */
  hasCredential?: () => boolean;
  /** While the view is hidden: how often to count the running sandboxes; 0 counts only once (at activation). */
  hiddenIntervalMs?: () => number;
  /** Interval while any sandbox is starting/stopping/… (and no event stream tells us). */
  transitionIntervalMs?: number;
  maxBackoffMs?: number;
  /** Safety cap for huge accounts; the rest is reported as truncated. */
  maxSandboxes?: number;
  /** API page size of a full read (at most 200, the API's limit). */
  pageSize?: number;
  /** Opens the live event stream while the view is visible; without it the store polls. */
  events?: OpenSandboxEvents;
  /** Time between full reads; default 10 min plus 1 min per page of the list, so big lists stay cheap. */
  reconcileMs?: (pages: number) => number;
  /** How far the list may lag its events (default LIST_CATCH_UP_MS); see dropFinishedDeletions. */
  listCatchUpMs?: number;
  /** A monotonic clock in ms (default performance.now): how much API time has passed at least. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

type Mode = 'count' | 'sync' | 'full';
const RANK: Record<Mode, number> = { count: 0, sync: 1, full: 2 };

/** An incremental poll asks a little further back than the last event seen: the list lags behind events. */
const OVERLAP_MS = 60_000;
/** While a first full read streams in, the tree redraws at most this often. */
const PUBLISH_EVERY_MS = 1_000;

/** After a (re)connect, when to read what changed once more: longer than the list's lag behind events. */
const CATCH_UP_AGAIN_MS = 3_000;
/**
 * How far behind its events the list may be (seconds on the real API): a sandbox seen destroying is
 * taken as gone only when a read that began at least this long after its last event misses it.
 */
const LIST_CATCH_UP_MS = 10_000;
/** Destroyed ids remembered against a lagging list; far more than a list lags behind by. */
const MAX_DESTROYED_REMEMBERED = 10_000;

const defaultReconcileMs = (pages: number): number => 600_000 + pages * 60_000;

/** Millisecond time of a sandbox's last change as the API stamped it (its clock, not ours). */
function eventTime(s: SandboxDetails): number {
  const t = Math.max(Date.parse(s.lastActivityAt ?? '') || 0, Date.parse(s.updatedAt ?? '') || 0);
  return t;
}

/** `changed`: the ids of the only sandboxes that changed (in place); undefined when anything may have. */
type Listener = (changed?: readonly string[]) => void;

/** How long a state an action read fresh overrides the (lagging) list at most. */
const REPORTED_STATE_MS = 60_000;

/**
 * A state the tree shows for an editor action instead of the list's. The list is eventually consistent:
 * seconds late, it replays every state the sandbox had, in order. So after Stop then Start it can still
 * say "started" (from before the stop) or "stopped" (between the two) while Start already read
 * "started". `stale` holds the states the list may replay from before the action (chained actions add
 * up), `since` the API time of the newest row seen before it.
 */
interface Overlay {
  shown: SandboxState;
  /** For a state shown while an action runs (stopping, destroying…): where the sandbox was, its home group meanwhile. */
  from?: SandboxState;
  stale: ReadonlySet<SandboxState>;
  since: number;
  /** Set for a state an action read fresh: the sandbox may really move on later; then the list is the truth. */
  until?: number;
}

/**
 * Whether the list has caught up with an overlay: it reports the state shown (in a row newer than the
 * action, when the list may also replay that state from before it), or, while an action is in flight
 * (stopping…), a settled state it did not have before.
 */
function listCaughtUp(row: SandboxDetails, p: Overlay): boolean {
  if (p.until !== undefined && Date.now() > p.until) return true;
  if (row.state === p.shown) return !p.stale.has(row.state) || eventTime(row) > p.since;
  return TRANSITIONAL_STATES.has(p.shown) && !TRANSITIONAL_STATES.has(row.state) && !p.stale.has(row.state);
}

export class SandboxStore {
  /** The API's sandboxes by id (without the optimistic states of pending actions). */
  private byId = new Map<string, SandboxDetails>();
  /** What the tree shows: byId with pending states overlaid; rebuilt on every change. */
  private items: SandboxDetails[] = [];
  private state: StoreStatus = { kind: 'idle' };
  private truncatedFlag = false;
  private readonly listeners = new Set<Listener>();
  private visible = false;
  private timer: unknown;
  private inFlight: { controller: AbortController; promise: Promise<void>; mode: Mode } | undefined;
  private failures = 0;
  private disposed = false;
  /**
   * While hidden without a whole list: the running sandboxes a count read, and whatever later
   * `lastEventAfter` polls reported; the running count counts its started ones (undefined: the list is newer).
   */
  private glimpsed: Map<string, SandboxDetails> | undefined;
  /** Actions started from the editor: shown as `shown` until the lagging list catches up (listCaughtUp). */
  private readonly pending = new Map<string, Overlay>();
  /** A full read has completed since the last reset: the list is whole and counts are final. */
  private complete = false;
  /** A first full read is streaming its pages into the view. */
  private streaming = false;
  private lastFullAt = 0;
  private lastFullPages = 1;
  /** Latest change seen (API clock); incremental polls ask from a little before it. */
  private watermark: number | undefined;
  /**
   * A lower bound of the API's clock: at our monotonic time `at` it read at least `api` (a change the API
   * reported has happened; time has passed since). See syncedTo.
   */
  private apiClock: { api: number; at: number } | undefined;
  /**
   * The API's time (a lower bound) when the last read that succeeded began: every change before it (less
   * the list's lag) is in. Polls ask from a little before the later of it and the watermark, so a burst
   * of changes followed by quiet is read once or twice, not at every poll until the next change.
   */
  private syncedTo: number | undefined;
  private readonly now: () => number;
  /** Sandboxes events reported while a full read runs: newer than what that read lists. */
  private eventsDuringFull: Map<string, SandboxDetails> | undefined;
  private stream: SandboxEventStream | undefined;
  private streamOpening = false;
  /** The second catch-up read after a (re)connect; see onConnected. */
  private catchUp: unknown;
  /** Bumped on every close: a stream that finishes opening after a reset (other key) is dropped. */
  private streamGeneration = 0;
  private streamConnected = false;
  /** The API refused this key's stream: not asked again until reset() (another key). */
  private streamRefused = false;
  /** The last settled state seen per sandbox: where one busy on the side (forking…) belongs meanwhile. */
  private readonly settledStates = new Map<string, SandboxState>();
  /**
   * Sandboxes the API reported destroyed. Destroyed is final (ids are never reused), but the list lags:
   * a read that answers after the event may still show one as it was. The newest are kept.
   */
  private readonly destroyed = new Set<string>();

  constructor(private readonly o: StoreOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  get sandboxes(): readonly SandboxDetails[] {
    return this.items;
  }
  get status(): StoreStatus {
    return this.state;
  }
  get truncated(): boolean {
    return this.truncatedFlag;
  }
  /** True while the first full read is still bringing pages in (counts are not final yet). */
  get loadingMore(): boolean {
    return this.streaming;
  }
  /** Changes arrive live (the event stream is connected). */
  get live(): boolean {
    return this.streamConnected;
  }
  get runningCount(): number {
    const known = this.glimpsed ? [...this.glimpsed.values()] : this.items;
    return known.filter((s) => this.homeOf(s) === 'started').length;
  }

  /** See tree-model's HomeState: the state a sandbox is grouped and counted by. */
  readonly homeOf = (s: SandboxDetails): SandboxState => {
    const p = this.pending.get(s.id);
    if (p?.from && s.state === p.shown) return p.from;
    if (SIDE_STATES.has(s.state)) return this.settledStates.get(s.id) ?? 'started';
    return s.state;
  };
  /** All sandboxes, when the full list is current; undefined while only the running ones were counted. */
  get totalCount(): number | undefined {
    return this.glimpsed === undefined && this.complete ? this.items.length : undefined;
  }
  /** One sandbox as the tree shows it (with a pending action's state). */
  sandbox(id: string): SandboxDetails | undefined {
    return this.items.find((s) => s.id === id);
  }
  get hasTransitions(): boolean {
    return this.pending.size > 0 || this.items.some((s) => TRANSITIONAL_STATES.has(s.state));
  }

  /**
   * An action was just requested from the editor: show those sandboxes in `shown` (e.g. stopping) at
   * once, and keep showing it until the list reports a state it did not have before (listCaughtUp),
   * polling fast meanwhile.
   */
  markTransition(ids: readonly string[], shown: SandboxState): void {
    let changed = false;
    for (const id of ids) {
      const item = this.byId.get(id);
      const p = this.pending.get(id);
      if (!item || (p?.shown ?? item.state) === shown) continue;
      // What the list may still say from before this action: its row now, and the earlier actions' states.
      const stale = new Set([...(p?.stale ?? []), ...(p ? [p.shown] : []), item.state]);
      this.pending.set(id, { shown, from: p?.from ?? item.state, stale, since: Math.max(p?.since ?? 0, eventTime(item)) });
      changed = true;
    }
    if (!changed) return;
    this.publish(ids);
    if (this.visible && !this.inFlight) {
      this.cancelTimer();
      this.schedule();
    }
  }

  /**
   * The action finished (or failed): drop the optimistic states and read what changed. `reported` holds
   * the states the action itself read fresh (id → state; `destroyed` = gone): the API's list is
   * eventually consistent and may still show older states for a while, so each is shown until the list
   * reports it in a row newer than the action (listCaughtUp).
   */
  settleTransition(ids: readonly string[], reported?: ReadonlyMap<string, SandboxState>): Promise<void> {
    for (const id of ids) {
      const now = reported?.get(id);
      const p = this.pending.get(id);
      const item = this.byId.get(id);
      // Bounded: the list lags by seconds, and the sandbox may really move on later.
      if (now !== undefined && item) this.pending.set(id, { shown: now, stale: p?.stale ?? new Set(), since: p?.since ?? eventTime(item), until: Date.now() + REPORTED_STATE_MS });
      else this.pending.delete(id);
    }
    this.publish(ids);
    return this.refresh();
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The view became visible or hidden: the list (live) while it is shown, a running count while hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.cancelTimer();
    if (visible) {
      this.openStream();
      void this.refresh();
    } else {
      this.closeStream();
      if (!this.inFlight) void this.count();
    }
    // (A load in flight schedules the next poll for the new visibility when it ends.)
  }

  /**
   * Brings the list up to date: a full read when there is no whole list yet or a reconcile is due,
   * otherwise only what changed (`lastEventAfter`). Concurrent calls share one read.
   */
  refresh(): Promise<void> {
    return this.run(this.fullDue() ? 'full' : 'sync');
  }

  /** Reads every page now (the Refresh command): catches deletions and label changes too. */
  reconcile(): Promise<void> {
    return this.run('full');
  }

  /**
   * The light read while the view is hidden, for the running count: only what changed
   * (`lastEventAfter`) once anything was read, else a count of the running sandboxes. Never a full read.
   */
  count(): Promise<void> {
    return this.run('count');
  }

  private fullDue(): boolean {
    if (!this.complete || this.watermark === undefined) return true;
    return Date.now() - this.lastFullAt >= (this.o.reconcileMs ?? defaultReconcileMs)(this.lastFullPages);
  }

  private run(mode: Mode): Promise<void> {
    if (this.disposed) return Promise.resolve();
    // Hidden reads kept the running set, not the list (a list too long to hold whole): read it all again.
    if (mode === 'sync' && this.glimpsed) mode = 'full';
    if (this.inFlight && RANK[this.inFlight.mode] >= RANK[mode]) return this.inFlight.promise;
    // A bigger read asked for while a smaller one runs replaces it: the caller wants more.
    this.inFlight?.controller.abort();
    this.cancelTimer();
    if (this.o.hasCredential && !this.o.hasCredential()) {
      // Without a key there is nothing to ask: idle, not an auth error, so the view shows its
      // "Set API Key" welcome (and no "rejected the key" notice). A key change calls reset().
      if (this.items.length || this.state.kind !== 'idle') {
        this.byId.clear();
        this.items = [];
        this.setStatus({ kind: 'idle' });
      }
      return Promise.resolve();
    }
    const controller = new AbortController();
    if (this.state.kind !== 'ready') this.setStatus({ kind: 'loading' });
    const work = mode === 'full' ? this.loadAll(controller.signal) : mode === 'sync' ? this.loadChanges(controller.signal, this.byId) : this.loadHidden(controller.signal);
    const promise = work.finally(() => {
      if (this.inFlight?.controller !== controller) return; // superseded
      this.inFlight = undefined;
      this.streaming = false;
      this.schedule();
    });
    this.inFlight = { controller, promise, mode };
    return promise;
  }

  /** Drops everything (e.g. after sign-out or a key change) and reloads if visible. */
  reset(): void {
    this.inFlight?.controller.abort();
    this.inFlight = undefined;
    this.closeStream();
    this.byId = new Map();
    this.items = [];
    this.glimpsed = undefined;
    this.streamRefused = false;
    this.pending.clear();
    this.settledStates.clear();
    this.destroyed.clear();
    this.failures = 0;
    this.complete = false;
    this.streaming = false;
    this.watermark = undefined;
    this.apiClock = undefined;
    this.syncedTo = undefined;
    this.truncatedFlag = false;
    this.setStatus({ kind: 'idle' });
    if (this.visible) {
      this.openStream();
      void this.refresh();
    } else void this.count();
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
    this.cancelTimer();
    this.closeStream();
    this.listeners.clear();
  }

  /** Every page, in a stable order; the first read of a list shows each page as it arrives. */
  private async loadAll(signal: AbortSignal): Promise<void> {
    const max = this.o.maxSandboxes ?? 20_000;
    const limit = Math.min(this.o.pageSize ?? MAX_API_PAGE_SIZE, MAX_API_PAGE_SIZE);
    const listed = new Map<string, SandboxDetails>();
    const first = !this.complete;
    this.streaming = first;
    this.eventsDuringFull = new Map();
    let cursor: string | undefined;
    let pages = 0;
    let publishedAt = 0;
    const startedAt = this.now();
    try {
      const gateway = await this.o.context(signal).gateway();
      do {
        const page = await gateway.listPage({ limit, ...(cursor ? { cursor } : {}) }, { signal });
        if (signal.aborted) return;
        pages++;
        for (const s of page.items) listed.set(s.id, s);
        cursor = page.nextCursor ?? undefined;
        if (first && cursor) {
          let changed = false;
          for (const s of page.items) changed = this.upsert(s) || changed;
          if (changed && Date.now() - publishedAt >= PUBLISH_EVERY_MS) {
            publishedAt = Date.now();
            this.publish();
          }
        }
      } while (cursor && listed.size < max);
      // What events said meanwhile is newer than what the (eventually consistent) list said.
      for (const [id, s] of this.eventsDuringFull) {
        const l = listed.get(id);
        if (s.state === 'destroyed') listed.delete(id);
        else if (!l || eventTime(s) >= eventTime(l)) listed.set(id, s);
      }
      // The list may still show what was reported destroyed before this read: gone is gone.
      for (const id of this.destroyed) listed.delete(id);
      const before = this.byId;
      this.byId = listed;
      for (const x of listed.values()) this.noteSettled(x);
      this.complete = true;
      this.streaming = false;
      this.lastFullAt = Date.now();
      this.lastFullPages = pages;
      for (const s of listed.values()) this.advanceWatermark(s);
      this.syncedSince(startedAt);
      const unchanged = this.state.kind === 'ready' && this.glimpsed === undefined && !first && sameSandboxes(before, listed) && this.truncatedFlag === Boolean(cursor);
      this.glimpsed = undefined;
      this.truncatedFlag = Boolean(cursor);
      this.settled(unchanged);
      if (this.visible) this.openStream(); // a stream that gave up: try again, as rarely as this read runs
    } catch (err) {
      if (!signal.aborted) this.failed(err);
    } finally {
      this.eventsDuringFull = undefined;
    }
  }

  /**
   * Only the sandboxes with an event since shortly before the last one seen (`lastEventAfter`), into
   * the whole list or (hidden, without one) the running set.
   */
  private async loadChanges(signal: AbortSignal, into: Map<string, SandboxDetails>): Promise<void> {
    const sinceMs = Math.max(this.watermark ?? 0, this.syncedTo ?? 0) - OVERLAP_MS;
    const startedAt = this.now();
    const apiTimeAtStart = this.apiTimeAt(startedAt);
    const runningBefore = into === this.byId ? 0 : this.runningCount;
    const listed = new Set<string>();
    try {
      let changed = await this.readPages({ limit: MAX_API_PAGE_SIZE, lastEventAfter: new Date(sinceMs).toISOString() }, into, signal, listed);
      if (changed === undefined) return;
      changed = this.dropFinishedDeletions(into, listed, sinceMs, apiTimeAtStart) || changed;
      this.syncedSince(startedAt);
      // Hidden, without the list: only the running count shows (nothing to redraw otherwise).
      if (into === this.glimpsed) return this.settled(this.state.kind === 'ready' && this.runningCount === runningBefore);
      const wasGlimpsed = this.glimpsed !== undefined;
      this.glimpsed = undefined;
      this.settled(!changed && !wasGlimpsed && this.state.kind === 'ready');
    } catch (err) {
      if (!signal.aborted) this.failed(err);
    }
  }

  /**
   * A destroyed sandbox is never listed, so no poll reports it destroyed. But one seen `destroying` at
   * API time t (its last event) is in every `lastEventAfter` read from before t while it exists: its
   * next event can only be later. Missing from such a read, once the list has had time to catch up
   * with t, it is gone. (One never seen destroying leaves with the next full read, as before.)
   */
  private dropFinishedDeletions(into: Map<string, SandboxDetails>, listed: ReadonlySet<string>, sinceMs: number, apiTimeAtStart: number | undefined): boolean {
    if (apiTimeAtStart === undefined) return false;
    let dropped = false;
    for (const [id, s] of into) {
      // lastEventAfter compares lastActivityAt (not updatedAt, which a rename or label change moves too).
      const t = Date.parse(s.lastActivityAt ?? '');
      if (s.state !== 'destroying' || listed.has(id) || !(t >= sinceMs) || t > apiTimeAtStart - (this.o.listCatchUpMs ?? LIST_CATCH_UP_MS)) continue;
      into.delete(id);
      this.noteDestroyed(id);
      dropped = true;
    }
    return dropped;
  }

  /**
   * Hidden: what changed since the last read, into the whole list when the store has one, else into
   * the running set; a count only when there is nothing to compare with yet (activation while hidden,
   * or no running sandbox whose time could start the next poll: then the count is one request anyway).
   */
  private loadHidden(signal: AbortSignal): Promise<void> {
    if (this.watermark !== undefined) {
      if (this.complete && !this.truncatedFlag) return this.loadChanges(signal, this.byId);
      if (this.glimpsed) return this.loadChanges(signal, this.glimpsed);
    }
    return this.loadCount(signal);
  }

  /** The running sandboxes (a `states=started` read): the set later hidden polls keep current. */
  private async loadCount(signal: AbortSignal): Promise<void> {
    const limit = Math.min(this.o.pageSize ?? MAX_API_PAGE_SIZE, MAX_API_PAGE_SIZE);
    const running = new Map<string, SandboxDetails>();
    const startedAt = this.now();
    try {
      if ((await this.readPages({ limit, states: ['started'] }, running, signal)) === undefined) return;
      this.syncedSince(startedAt);
      const before = this.runningCount;
      this.glimpsed = running;
      this.settled(this.state.kind === 'ready' && before === this.runningCount);
    } catch (err) {
      if (!signal.aborted) this.failed(err);
    }
  }

  /**
   * Every page of one list query, each sandbox taken into `into` (upsert); whether any changed, or
   * undefined when the read was aborted.
   */
  private async readPages(query: Omit<ApiListQuery, 'cursor'>, into: Map<string, SandboxDetails>, signal: AbortSignal, listed?: Set<string>): Promise<boolean | undefined> {
    const gateway = await this.o.context(signal).gateway();
    let cursor: string | undefined;
    let changed = false;
    do {
      const page = await gateway.listPage({ ...query, ...(cursor ? { cursor } : {}) }, { signal });
      if (signal.aborted) return undefined;
      for (const s of page.items) {
        listed?.add(s.id);
        changed = this.upsert(s, into) || changed;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return changed;
  }

  /**
   * Takes one sandbox as the API reported it; false when it changes nothing. An older report (the
   * list lags behind events) never overwrites a newer one; `destroyed` removes it.
   */
  private upsert(s: SandboxDetails, into = this.byId): boolean {
    this.advanceWatermark(s);
    if (s.state === 'destroyed') {
      this.noteDestroyed(s.id);
      return into.delete(s.id);
    }
    if (this.destroyed.has(s.id)) return false; // a lagging list's older report
    const had = into.get(s.id);
    if (had && eventTime(had) > eventTime(s)) return false;
    if (had && JSON.stringify(had) === JSON.stringify(s)) return false;
    into.set(s.id, s);
    this.noteSettled(s);
    return true;
  }

  private noteDestroyed(id: string): void {
    this.destroyed.delete(id);
    this.destroyed.add(id);
    if (this.destroyed.size > MAX_DESTROYED_REMEMBERED) this.destroyed.delete(this.destroyed.values().next().value as string);
    this.settledStates.delete(id);
  }

  /** Remembers where a sandbox belongs while it is busy on the side (forking…): its last settled state. */
  private noteSettled(s: SandboxDetails): void {
    if (SETTLED_STATES.has(s.state)) this.settledStates.set(s.id, s.state);
  }

  private advanceWatermark(s: SandboxDetails): void {
    const t = eventTime(s);
    if (t && (this.watermark === undefined || t > this.watermark)) this.watermark = t;
    if (t && t > (this.apiTimeAt(this.now()) ?? 0)) this.apiClock = { api: t, at: this.now() };
  }

  /** The least the API's clock can read at our monotonic time `at` (before or after the sample). */
  private apiTimeAt(at: number): number | undefined {
    return this.apiClock && this.apiClock.api + (at - this.apiClock.at);
  }

  /** A read that began at `startedAt` succeeded: what changed before then is in (less the list's lag). */
  private syncedSince(startedAt: number): void {
    const t = this.apiTimeAt(startedAt);
    if (t !== undefined && t > (this.syncedTo ?? 0)) this.syncedTo = t;
  }

  // ---- the live event stream ----------------------------------------------------------------

  private openStream(): void {
    if (!this.o.events || this.stream || this.streamOpening || this.streamRefused || this.disposed) return;
    if (this.o.hasCredential && !this.o.hasCredential()) return;
    this.streamOpening = true;
    const generation = this.streamGeneration;
    const current = (): boolean => generation === this.streamGeneration;
    this.o
      .events({
        onSandbox: (s) => current() && this.onEvent(s),
        onConnected: () => {
          if (!current()) return;
          this.streamConnected = true;
          // Events may have been missed while it was down: read what changed, then rely on events. The list
          // lags the events by a second or so: read once more after that, or a last change could be lost.
          if (this.complete) {
            void this.run('sync');
            this.clearCatchUp();
            const set = this.o.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
            this.catchUp = set(() => current() && this.visible && void this.run('sync'), CATCH_UP_AGAIN_MS);
          }
          this.reschedule();
        },
        onDisconnected: () => {
          if (!current()) return;
          this.streamConnected = false;
          this.reschedule();
        },
        // Refused (the key, as a rule) or gone for good: poll, now. A request says what is wrong with the
        // key (a rejected one shows as such, and stops polling); a stream that gave up is tried again
        // with the next full read, a refused one only for another key (reset).
        onStopped: (reason) => {
          if (!current()) return;
          if (reason === 'refused') this.streamRefused = true;
          this.closeStream();
          void this.refresh();
        },
      })
      .then(
        (stream) => {
          if (!current()) {
            stream?.close();
            return;
          }
          this.streamOpening = false;
          if (!stream) return;
          if (this.disposed || !this.visible) stream.close();
          else this.stream = stream;
        },
        () => {
          if (current()) this.streamOpening = false; // no stream: the store polls
        },
      );
  }

  private clearCatchUp(): void {
    if (this.catchUp !== undefined) (this.o.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.catchUp);
    this.catchUp = undefined;
  }

  private closeStream(): void {
    this.clearCatchUp();
    this.streamGeneration++;
    this.streamOpening = false;
    this.stream?.close();
    this.stream = undefined;
    this.streamConnected = false;
  }

  private onEvent(s: SandboxDetails): void {
    this.eventsDuringFull?.set(s.id, s);
    const known = this.byId.has(s.id);
    if (this.upsert(s)) this.publish(known && this.byId.has(s.id) ? [s.id] : undefined);
  }

  private reschedule(): void {
    if (this.inFlight || this.disposed) return;
    this.cancelTimer();
    this.schedule();
  }

  // ---- status and scheduling ----------------------------------------------------------------

  /** A poll answered. One that found nothing new must not redraw the tree: that would close an open context menu. */
  private settled(unchanged: boolean): void {
    this.failures = 0;
    if (unchanged) {
      this.state = { kind: 'ready', at: Date.now() };
      return;
    }
    this.items = this.applyPending();
    this.setStatus({ kind: 'ready', at: Date.now() });
  }

  private failed(err: unknown): void {
    this.failures++;
    this.streaming = false;
    this.items = this.applyPending();
    this.setStatus({ kind: 'error', error: toToolError(err).toJSON(), at: Date.now() });
  }

  /** Redraws with the current list (status unchanged); `changed`: only those sandboxes changed, in place. */
  private publish(changed?: readonly string[]): void {
    this.items = this.applyPending();
    this.setStatus(this.state, changed);
  }

  /** Overlays the optimistic states of pending actions; one ends when the API reports another state. */
  private applyPending(): SandboxDetails[] {
    const list = [...this.byId.values()];
    if (!this.pending.size) return list;
    for (const id of [...this.pending.keys()]) if (!this.byId.has(id)) this.pending.delete(id);
    return list.flatMap((s) => {
      const p = this.pending.get(s.id);
      if (!p) return [s];
      if (listCaughtUp(s, p)) {
        this.pending.delete(s.id);
        return [s];
      }
      // A deleted one stays hidden while the list still shows it (as before, or already as destroying).
      return p.shown === 'destroyed' ? [] : [{ ...s, state: p.shown }];
    });
  }

  /**
   * Next read. Errors back off exponentially. Visible and live: only the rare reconcile (events
   * bring the rest). Visible without events: a `lastEventAfter` poll on the setting (fast during
   * transitions). Hidden: the running count on its own interval.
   */
  nextDelayMs(): number | undefined {
    const base = this.visible ? this.o.intervalMs() : (this.o.hiddenIntervalMs?.() ?? 0);
    if (this.state.kind === 'error') {
      if (this.state.error.kind === 'auth') return undefined; // polling cannot fix a bad key
      return Math.min((base || 30_000) * 2 ** (this.failures - 1), this.o.maxBackoffMs ?? 300_000);
    }
    if (!this.visible) return base > 0 ? base : undefined;
    if (base <= 0) return undefined;
    const untilReconcile = Math.max(0, this.lastFullAt + (this.o.reconcileMs ?? defaultReconcileMs)(this.lastFullPages) - Date.now());
    // An overlay waits for the lagging list: no event may come (it may all have come already), so poll.
    if (this.pending.size) return Math.min(this.o.transitionIntervalMs ?? 2_000, untilReconcile);
    if (this.streamConnected) return untilReconcile;
    if (this.hasTransitions) return this.o.transitionIntervalMs ?? 2_000;
    return Math.min(base, untilReconcile);
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

  private setStatus(s: StoreStatus, changed?: readonly string[]): void {
    this.state = s;
    for (const l of [...this.listeners]) l(changed);
  }
}

function sameSandboxes(a: Map<string, SandboxDetails>, b: Map<string, SandboxDetails>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, s] of a) {
    const t = b.get(id);
    if (!t || JSON.stringify(s) !== JSON.stringify(t)) return false;
  }
  return true;
}
