import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineDiff } from '../../src/registration/line-diff';

test('lineDiff shows one hunk with context', () => {
  const diff = lineDiff('a\nb\nc\nd\ne\n', 'a\nb\nC\nC2\nd\ne\n', 'f.json', 1);
  assert.equal(diff, '--- f.json\n+++ f.json\n@@ -2,3 +2,4 @@\n b\n-c\n+C\n+C2\n d\n');
  assert.equal(lineDiff('same\n', 'same\n', 'f'), '');
});
