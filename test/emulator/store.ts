// In-memory sandboxes of one organisation and the rules the real API applies to them
// (checks, their order and messages follow apps/api sandbox.service.ts / sandbox.controller.ts).
import { randomUUID } from 'node:crypto';
import type { SnapshotWireDto } from './dto';
import { ApiError, badRequest, conflict, notFound, sandboxNotFound, stateChangeInProgress } from './errors';
import { beginTransition, desiredStateFor, isTransitional, settle, type TransitionDurations } from './lifecycle';
import { ListIndex } from './list-index';
import { listPage, type ListPage, type ListQuery, type ListSortField } from './query';
import { DEFAULT_SNAPSHOT, findSnapshot } from './snapshots';
import {
  SANDBOX_STATES,
  type BuildInfoRecord,
  type ResolvedQuota,
  type SandboxClassName,
  type SandboxRecord,
  type SandboxStateName,
  type SeedSandbox,
} from './types';

export interface StoreOptions {
  organizationId: string;
  now: () => number;
  durations: TransitionDurations;
  quota: ResolvedQuota;
  /** The organisation's snapshot catalogue; snapshots taken of sandboxes are appended to it. */
  snapshots: SnapshotWireDto[];
  targets: readonly string[];
  dashboardUrl: string;
  /** Real rule: only `linux-vm`/`windows` sandboxes without GPU fork (else 422). */
  forkNeedsVm: boolean;
  /** Real rule: a sandbox's snapshot row is inserted (active) only when its job is done. */
  snapshotRowWhenDone: boolean;
  /** Asked when a snapshot job finishes: true = it failed (no row; the sandbox is back all the same). */
  snapshotJobFails: () => boolean;
  /** How far GET /sandbox lags behind the sandboxes (ms); 0 = the list is always current. */
  listLagMs: number;
  /** How long after DELETE a sandbox keeps its state before it turns `destroying` (ms); 0 = at once. */
  deleteLagMs: number;
  /** GET /sandbox's order when the request names none. */
  defaultListSort: ListSortField;
}

/** Sandbox classes the real API can fork (sandbox.service.ts forkSandbox). */
const FORKABLE_CLASSES: ReadonlySet<SandboxClassName> = new Set(['linux-vm', 'windows']);
const SANDBOX_CLASSES: ReadonlySet<string> = new Set(['container', 'linux-vm', 'windows', 'android']);

/** 30 days: what an autoArchiveInterval of 0 resolves to. */
export const MAX_AUTO_ARCHIVE_INTERVAL = 30 * 24 * 60;

// Names are not validated by the public API source we could read; this rule is the emulator's
// (DNS-label-like), strict enough to catch names a client should never send.
const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NAME_RULE_TEXT =
  "must be 1-63 characters of letters, digits, '-', '_' or '.', and start with a letter or digit";

const PER_SANDBOX_LIMIT_MESSAGE =
  'Need higher resource limits per-sandbox? Contact us at support@daytona.io and let us know about your use case.';
const ARCHIVE_SANDBOXES_MESSAGE = 'Consider archiving your unused Sandboxes to free up available storage.';

/** States whose CPU/memory do not count against the quota (disk still does, except archived). */
const INACTIVE_STATES: ReadonlySet<SandboxStateName> = new Set([
  'stopped',
  'archived',
  'archiving',
  'error',
  'build_failed',
  'destroyed',
  'destroying',
]);
const NO_DISK_STATES: ReadonlySet<SandboxStateName> = new Set([
  'archived',
  'error',
  'build_failed',
  'destroyed',
  'destroying',
]);

// ---- body validation helpers -------------------------------------------------------------

type Body = Record<string, unknown>;

function asObject(value: unknown, what: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${what} must be a JSON object`);
  }
  return value as Body;
}

function optString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v;
}

function optNumber(body: Body, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw badRequest(`${key} must be a number conforming to the specified constraints`);
  }
  return v;
}

function optBoolean(body: Body, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be a boolean value`);
  return v;
}

/** Labels and env are string maps; the emulator rejects other value types outright. */
export function stringMap(value: unknown, key: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const obj = asObject(value, key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw badRequest(`${key} values must be strings (${key}.${k} is ${typeof v})`);
    out[k] = v;
  }
  return out;
}

function toMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`Invalid timestamp: ${String(value)}`);
  return ms;
}

function resolveAutoStop(interval: number): number {
  if (interval < 0) throw badRequest('Auto-stop interval must be a non-negative integer');
  return interval;
}

