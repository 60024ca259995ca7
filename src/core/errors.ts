/**
 * One small error vocabulary for agents and the editor. Every failure that leaves a tool is a
 * ToolError with a kind (what happened) and a hint (what to do next). SDK errors are recognised by
 * their class name and HTTP status, so this module never has to load the SDK. Messages pass through
 * the scrubber: an API or proxy that echoes our Authorization header must not reach the agent.
 */
import { namedRetryAfterSec } from './rate-headers';
import { redactUrls, scrub } from './scrub';

export const ERROR_KINDS = [
  'auth', 'not_found', 'invalid_input', 'invalid_state', 'conflict', 'rate_limited', 'quota', 'network',
  'timeout', 'cancelled', 'unknown',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const DEFAULT_HINTS: Record<ErrorKind, string> = {
  auth:
    'Set a valid Daytona API key: in the editor run "Daytona: Set API Key", or set DAYTONA_API_KEY ' +
    '(create one at https://app.daytona.io/dashboard/keys), or log in with the Daytona CLI.',
  not_found: 'Call list_sandboxes to see the sandboxes that exist; never guess an id.',
  invalid_input: 'Fix the arguments as described and call the tool again.',
  invalid_state:
    'The sandbox is not in a state that allows this action. Call get_sandbox to see its state and wait ' +
    'for any transition (starting, stopping, archiving, …) to finish.',
  conflict: 'A sandbox with that name already exists or the sandbox changed meanwhile; pick another name or re-read it.',
  rate_limited: 'The Daytona API is rate limiting; wait a little and retry with fewer sandboxes at once.',
  quota: 'Your organisation has reached a resource quota; stop or delete sandboxes you no longer need, or ask for fewer resources.',
  network: 'The Daytona API could not be reached; check DAYTONA_API_URL and your connection, then retry.',
  timeout: 'The operation did not finish in time; check the sandbox with get_sandbox before retrying.',
  cancelled: 'The request was cancelled; nothing further was done.',
  unknown: 'Retry once; if it keeps failing, check ~/.daytona/daytona-mcp.log for details.',
};

/** What a host may act on beyond the kind (the message is for people and may change). */
export type ErrorReason = 'resize_unavailable';

export class ToolError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string;
  readonly status: number | undefined;
  /** Seconds the API asked us to wait (429 Retry-After). */
  readonly retryAfterSec: number | undefined;
  readonly reason: ErrorReason | undefined;

  constructor(kind: ErrorKind, message: string, opts: { hint?: string; status?: number; retryAfterSec?: number; reason?: ErrorReason } = {}) {
    super(scrub(message));
    this.name = 'ToolError';
    this.kind = kind;
    this.hint = scrub(opts.hint ?? DEFAULT_HINTS[kind]);
    this.status = opts.status;
    this.retryAfterSec = opts.retryAfterSec;
    this.reason = opts.reason;
  }

  toJSON(): { kind: ErrorKind; message: string; hint: string } {
    return { kind: this.kind, message: this.message, hint: this.hint };
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  statusCode?: unknown;
  code?: unknown;
  headers?: unknown;
}

/**
 * Seconds a 429 asks to wait: the real API's throttler names its header (`Retry-After-<throttler>`,
 * the longest counts); a plain `Retry-After` (gateways, older servers) is read too.
 */
function retryAfterOf(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown> & { get?: (k: string) => unknown };
  const raw = typeof h.get === 'function' ? h.get('retry-after') : (h['retry-after'] ?? h['Retry-After']);
  if (raw === undefined || raw === null) return namedRetryAfterSec(headers);
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(String(raw));
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

const QUOTA_WORDS = /quota|limit exceeded|exceeds? (the )?(maximum|limit)|insufficient/i;
const STATE_WORDS = /state|transition|already|not (started|stopped|running)|must be stopped|cannot be/i;

/** Maps anything thrown by the SDK (or our own code) to a ToolError. */
export function toToolError(err: unknown): ToolError {
  if (err instanceof ToolError) return err;
  const e = (err ?? {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  // Text from the API or the network: URLs in it may carry credentials (a signed preview link).
  const message = redactUrls(typeof e.message === 'string' && e.message ? e.message : String(err));
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const opts = { status };

  if (name === 'AbortError' || name === 'CanceledError' || e.code === 'ERR_CANCELED') {
    return new ToolError('cancelled', 'The operation was cancelled.');
  }
  if (name === 'DaytonaConnectionTimeoutError' || name === 'DaytonaTimeoutError' || status === 408 || status === 504) {
    return new ToolError('timeout', message, opts);
  }
  if (name === 'DaytonaConnectionError') return new ToolError('network', message, opts);
  switch (status) {
    case 401:
      return new ToolError('auth', 'The Daytona API rejected the API key (401 Unauthorized).', opts);
    case 403:
      return QUOTA_WORDS.test(message)
        ? new ToolError('quota', message, opts)
        : new ToolError('auth', `Forbidden: ${message}`, { ...opts, hint: 'The API key lacks permission for this action; use a key with sandbox write access.' });
    case 404:
    case 410:
      return new ToolError('not_found', message, opts);
    case 409:
      return STATE_WORDS.test(message) && !/name/i.test(message)
        ? new ToolError('invalid_state', message, opts)
        : new ToolError('conflict', message, opts);
    case 429:
      return new ToolError('rate_limited', message, { ...opts, retryAfterSec: retryAfterOf(e.headers) });
    case 400:
    case 422:
      if (QUOTA_WORDS.test(message)) return new ToolError('quota', message, opts);
      if (STATE_WORDS.test(message)) return new ToolError('invalid_state', message, opts);
      return new ToolError('invalid_input', message, opts);
  }
  if (status !== undefined && status >= 500) {
    return new ToolError('network', `The Daytona API failed (${status}): ${message}`, opts);
  }
  if (name === 'DaytonaAuthenticationError') return new ToolError('auth', message, opts);
  if (name === 'DaytonaValidationError' || name === 'DaytonaInvalidArgumentError') return new ToolError('invalid_input', message, opts);
  return new ToolError('unknown', message, opts);
}

/**
 * The API has no such route for this organisation: Nest's own 404 "Cannot POST /api/…", as the real
 * API answers for a feature behind a flag that is off (resize: `sandbox_resize`). Not a missing sandbox.
 */
export function isMissingRoute(err: ToolError): boolean {
  return err.kind === 'not_found' && /^Cannot (GET|POST|PUT|PATCH|DELETE) \/\S*$/.test(err.message);
}

/** True for failures worth retrying on an idempotent call. */
export function isTransient(err: ToolError): boolean {
  if (err.kind === 'rate_limited') return true;
  if (err.kind === 'network') return true; // connection failures and 5xx
  return err.kind === 'timeout' && err.status !== undefined; // 408/504 from a gateway, not our own deadline
}
