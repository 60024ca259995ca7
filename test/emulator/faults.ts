// Fault injection: latency, rate limits, 5xx, hangs and scripted failures. Random decisions come
// from a seeded PRNG that draws the same number of values per request, so a given spec and
// request sequence always produce the same faults.
import { STATUS_CODES } from 'node:http';
import { badRequest } from './errors';
import type { FailNextSpec, FaultSpec, ListFilterName, RequestMatcher } from './types';
import { prng } from '../helpers/prng';

export type FaultDecision =
  | { kind: 'pass'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'fail'; delayMs: number; status: number; message: string; retryAfterSec?: number; body?: unknown };


const KNOWN_KEYS = new Set([
  'latencyMs',
  'latencyJitterMs',
  'rate429',
  'retryAfterSec',
  'rate5xx',
  'status5xx',
  'hang',
  'slowMs',
  'failNext',
  'only',
  'seed',
  'ignoreListFilters',
  'failSnapshotJobs',
]);

const LIST_FILTERS: readonly ListFilterName[] = ['states', 'labels', 'name', 'id'];

/** Realistic messages: what the real API (NestJS throttler, exception filter, gateway) says. */
function messageFor(status: number): string {
  if (status === 429) return 'ThrottlerException: Too Many Requests';
  if (status === 500) return 'An unexpected error occurred.';
  return STATUS_CODES[status] ?? 'Error';
}

function compile(pattern: string | RegExp | undefined, where: string): RegExp | undefined {
  if (pattern === undefined) return undefined;
  if (pattern instanceof RegExp) return pattern;
  try {
    return new RegExp(pattern);
  } catch {
    throw badRequest(`${where}.pathPattern is not a valid regular expression`);
  }
}

interface CompiledMatcher {
  method: string | undefined;
  pattern: RegExp | undefined;
}

function compileMatcher(m: RequestMatcher, where: string): CompiledMatcher {
  if (typeof m !== 'object' || m === null) throw badRequest(`${where} must be an object`);
  return { method: m.method?.toUpperCase(), pattern: compile(m.pathPattern, where) };
}

const matches = (m: CompiledMatcher, method: string, path: string): boolean =>
  (m.method === undefined || m.method === method) && (m.pattern === undefined || m.pattern.test(path));

function checkRate(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
    throw badRequest(`${name} must be a number between 0 and 1`);
  }
}

function checkNonNegative(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw badRequest(`${name} must be a non-negative number`);
  }
}

function checkStatus(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 599) {
    throw badRequest(`${name} must be an HTTP status between 200 and 599`);
  }
}

export class FaultEngine {
  private spec: FaultSpec = {};
  private rand = prng(1);
  private hang: CompiledMatcher | undefined;
  private slow: (CompiledMatcher & { ms: number }) | undefined;
  private failNext: (CompiledMatcher & { spec: FailNextSpec; remaining: number })[] = [];

  constructor(private readonly baseLatencyMs: number) {}

