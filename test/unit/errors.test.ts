import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolError, toToolError, isTransient } from '../../src/core/errors';

function sdkError(name: string, statusCode: number | undefined, message: string, headers?: Record<string, string>) {
  return Object.assign(new Error(message), { name, statusCode, headers });
}

test('SDK errors map to the small vocabulary by status', () => {
  const cases: Array<[Error, string]> = [
    [sdkError('DaytonaAuthenticationError', 401, 'Invalid API key'), 'auth'],
    [sdkError('DaytonaNotFoundError', 404, 'Sandbox not found'), 'not_found'],
    [sdkError('DaytonaConflictError', 409, 'Sandbox with name foo already exists'), 'conflict'],
    [sdkError('DaytonaConflictError', 409, 'Sandbox is in a transitional state'), 'invalid_state'],
    [sdkError('DaytonaBadRequestError', 400, 'Sandbox must be stopped before archiving'), 'invalid_state'],
    [sdkError('DaytonaBadRequestError', 400, 'name must match pattern'), 'invalid_input'],
    [sdkError('DaytonaForbiddenError', 403, 'Total CPU quota exceeded'), 'quota'],
    [sdkError('DaytonaRateLimitError', 429, 'Too many requests', { 'retry-after': '2' }), 'rate_limited'],
    [sdkError('DaytonaServiceUnavailableError', 503, 'down'), 'network'],
    [sdkError('DaytonaConnectionError', undefined, 'connect ECONNREFUSED'), 'network'],
    [sdkError('DaytonaConnectionTimeoutError', undefined, 'timeout of 30000ms exceeded'), 'timeout'],
    [new Error('weird'), 'unknown'],
  ];
  for (const [err, kind] of cases) assert.equal(toToolError(err).kind, kind, err.message);
});

test('every mapped error carries a recovery hint', () => {
  const e = toToolError(sdkError('DaytonaAuthenticationError', 401, 'nope'));
  assert.match(e.hint, /Set API Key|DAYTONA_API_KEY/);
  assert.deepEqual(Object.keys(e.toJSON()).sort(), ['hint', 'kind', 'message']);
});

test('Retry-After is read in seconds and as an HTTP date', () => {
  assert.equal(toToolError(sdkError('X', 429, 'slow down', { 'retry-after': '3' })).retryAfterSec, 3);
  const date = new Date(Date.now() + 5_000).toUTCString();
  const s = toToolError(sdkError('X', 429, 'slow down', { 'retry-after': date })).retryAfterSec ?? -1;
  assert.ok(s > 2 && s <= 5, `got ${s}`);
});

test('the real throttler names its Retry-After (Retry-After-<throttler>); the longest counts', () => {
  const headers = { 'retry-after-sandbox-lifecycle': '7', 'retry-after-authenticated': '2', 'x-ratelimit-limit-authenticated': '100' };
  assert.equal(toToolError(sdkError('X', 429, 'ThrottlerException: Too Many Requests', headers)).retryAfterSec, 7);
});

test('transient means worth retrying an idempotent call', () => {
  assert.equal(isTransient(new ToolError('network', 'x', { status: 502 })), true);
  assert.equal(isTransient(new ToolError('rate_limited', 'x')), true);
  assert.equal(isTransient(new ToolError('auth', 'x')), false);
  assert.equal(isTransient(new ToolError('timeout', 'deadline')), false);
  assert.equal(isTransient(new ToolError('timeout', 'gateway', { status: 504 })), true);
});