function resolveAutoArchive(interval: number): number {
  if (interval < 0) throw badRequest('Auto-archive interval must be a non-negative integer');
  return interval === 0 ? MAX_AUTO_ARCHIVE_INTERVAL : Math.min(interval, MAX_AUTO_ARCHIVE_INTERVAL);
}

const isErrored = (rec: SandboxRecord): boolean => rec.state === 'error' || rec.state === 'build_failed';
const isEphemeral = (rec: SandboxRecord): boolean => rec.autoDeleteInterval === 0;

/**
 * "pending" in the real API. Archiving is not: the real API lets a sandbox that is being
 * archived be started or deleted.
 */
const isBusy = (rec: SandboxRecord): boolean =>
  rec.desiredState === 'destroyed' || (rec.transition !== null && rec.state !== 'archiving');

// ---- the store ---------------------------------------------------------------------------

export class SandboxStore {
  private readonly records = new Map<string, SandboxRecord>();
  /** Snapshots taken of sandboxes that are still `snapshotting`: id → when they become active. */
  private readonly pendingSnapshots = new Map<string, number>();
  /** Snapshot jobs not finished yet (snapshotRowWhenDone): their row is inserted when `at` is due. */
  private readonly snapshotJobs: { row: SnapshotWireDto; at: number }[] = [];
  /** What GET /sandbox serves: the sandboxes as they were `listLagMs` ago (list-index.ts). */
  private readonly index: ListIndex;
  /** Sandboxes a request may have changed; published to the index when it ends (`commit`). */
  private readonly touched = new Set<SandboxRecord>();

  constructor(private readonly opts: StoreOptions) {
    this.index = new ListIndex(opts.listLagMs);
  }

  get defaultListSort(): ListSortField {
    return this.opts.defaultListSort;
  }

  /** Publishes what the last request changed to the list's index (called after every request). */
  commit(): void {
    if (this.index.lagMs <= 0) return this.touched.clear();
    const now = this.now();
    for (const rec of this.touched) if (this.records.get(rec.id) === rec) this.index.publish(rec, now);
    this.touched.clear();
  }

  private touch<T extends SandboxRecord>(rec: T): T {
    this.touched.add(rec);
    return rec;
  }

  private now(): number {
    return this.opts.now();
  }

  /** Applies every due transition; finished deletions disappear. */
  private tick(): void {
    const now = this.now();
    const indexed = this.index.lagMs > 0;
    for (const [id, rec] of this.records) {
      for (;;) {
        const at = rec.transition?.at ?? now;
        const step = settle(rec, now);
        if (step === 'kept') break;
        if (step === 'removed') {
          this.records.delete(id);
          if (indexed) this.index.remove(id, at);
          break;
        }
        if (indexed) this.index.publish(rec, at);
      }
    }
    for (const [id, at] of this.pendingSnapshots) {
      if (now < at) continue;
      const snap = this.opts.snapshots.find((s) => s.id === id);
      if (snap) {
        snap.state = 'active';
        snap.updatedAt = new Date(at).toISOString();
      }
      this.pendingSnapshots.delete(id);
    }
    for (let i = this.snapshotJobs.length - 1; i >= 0; i--) {
      const job = this.snapshotJobs[i];
      if (!job || now < job.at) continue;
      this.snapshotJobs.splice(i, 1);
      if (this.opts.snapshotJobFails()) continue; // a failed job leaves no row
      const at = new Date(job.at).toISOString();
      this.opts.snapshots.push({ ...job.row, state: 'active', size: 1, createdAt: at, updatedAt: at });
    }
  }

  /** The snapshot catalogue with due snapshot transitions applied. */
  snapshots(): SnapshotWireDto[] {
    this.tick();
    return this.opts.snapshots;
  }

  all(): SandboxRecord[] {
    this.tick();
    return [...this.records.values()];
  }

  clear(): void {
    this.records.clear();
    this.index.clear();
    this.touched.clear();
    for (const id of this.pendingSnapshots.keys()) {
      const i = this.opts.snapshots.findIndex((s) => s.id === id);
      if (i >= 0) this.opts.snapshots.splice(i, 1);
    }
    this.pendingSnapshots.clear();
    this.snapshotJobs.length = 0;
    for (let i = this.opts.snapshots.length - 1; i >= 0; i--) {
      if (this.opts.snapshots[i]?.sourceSandboxId) this.opts.snapshots.splice(i, 1);
    }
  }

  /** GET /sandbox: eventually consistent, like the real one (see list-index.ts). */
  list(query: ListQuery): ListPage {
    this.tick();
    return listPage(this.index.lagMs > 0 ? this.index.view(this.now()) : this.records.values(), query);
  }