  /** Replaces the active faults; throws a 400 ApiError on an invalid spec (nothing changes then). */
  set(spec: FaultSpec): void {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw badRequest('fault spec must be an object');
    for (const key of Object.keys(spec)) {
      if (!KNOWN_KEYS.has(key)) throw badRequest(`Unknown fault option "${key}"`);
    }
    checkNonNegative(spec.latencyMs, 'latencyMs');
    checkNonNegative(spec.latencyJitterMs, 'latencyJitterMs');
    checkNonNegative(spec.retryAfterSec, 'retryAfterSec');
    checkRate(spec.rate429, 'rate429');
    checkRate(spec.rate5xx, 'rate5xx');
    if (spec.status5xx !== undefined && ![500, 502, 503].includes(spec.status5xx)) {
      throw badRequest('status5xx must be 500, 502 or 503');
    }
    if (spec.only !== undefined && spec.only !== 'mutating' && spec.only !== 'all') {
      throw badRequest('only must be "mutating" or "all"');
    }
    if (spec.seed !== undefined && (typeof spec.seed !== 'number' || !Number.isFinite(spec.seed))) {
      throw badRequest('seed must be a number');
    }
    const ignored = spec.ignoreListFilters;
    if (ignored !== undefined && typeof ignored !== 'boolean' && !(Array.isArray(ignored) && ignored.every((f) => LIST_FILTERS.includes(f)))) {
      throw badRequest(`ignoreListFilters must be a boolean or a list of ${LIST_FILTERS.join(', ')}`);
    }
    const hang = spec.hang ? compileMatcher(spec.hang, 'hang') : undefined;
    let slow: (CompiledMatcher & { ms: number }) | undefined;
    if (spec.slowMs) {
      checkNonNegative(spec.slowMs.ms, 'slowMs.ms');
      slow = { ...compileMatcher(spec.slowMs, 'slowMs'), ms: spec.slowMs.ms };
    }
    if (spec.failNext !== undefined && !Array.isArray(spec.failNext)) throw badRequest('failNext must be an array');
    const failNext = (spec.failNext ?? []).map((f, i) => {
      checkStatus(f.status, `failNext[${i}].status`);
      checkNonNegative(f.count, `failNext[${i}].count`);
      checkNonNegative(f.retryAfterSec, `failNext[${i}].retryAfterSec`);
      return { ...compileMatcher(f, `failNext[${i}]`), spec: f, remaining: f.count ?? 1 };
    });

    this.spec = spec;
    this.rand = prng(spec.seed ?? 1);
    this.hang = hang;
    this.slow = slow;
    this.failNext = failNext;
  }

  clear(): void {
    this.set({});
  }

  /** The active spec plus how many scripted failures remain (for the control API). */
  describe(): { spec: FaultSpec; failNextRemaining: number[] } {
    return { spec: this.spec, failNextRemaining: this.failNext.map((f) => f.remaining) };
  }

  /**
   * The list query as an API that ignores some of its filters sees it: those parameters removed
   * (`ignoreListFilters`), everything else (paging, sort) kept.
   */
  listQuery(query: URLSearchParams): URLSearchParams {
    const ignored = this.spec.ignoreListFilters === true ? (['states', 'labels'] as const) : this.spec.ignoreListFilters || [];
    if (ignored.length === 0) return query;
    const kept = new URLSearchParams(query);
    for (const f of ignored) kept.delete(f); // each filter is the query parameter of its name
    return kept;
  }

  decide(method: string, path: string): FaultDecision {
    const s = this.spec;
    // Always three draws, whatever is configured, so sequences stay aligned across specs.
    const [rJitter, r429, r5xx] = [this.rand(), this.rand(), this.rand()];
    let delayMs = this.baseLatencyMs + (s.latencyMs ?? 0) + rJitter * (s.latencyJitterMs ?? 0);
    if (this.slow && matches(this.slow, method, path)) delayMs += this.slow.ms;
    if (this.hang && matches(this.hang, method, path)) return { kind: 'hang' };

    const scripted = this.failNext.find((f) => f.remaining > 0 && matches(f, method, path));
    if (scripted) {
      scripted.remaining -= 1;
      const f = scripted.spec;
      return {
        kind: 'fail',
        delayMs,
        status: f.status,
        message: messageFor(f.status),
        ...(f.retryAfterSec !== undefined && { retryAfterSec: f.retryAfterSec }),
        ...(f.body !== undefined && { body: f.body }),
      };
    }

    const mutating = method !== 'GET' && method !== 'HEAD';
    if (s.only !== 'mutating' || mutating) {
      if (r429 < (s.rate429 ?? 0)) {
        return { kind: 'fail', delayMs, status: 429, message: messageFor(429), retryAfterSec: s.retryAfterSec ?? 1 };
      }
      if (r5xx < (s.rate5xx ?? 0)) {
        const status = s.status5xx ?? 503;
        return { kind: 'fail', delayMs, status, message: messageFor(status) };
      }
    }
    return { kind: 'pass', delayMs };
  }
}
