import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOf, formatDuration, timeAgo } from '../../src/core/relative-time';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const before = (ms: number) => new Date(NOW - ms).toISOString();

test('formatDuration picks one rounded-down unit', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(59_999), '59 s');
  assert.equal(formatDuration(90_000), '1 min');
  assert.equal(formatDuration(3 * 3_600_000 + 5), '3 h');
  assert.equal(formatDuration(30 * 86_400_000), '30 d');
  assert.equal(formatDuration(90 * 86_400_000), '3 mo');
  assert.equal(formatDuration(3 * 365 * 86_400_000), '3 y');
  assert.equal(formatDuration(-1), undefined);
  assert.equal(formatDuration(Number.NaN), undefined);
});

test('ageOf and timeAgo read ISO timestamps and tolerate bad ones', () => {
  assert.equal(ageOf(before(2 * 3_600_000), NOW), '2 h');
  assert.equal(timeAgo(before(3 * 86_400_000), NOW), '3 d ago');
  assert.equal(ageOf(new Date(NOW + 30_000).toISOString(), NOW), '0 s', 'small clock skew reads as now');
  assert.equal(ageOf(new Date(NOW + 3_600_000).toISOString(), NOW), undefined, 'far future is unknown');
  assert.equal(ageOf('not a date', NOW), undefined);
  assert.equal(ageOf(null, NOW), undefined);
  assert.equal(timeAgo(undefined, NOW), '—');
});