  /** By id first, then by name, like findOneByIdOrName; errored sandboxes being deleted are gone. */
  find(idOrName: string): SandboxRecord {
    this.tick();
    const visible = (rec: SandboxRecord | undefined): rec is SandboxRecord =>
      rec !== undefined && rec.state !== 'destroyed' && !(isErrored(rec) && rec.desiredState === 'destroyed');
    const byId = this.records.get(idOrName);
    if (visible(byId)) return this.touch(byId);
    for (const rec of this.records.values()) {
      if (rec.name === idOrName && visible(rec)) return this.touch(rec);
    }
    throw sandboxNotFound(idOrName);
  }

  /** Id-only lookup (the toolbox-proxy-url endpoint does not accept names). */
  findById(id: string): SandboxRecord {
    this.tick();
    const rec = this.records.get(id);
    if (!rec || rec.state === 'destroyed') throw notFound(`Sandbox with ID ${id} not found`);
    return rec;
  }

  private assertNameFree(name: string): void {
    for (const rec of this.records.values()) {
      if (rec.name === name) throw conflict(`Sandbox with name ${name} already exists`);
    }
  }

  private usage(excludeId?: string): { cpu: number; memory: number; disk: number } {
    const total = { cpu: 0, memory: 0, disk: 0 };
    for (const rec of this.records.values()) {
      if (rec.id === excludeId || rec.desiredState === 'destroyed') continue;
      if (!INACTIVE_STATES.has(rec.state)) {
        total.cpu += rec.cpu;
        total.memory += rec.memory;
      }
      if (!NO_DISK_STATES.has(rec.state)) total.disk += rec.disk;
    }
    return total;
  }

  /**
   * GET /organizations/{organizationId}/usage (OrganizationUsageOverview): one row per region and
   * sandbox class, each with the organisation's per-sandbox maxima and totals. Another organisation's
   * id is refused as the real API's membership guard does (403).
   */
  usageOverview(organizationId: string): Record<string, unknown> {
    if (organizationId !== this.opts.organizationId) throw new ApiError(403, 'Forbidden resource');
    const q = this.opts.quota;
    const used = this.usage();
    const regionUsage = this.opts.targets.flatMap((regionId) =>
      [...SANDBOX_CLASSES].map((sandboxClass) => ({
        regionId,
        sandboxClass,
        totalCpuQuota: q.cpu,
        currentCpuUsage: used.cpu,
        totalMemoryQuota: q.memory,
        currentMemoryUsage: used.memory,
        totalDiskQuota: q.disk,
        currentDiskUsage: used.disk,
        totalGpuQuota: 0,
        currentGpuUsage: 0,
        allowedGpuTypes: [],
        maxCpuPerSandbox: q.maxCpuPerSandbox,
        maxMemoryPerSandbox: q.maxMemoryPerSandbox,
        maxDiskPerSandbox: q.maxDiskPerSandbox,
        maxDiskPerNonEphemeralSandbox: null,
        maxCpuPerGpu: null,
        maxMemoryPerGpu: null,
        maxDiskPerGpu: null,
      })),
    );
    const snapshotRows = this.opts.snapshots.filter((x) => !x.general).length;
    return { regionUsage, totalSnapshotQuota: 100, currentSnapshotUsage: snapshotRows, totalVolumeQuota: 100, currentVolumeUsage: 0 };
  }

  /** validateOrganizationQuotas: per-sandbox limits, then organisation totals (all 400 today). */
  private checkQuota(res: { cpu: number; memory: number; disk: number; gpu: number }, excludeId?: string): void {
    this.checkPerSandbox(res);
    this.checkTotals(res, excludeId);
  }

  /** The organisation's per-sandbox maxima (cpu, memory, disk, no GPU), whatever the state. */
  private checkPerSandbox(res: { cpu: number; memory: number; disk: number; gpu: number }): void {
    const q = this.opts.quota;
    if (res.cpu > q.maxCpuPerSandbox) {
      throw badRequest(
        `CPU request ${res.cpu} exceeds maximum allowed per sandbox (${q.maxCpuPerSandbox}).\n${PER_SANDBOX_LIMIT_MESSAGE}`,
      );
    }
    if (res.memory > q.maxMemoryPerSandbox) {
      throw badRequest(
        `Memory request ${res.memory}GB exceeds maximum allowed per sandbox (${q.maxMemoryPerSandbox}GB).\n${PER_SANDBOX_LIMIT_MESSAGE}`,
      );
    }
    if (res.disk > q.maxDiskPerSandbox) {
      throw badRequest(
        `Disk request ${res.disk}GB exceeds maximum allowed per sandbox (${q.maxDiskPerSandbox}GB).\n${PER_SANDBOX_LIMIT_MESSAGE}`,
      );
    }
    if (res.gpu > 0) throw badRequest('Total GPU limit exceeded. Maximum allowed: 0.');
  }

