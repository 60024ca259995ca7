// GET /sandbox query handling: validation with the real API's class-validator messages, filters,
// stable sorting and opaque keyset cursors (so pages stay consistent while sandboxes come and go).
import { badRequest } from './errors';
import { SANDBOX_STATES, type SandboxRecord, type SandboxStateName } from './types';

const SORT_FIELDS = ['name', 'cpu', 'memoryGib', 'diskGib', 'lastActivityAt', 'createdAt'] as const;
type SortField = (typeof SORT_FIELDS)[number];
export type ListSortField = SortField;
type Order = 'asc' | 'desc';

/** `destroyed` is not a queryable state in the real API. */
const QUERYABLE_STATES: readonly string[] = SANDBOX_STATES.filter((s) => s !== 'destroyed');

export function parseIntParam(params: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return dflt;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw badRequest(`${name} must be an integer number`);
  if (value < min) throw badRequest(`${name} must not be less than ${min}`);
  if (value > max) throw badRequest(`${name} must not be greater than ${max}`);
  return value;
}

function parseNumber(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw badRequest(`${name} must be a number conforming to the specified constraints`);
  return value;
}

function parseBool(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw badRequest(`${name} must be a boolean value`);
}

function parseDate(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest(`${name} must be a Date instance`);
  return ms;
}

function parseEnum<T extends string>(params: URLSearchParams, name: string, values: readonly T[], dflt: T): T {
  const raw = params.get(name);
  if (raw === null || raw === '') return dflt;
  if (!(values as readonly string[]).includes(raw)) {
    throw badRequest(`${name} must be one of the following values: ${values.join(', ')}`);
  }
  return raw as T;
}

function parseLabels(params: URLSearchParams): Record<string, unknown> | undefined {
  const raw = params.get('labels');
  if (raw === null || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('Invalid labels JSON format');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('Invalid labels JSON format');
  }
  return parsed as Record<string, unknown>;
}

export interface ListQuery {
  limit: number;
  cursor: CursorKey | undefined;
  sort: SortField;
  order: Order;
  idPrefix?: string;
  namePrefix?: string;
  labels?: Record<string, unknown>;
  includeErroredDeleted: boolean;
  /** Arrays arrive as repeated keys (`states=a&states=b`): that is how the api-client serialises them. */
  states?: SandboxStateName[];
  snapshots?: string[];
  regionIds?: string[];
  minCpu?: number;
  maxCpu?: number;
  minMemoryGiB?: number;
  maxMemoryGiB?: number;
  minDiskGiB?: number;
  maxDiskGiB?: number;
  isPublic?: boolean;
  isRecoverable?: boolean;
  createdAtAfter?: number;
  createdAtBefore?: number;
  lastEventAfter?: number;
  lastEventBefore?: number;
}

interface CursorKey {
  sort: SortField;
  order: Order;
  value: string | number;
  createdAt: number;
  id: string;
}

function decodeCursor(raw: string): CursorKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const c = parsed as Partial<CursorKey>;
      if (
        typeof c.sort === 'string' &&
        (SORT_FIELDS as readonly string[]).includes(c.sort) &&
        (c.order === 'asc' || c.order === 'desc') &&
        (typeof c.value === 'string' || typeof c.value === 'number') &&
        typeof c.createdAt === 'number' &&
        typeof c.id === 'string'
      ) {
        return c as CursorKey;
      }
    }
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor');
}

const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/**
 * The real default order is lastActivityAt descending (list-sandboxes-query.dto.ts): a sandbox that
 * changes state while someone pages moves to the front, so pages skip or repeat it unless the client
 * asks for `sort=createdAt`.
 */
