import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolError } from '../../src/core/errors';
import { RESIZE_RULE, resizeFor } from '../../src/core/sandbox-update';
import { sandbox } from '../helpers/sandbox';

const refusal = (fn: () => unknown, kind: string, words: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ToolError && e.kind === kind && words.test(e.message) && e.message.includes(RESIZE_RULE));

test('resize rules: what a started sandbox may change', () => {
  const s = sandbox('started');
  assert.deepEqual(resizeFor(s, { cpu: 4, memory: 4, disk: 8 }), { cpu: 4 }, 'equal values are not sent');
  assert.deepEqual(resizeFor(s, { autoStopMinutes: 5 }), {}, 'no resources, no resize');
  refusal(() => resizeFor(s, { disk: 10 }), 'invalid_state', /disk of x while it is started/);
  refusal(() => resizeFor(s, { cpu: 1, memory: 2 }), 'invalid_state', /lower cpu and memory/);
});

test('resize rules: a stopped sandbox may shrink cpu/memory and grow disk, never shrink it', () => {
  const s = sandbox('stopped');
  assert.deepEqual(resizeFor(s, { cpu: 1, memory: 2, disk: 20 }), { cpu: 1, memory: 2, disk: 20 });
  refusal(() => resizeFor(s, { disk: 4 }), 'invalid_input', /shrink the disk of x from 8 to 4 GiB/);
});

test('resize rules: other states are refused, naming the state', () => {
  for (const state of ['archived', 'paused', 'error', 'resizing'] as const) {
    assert.throws(() => resizeFor(sandbox(state), { cpu: 3 }), (e: unknown) => e instanceof ToolError && e.kind === 'invalid_state' && e.message.includes(state));
  }
});