  /** The organisation's totals: running CPU and memory, disk of non-archived sandboxes. */
  private checkTotals(res: { cpu: number; memory: number; disk: number }, excludeId?: string): void {
    const q = this.opts.quota;
    const used = this.usage(excludeId);
    const upgrade = `To increase concurrency limits, upgrade your organization's Tier by visiting ${this.opts.dashboardUrl}/limits.`;
    if (used.cpu + res.cpu > q.cpu) {
      throw badRequest(`Total CPU limit exceeded. Maximum allowed: ${q.cpu}.\n${upgrade}`);
    }
    if (used.memory + res.memory > q.memory) {
      throw badRequest(`Total memory limit exceeded. Maximum allowed: ${q.memory}GiB.\n${upgrade}`);
    }
    if (used.disk + res.disk > q.disk) {
      throw badRequest(
        `Total disk limit exceeded. Maximum allowed: ${q.disk}GiB.\n${ARCHIVE_SANDBOXES_MESSAGE}\n${upgrade}`,
      );
    }
  }

  private resolveTarget(target: string | undefined): string {
    const t = target?.trim();
    if (!t) return this.opts.targets[0] ?? 'us';
    if (!this.opts.targets.includes(t)) throw notFound('Region not found');
    return t;
  }

  /** POST /sandbox. Returns the new record in `creating`. */
  create(rawBody: unknown): SandboxRecord {
    this.tick();
    const body = asObject(rawBody ?? {}, 'body');
    const rawName = optString(body, 'name');
    const name = rawName === '' ? undefined : rawName;
    if (name !== undefined && !NAME_RULE.test(name)) {
      throw badRequest(`Invalid sandbox name "${name}": a name ${NAME_RULE_TEXT}`);
    }
    const snapshotName = optString(body, 'snapshot');
    const user = optString(body, 'user');
    const env = stringMap(body.env, 'env');
    const labels = stringMap(body.labels, 'labels');
    const isPublic = optBoolean(body, 'public');
    const networkBlockAll = optBoolean(body, 'networkBlockAll');
    const requestedClass = optString(body, 'class');
    if (requestedClass !== undefined && !SANDBOX_CLASSES.has(requestedClass)) {
      throw badRequest(`class must be one of the following values: ${[...SANDBOX_CLASSES].join(', ')}`);
    }
    const requested = {
      cpu: optNumber(body, 'cpu'),
      gpu: optNumber(body, 'gpu'),
      memory: optNumber(body, 'memory'),
      disk: optNumber(body, 'disk'),
    };
    const autoStop = optNumber(body, 'autoStopInterval');
    const autoArchive = optNumber(body, 'autoArchiveInterval');
    const autoDelete = optNumber(body, 'autoDeleteInterval');
    const volumes = body.volumes;
    if (volumes !== undefined && volumes !== null && !Array.isArray(volumes)) {
      throw badRequest('volumes must be an array');
    }
    const buildInfoBody = body.buildInfo === undefined || body.buildInfo === null ? undefined : asObject(body.buildInfo, 'buildInfo');

    const target = this.resolveTarget(optString(body, 'target'));
    const now = this.now();

    let snapshot: string | undefined;
    let resources: { cpu: number; gpu: number; memory: number; disk: number };
    let buildInfo: BuildInfoRecord | undefined;
    if (buildInfoBody) {
      if (snapshotName) throw badRequest('Cannot specify a snapshot when using a build info entry');
      resources = {
        cpu: requested.cpu || 1,
        gpu: requested.gpu || 0,
        memory: requested.memory || 1,
        disk: requested.disk || 3,
      };
      const dockerfileContent = optString(buildInfoBody, 'dockerfileContent');
      const hashes = buildInfoBody.contextHashes;
      const contextHashes = Array.isArray(hashes) ? hashes.filter((h): h is string => typeof h === 'string') : undefined;
      buildInfo = {
        ...(dockerfileContent !== undefined && { dockerfileContent }),
        ...(contextHashes && { contextHashes }),
        snapshotRef: `daytona-build-${randomUUID().slice(0, 12)}:0.0.1`,
        createdAt: now,
        updatedAt: now,
      };
    } else {
      if (requested.cpu || requested.gpu || requested.memory || requested.disk) {
        throw badRequest('Cannot specify Sandbox resources when using a snapshot');
      }
      const wanted = snapshotName?.trim() ? snapshotName : DEFAULT_SNAPSHOT;
      const found = findSnapshot(this.opts.snapshots, wanted);
      if (!found) throw badRequest(`Snapshot ${wanted} not found. Did you add it through the Daytona Dashboard?`);
      if (found.state !== 'active') throw badRequest(`Snapshot ${wanted} is ${found.state}`);
      snapshot = found.name;
      resources = { cpu: found.cpu, gpu: found.gpu, memory: found.mem, disk: found.disk };
    }

    this.tick();
    this.checkQuota(resources);
    const firstVolume: unknown = Array.isArray(volumes) ? volumes[0] : undefined;
    if (firstVolume !== undefined) {
      const id = typeof firstVolume === 'object' && firstVolume !== null ? (firstVolume as Body).volumeId : undefined;
      throw notFound(`Volume ${String(id)} not found`);
    }

    const id = randomUUID();
    const finalName = name ?? id;
    this.assertNameFree(finalName);

    const rec: SandboxRecord = {
      id,
      name: finalName,
      organizationId: this.opts.organizationId,
      snapshot,
      user: user || 'daytona',
      env,
      labels,
      public: isPublic ?? false,
      networkBlockAll: networkBlockAll ?? false,
      target,
      ...resources,
      // Image-built sandboxes are always containers (sandbox.service.ts createFromBuildInfo).
      sandboxClass: buildInfo ? 'container' : ((requestedClass as SandboxClassName | undefined) ?? 'container'),
      state: 'creating',
      desiredState: 'started',
      errorReason: undefined,
      recoverable: undefined,
      autoStopInterval: autoStop === undefined ? 15 : resolveAutoStop(autoStop),
      autoArchiveInterval: autoArchive === undefined ? 7 * 24 * 60 : resolveAutoArchive(autoArchive),
      autoDeleteInterval: autoDelete ?? -1,
      volumes: [],
      buildInfo,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
      daemonVersion: '0.218.0',
      runnerId: runnerIdFor(target),
      parentId: undefined,
      buildLog: buildInfo ? `#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n` : undefined,
      transition: null,
    };
    beginTransition(rec, 'creating', now, this.opts.durations);
    this.records.set(id, this.touch(rec));
    return rec;
  }