export function parseListQuery(params: URLSearchParams, defaultSort: SortField = 'lastActivityAt'): ListQuery {
  const states = params.getAll('states').filter((s) => s !== '');
  const bad = states.filter((s) => !QUERYABLE_STATES.includes(s));
  if (bad.length > 0) {
    throw badRequest(`each value must be one of the following values: ${QUERYABLE_STATES.join(', ')}`);
  }
  const list = (name: string): string[] | undefined => {
    const values = params.getAll(name).filter((s) => s !== '');
    return values.length > 0 ? values : undefined;
  };
  const sort = parseEnum(params, 'sort', SORT_FIELDS, defaultSort);
  const order = parseEnum<Order>(params, 'order', ['asc', 'desc'], 'desc');
  const rawCursor = params.get('cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor) : undefined;
  if (cursor && (cursor.sort !== sort || cursor.order !== order)) throw badRequest('Invalid cursor');
  const query: ListQuery = {
    limit: parseIntParam(params, 'limit', 100, 1, 200),
    cursor,
    sort,
    order,
    includeErroredDeleted: parseBool(params, 'includeErroredDeleted') ?? false,
  };
  const optional: Partial<ListQuery> = {
    idPrefix: params.get('id')?.toLowerCase() || undefined,
    namePrefix: params.get('name')?.toLowerCase() || undefined,
    labels: parseLabels(params),
    states: states.length > 0 ? (states as SandboxStateName[]) : undefined,
    snapshots: list('snapshots'),
    regionIds: list('regionIds'),
    minCpu: parseNumber(params, 'minCpu'),
    maxCpu: parseNumber(params, 'maxCpu'),
    minMemoryGiB: parseNumber(params, 'minMemoryGiB'),
    maxMemoryGiB: parseNumber(params, 'maxMemoryGiB'),
    minDiskGiB: parseNumber(params, 'minDiskGiB'),
    maxDiskGiB: parseNumber(params, 'maxDiskGiB'),
    isPublic: parseBool(params, 'isPublic'),
    isRecoverable: parseBool(params, 'isRecoverable'),
    createdAtAfter: parseDate(params, 'createdAtAfter'),
    createdAtBefore: parseDate(params, 'createdAtBefore'),
    lastEventAfter: parseDate(params, 'lastEventAfter'),
    lastEventBefore: parseDate(params, 'lastEventBefore'),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(query, { [key]: value });
  }
  return query;
}

const inRange = (v: number, min?: number, max?: number): boolean =>
  (min === undefined || v >= min) && (max === undefined || v <= max);

function matches(rec: SandboxRecord, q: ListQuery): boolean {
  if (rec.state === 'destroyed') return false;
  const errored = rec.state === 'error' || rec.state === 'build_failed';
  if (errored && rec.desiredState === 'destroyed' && !q.includeErroredDeleted) return false;
  if (q.states && !q.states.includes(rec.state)) return false;
  if (q.idPrefix && !rec.id.toLowerCase().startsWith(q.idPrefix)) return false;
  if (q.namePrefix && !rec.name.toLowerCase().startsWith(q.namePrefix)) return false;
  if (q.labels && !Object.entries(q.labels).every(([k, v]) => rec.labels[k] === v)) return false;
  if (q.snapshots && (rec.snapshot === undefined || !q.snapshots.includes(rec.snapshot))) return false;
  if (q.regionIds && !q.regionIds.includes(rec.target)) return false;
  if (!inRange(rec.cpu, q.minCpu, q.maxCpu)) return false;
  if (!inRange(rec.memory, q.minMemoryGiB, q.maxMemoryGiB)) return false;
  if (!inRange(rec.disk, q.minDiskGiB, q.maxDiskGiB)) return false;
  if (q.isPublic !== undefined && rec.public !== q.isPublic) return false;
  if (q.isRecoverable !== undefined && (rec.recoverable ?? false) !== q.isRecoverable) return false;
  if (!inRange(rec.createdAt, q.createdAtAfter, q.createdAtBefore)) return false;
  if (!inRange(rec.lastActivityAt, q.lastEventAfter, q.lastEventBefore)) return false;
  return true;
}

function sortValue(rec: SandboxRecord, field: SortField): string | number {
  switch (field) {
    case 'name':
      return rec.name.toLowerCase();
    case 'cpu':
      return rec.cpu;
    case 'memoryGib':
      return rec.memory;
    case 'diskGib':
      return rec.disk;
    case 'lastActivityAt':
      return rec.lastActivityAt;
    case 'createdAt':
      return rec.createdAt;
  }
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Total order: requested field and direction, then newest first, then id, so cursors are exact. */
function compareKeys(a: CursorKey, b: CursorKey): number {
  const primary = compareValues(a.value, b.value) * (a.order === 'asc' ? 1 : -1);
  if (primary !== 0) return primary;
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface ListPage {
  items: SandboxRecord[];
  nextCursor: string | null;
}

export function listPage(records: Iterable<SandboxRecord>, q: ListQuery): ListPage {
  const keyOf = (rec: SandboxRecord): CursorKey => ({
    sort: q.sort,
    order: q.order,
    value: sortValue(rec, q.sort),
    createdAt: rec.createdAt,
    id: rec.id,
  });
  const after = q.cursor;
  const sorted = [...records]
    .filter((rec) => matches(rec, q))
    .map((rec) => ({ rec, key: keyOf(rec) }))
    .filter(({ key }) => !after || compareKeys(key, after) > 0)
    .sort((a, b) => compareKeys(a.key, b.key));
  const page = sorted.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ rec }) => rec),
    nextCursor: sorted.length > q.limit && last ? encodeCursor(last.key) : null,
  };
}