  /** POST /sandbox/{idOrName}/start */
  start(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (rec.state === 'started' && rec.desiredState === 'started') return rec;
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (isBusy(rec)) throw stateChangeInProgress();
    if (!['stopped', 'archived', 'archiving', 'paused'].includes(rec.state)) {
      throw badRequest('Sandbox is not in valid state');
    }
    this.checkQuota(rec, rec.id);
    const now = this.now();
    const next: SandboxStateName =
      rec.state === 'archived' ? 'restoring' : rec.state === 'paused' ? 'resuming' : 'starting';
    beginTransition(rec, next, now, this.opts.durations);
    rec.lastActivityAt = now;
    return rec;
  }

  /** POST /sandbox/{idOrName}/stop. Ephemeral sandboxes (autoDeleteInterval 0) are deleted. */
  stop(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (rec.transition !== null) throw stateChangeInProgress();
    if (rec.state !== 'started' && rec.state !== 'paused') throw badRequest('Sandbox is not in a stoppable state');
    if (isEphemeral(rec)) return this.destroy(rec);
    const now = this.now();
    beginTransition(rec, 'stopping', now, this.opts.durations);
    rec.lastActivityAt = now;
    return rec;
  }

  /** POST /sandbox/{idOrName}/archive */
  archive(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (rec.transition !== null) throw stateChangeInProgress();
    if (rec.state !== 'stopped') throw badRequest('Sandbox is not stopped');
    if (isEphemeral(rec)) throw badRequest('Ephemeral sandboxes cannot be archived');
    const now = this.now();
    beginTransition(rec, 'archiving', now, this.opts.durations);
    rec.lastActivityAt = now;
    return rec;
  }

  /** DELETE /sandbox/{idOrName}. Allowed from any settled state, including error. */
  delete(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (isBusy(rec)) throw stateChangeInProgress();
    if (this.liveForks(rec.id).length > 0) {
      throw badRequest('Sandbox has forks and cannot be deleted. Delete its forks first.');
    }
    return this.destroy(rec);
  }

  /**
   * The real delete is lazy (sandbox.entity.ts): at once only `desiredState: destroyed` and the name
   * released (renamed DESTROYED_<name>_<ms>); the state turns `destroying` `deleteLagMs` later, and
   * the sandbox is gone after the delete duration. Meanwhile start, stop and delete answer 409.
   */
  private destroy(rec: SandboxRecord): SandboxRecord {
    const now = this.now();
    rec.name = `DESTROYED_${rec.name}_${now}`;
    if (this.opts.deleteLagMs <= 0) {
      beginTransition(rec, 'destroying', now, this.opts.durations);
      return rec;
    }
    rec.desiredState = 'destroyed';
    rec.updatedAt = now;
    rec.transition = { to: 'destroying', at: now + this.opts.deleteLagMs, then: { to: 'removed', ms: this.opts.durations.delete } };
    return rec;
  }

  /** Forks of `id` that still exist (GET /sandbox/{id}/forks). */
  liveForks(id: string): SandboxRecord[] {
    this.tick();
    return [...this.records.values()].filter((r) => r.parentId === id && r.desiredState !== 'destroyed');
  }

  /** GET /sandbox/{idOrName}/parent: 404 for a sandbox that is not a fork. */
  parent(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    const parent = rec.parentId === undefined ? undefined : this.records.get(rec.parentId);
    if (!parent || parent.state === 'destroyed') throw notFound(`Sandbox ${rec.id} has no parent`);
    return parent;
  }

  private assertNameRule(name: string): void {
    if (!NAME_RULE.test(name)) throw badRequest(`Invalid sandbox name "${name}": a name ${NAME_RULE_TEXT}`);
  }

  /**
   * POST /sandbox/{idOrName}/fork `{name?}`: the source (started) passes through `forking`; the fork
   * is a copy-on-write clone with the source's snapshot, env, labels, resources and intervals
   * (not its buildInfo), answered in `creating` and started after the fork duration.
   */
  fork(idOrName: string, rawBody: unknown): SandboxRecord {
    const body = asObject(rawBody ?? {}, 'body');
    const rawName = optString(body, 'name');
    const name = rawName === '' ? undefined : rawName;
    if (name !== undefined) this.assertNameRule(name);
    const src = this.find(idOrName);
    if (this.opts.forkNeedsVm && !FORKABLE_CLASSES.has(src.sandboxClass)) {
      throw new ApiError(422, 'Forking is not supported for this sandbox');
    }
    if (this.opts.forkNeedsVm && src.gpu > 0) throw new ApiError(422, 'Forking is not supported for GPU sandboxes');
    if (isErrored(src)) throw badRequest('Sandbox is in an errored state');
    if (src.transition !== null) throw stateChangeInProgress();
    if (src.state !== 'started') throw badRequest('Sandbox must be started to be forked');
    this.checkQuota(src);
    const id = randomUUID();
    const finalName = name ?? `${src.name}-fork-${id.slice(0, 8)}`;
    this.assertNameFree(finalName);
    const now = this.now();
    beginTransition(src, 'forking', now, this.opts.durations);
    const rec: SandboxRecord = {
      ...src,
      id,
      name: finalName,
      env: { ...src.env },
      labels: { ...src.labels },
      volumes: [],
      buildInfo: undefined,
      buildLog: undefined,
      errorReason: undefined,
      recoverable: undefined,
      parentId: src.id,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
      transition: null,
    };
    beginTransition(rec, 'creating', now, this.opts.durations, this.opts.durations.fork);
    this.records.set(id, this.touch(rec));
    return rec;
  }

  /**
   * POST /sandbox/{idOrName}/snapshot `{name, includeMemory?}`: the sandbox goes `snapshotting` and
   * back to where it was; the new snapshot (sourceSandboxId set) is `snapshotting` until it is
   * `active`, which takes longer than the sandbox's part. A taken name is 409.
   */
  createSnapshot(idOrName: string, rawBody: unknown): SandboxRecord {
    const body = asObject(rawBody, 'body');
    const name = optString(body, 'name')?.trim();
    if (!name) throw badRequest('name must be a string');
    optBoolean(body, 'includeMemory');
    const rec = this.find(idOrName);
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (rec.transition !== null) throw stateChangeInProgress();
    if (rec.state !== 'started' && rec.state !== 'stopped') {
      throw badRequest('Sandbox must be started or stopped to create a snapshot');
    }
    if (this.opts.snapshots.some((s) => s.name === name) || this.snapshotJobs.some((j) => j.row.name === name)) {
      throw conflict(`Snapshot with name "${name}" already exists`);
    }
    const now = this.now();
    const at = new Date(now).toISOString();
    const snapId = randomUUID();
    const row: SnapshotWireDto = {
      id: snapId,
      organizationId: this.opts.organizationId,
      general: false,
      name,
      state: 'snapshotting',
      size: null,
      entrypoint: null,
      cpu: rec.cpu,
      gpu: rec.gpu,
      mem: rec.memory,
      disk: rec.disk,
      errorReason: null,
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
      regionIds: [rec.target],
      sourceSandboxId: rec.id,
      sandboxClass: rec.sandboxClass,
    };
    if (this.opts.snapshotRowWhenDone) {
      // The real job handler puts the sandbox back first, then inserts the row, already active.
      this.snapshotJobs.push({ row, at: now + 2 * this.opts.durations.snapshot });
    } else {
      this.opts.snapshots.push(row);
      this.pendingSnapshots.set(snapId, now + 2 * this.opts.durations.snapshot);
    }
    beginTransition(rec, 'snapshotting', now, this.opts.durations, undefined, rec.state);
    rec.lastActivityAt = now;
    return rec;
  }

  /**
   * POST /sandbox/{idOrName}/resize `{cpu?, memory?, disk?}`. Started: only cpu/memory, only
   * increases (hot resize). Stopped: anything, disk only growing. gpu is not a property.
   */
  resize(idOrName: string, rawBody: unknown): SandboxRecord {
    const body = asObject(rawBody, 'body');
    for (const key of Object.keys(body)) {
      if (!['cpu', 'memory', 'disk'].includes(key)) throw badRequest(`property ${key} should not exist`);
    }
    const want = { cpu: optNumber(body, 'cpu'), memory: optNumber(body, 'memory'), disk: optNumber(body, 'disk') };
    for (const [key, v] of Object.entries(want)) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw badRequest(`${key} must not be less than 1`);
    }
    if (want.cpu === undefined && want.memory === undefined && want.disk === undefined) {
      throw badRequest('At least one of cpu, memory or disk must be specified');
    }
    const rec = this.find(idOrName);
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (rec.transition !== null) throw stateChangeInProgress();
    if (rec.state === 'started') {
      if (want.disk !== undefined) throw badRequest('Disk resize requires a stopped sandbox');
      if ((want.cpu !== undefined && want.cpu < rec.cpu) || (want.memory !== undefined && want.memory < rec.memory)) {
        throw badRequest('Hot resize only supports increasing CPU and memory; stop the sandbox to decrease them');
      }
    } else if (rec.state === 'stopped') {
      if (want.disk !== undefined && want.disk < rec.disk) throw badRequest('Disk size can only be increased');
    } else {
      throw badRequest('Sandbox must be started or stopped to be resized');
    }
    const next = { cpu: want.cpu ?? rec.cpu, memory: want.memory ?? rec.memory, disk: want.disk ?? rec.disk, gpu: rec.gpu };
    // A stopped sandbox's CPU and memory count against no total, but the per-sandbox maxima still
    // hold: the API refuses now what it could never start.
    if (rec.state === 'started') this.checkQuota(next, rec.id);
    else {
      this.checkPerSandbox(next);
      this.checkTotals({ ...next, cpu: 0, memory: 0 }, rec.id);
    }
    const now = this.now();
    const back = rec.state;
    Object.assign(rec, { cpu: next.cpu, memory: next.memory, disk: next.disk });
    beginTransition(rec, 'resizing', now, this.opts.durations, undefined, back);
    rec.desiredState = 'resized';
    return rec;
  }

  /** POST /sandbox/{idOrName}/public/{isPublic} */
  setPublic(idOrName: string, raw: string): SandboxRecord {
    if (raw !== 'true' && raw !== 'false') throw badRequest('Validation failed (boolean string is expected)');
    const rec = this.find(idOrName);
    rec.public = raw === 'true';
    rec.updatedAt = this.now();
    return rec;
  }

  /** POST /sandbox/{idOrName}/recover: only an errored sandbox the API marks recoverable. */
  recover(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (!isErrored(rec)) throw badRequest('Sandbox is not in an errored state');
    if (rec.recoverable !== true) throw badRequest('Sandbox error is not recoverable');
    this.checkQuota(rec, rec.id);
    const now = this.now();
    rec.errorReason = undefined;
    rec.recoverable = undefined;
    beginTransition(rec, 'starting', now, this.opts.durations);
    rec.lastActivityAt = now;
    return rec;
  }

  /** POST /sandbox/{idOrName}/pause: started → pausing → paused (start resumes it). */
  pause(idOrName: string): SandboxRecord {
    const rec = this.find(idOrName);
    if (isErrored(rec)) throw badRequest('Sandbox is in an errored state');
    if (rec.transition !== null) throw stateChangeInProgress();
    if (rec.state !== 'started') throw badRequest('Sandbox is not started');
    const now = this.now();
    beginTransition(rec, 'pausing', now, this.opts.durations);
    rec.lastActivityAt = now;
    return rec;
  }

  /** GET /sandbox/{idOrName}/build-logs: 404 for a sandbox not built from an image. */
  buildLog(idOrName: string): string {
    const rec = this.find(idOrName);
    if (!rec.buildInfo) throw notFound(`Sandbox ${rec.id} has no build info`);
    return rec.buildLog ?? '';
  }

  /** PUT /sandbox/{idOrName}/labels: replaces every label. */
  replaceLabels(idOrName: string, rawBody: unknown): Record<string, string> {
    const body = asObject(rawBody, 'body');
    if (body.labels === undefined || body.labels === null) throw badRequest('labels must be an object');
    const labels = stringMap(body.labels, 'labels');
    const rec = this.find(idOrName);
    rec.labels = labels;
    rec.updatedAt = this.now();
    return { ...labels };
  }

  /** POST /sandbox/{idOrName}/{autostop|autoarchive|autodelete}/{interval} */
  setInterval(idOrName: string, kind: 'autostop' | 'autoarchive' | 'autodelete', raw: string): SandboxRecord {
    const interval = Number(raw);
    if (!Number.isInteger(interval)) throw badRequest('Validation failed (numeric string is expected)');
    const rec = this.find(idOrName);
    if (kind === 'autostop') rec.autoStopInterval = resolveAutoStop(interval);
    else if (kind === 'autoarchive') rec.autoArchiveInterval = resolveAutoArchive(interval);
    else rec.autoDeleteInterval = interval;
    rec.updatedAt = this.now();
    return rec;
  }

  /** Inserts a sandbox directly in any state (control API / tests). */
  seed(seed: SeedSandbox): SandboxRecord {
    this.tick();
    const now = this.now();
    const state: SandboxStateName = seed.state ?? 'started';
    if (!(SANDBOX_STATES as readonly string[]).includes(state)) throw badRequest(`Unknown state ${String(state)}`);
    const id = seed.id ?? randomUUID();
    if (this.records.has(id)) throw conflict(`Sandbox with ID ${id} already exists`);
    const name = seed.name ?? id;
    this.assertNameFree(name);
    const snap = findSnapshot(this.opts.snapshots, seed.snapshot ?? DEFAULT_SNAPSHOT);
    const createdAt = toMs(seed.createdAt, now);
    const target = seed.target ?? this.opts.targets[0] ?? 'us';
    const rec: SandboxRecord = {
      id,
      name,
      organizationId: this.opts.organizationId,
      snapshot: seed.snapshot ?? DEFAULT_SNAPSHOT,
      user: seed.user ?? 'daytona',
      env: stringMap(seed.env, 'env'),
      labels: stringMap(seed.labels, 'labels'),
      public: seed.public ?? false,
      networkBlockAll: seed.networkBlockAll ?? false,
      target,
      cpu: seed.cpu ?? snap?.cpu ?? 1,
      gpu: seed.gpu ?? 0,
      memory: seed.memory ?? snap?.mem ?? 1,
      disk: seed.disk ?? snap?.disk ?? 3,
      sandboxClass: seed.sandboxClass ?? 'container',
      state,
      desiredState: desiredStateFor(state),
      errorReason: seed.errorReason ?? (state === 'error' ? 'Sandbox failed to start' : undefined),
      recoverable: seed.recoverable,
      autoStopInterval: seed.autoStopInterval ?? 15,
      autoArchiveInterval: seed.autoArchiveInterval ?? 7 * 24 * 60,
      autoDeleteInterval: seed.autoDeleteInterval ?? -1,
      volumes: [],
      buildInfo:
        seed.buildLog === undefined
          ? undefined
          : { snapshotRef: `daytona-build-${id.slice(0, 12)}:0.0.1`, createdAt, updatedAt: createdAt },
      buildLog: seed.buildLog,
      parentId: undefined,
      createdAt,
      updatedAt: Math.max(createdAt, toMs(seed.lastActivityAt, createdAt)),
      lastActivityAt: toMs(seed.lastActivityAt, createdAt),
      daemonVersion: '0.218.0',
      runnerId: runnerIdFor(target),
      transition: null,
    };
    if (isTransitional(state)) beginTransition(rec, state, now, this.opts.durations, seed.pendingMs);
    rec.lastActivityAt = toMs(seed.lastActivityAt, createdAt);
    this.records.set(id, rec);
    // A seeded sandbox existed before: the list shows it at once.
    if (this.index.lagMs > 0) this.index.publish(rec, Number.NEGATIVE_INFINITY);
    return rec;
  }
}

/** A stable fake runner per region, so DTOs carry a plausible runnerId. */
function runnerIdFor(target: string): string {
  const hex = Buffer.from(target).toString('hex').padEnd(12, '0').slice(0, 12);
  return `00000000-0000-4000-8000-${hex}`;
}
