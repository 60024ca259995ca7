import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMinutes, parsePort, parseResize, sizeText } from '../../src/extension/change-input';
import { sandbox } from '../helpers/sandbox';

test('Resize… sends only what changes, and says which rule a change breaks', () => {
  const started = sandbox('started');
  const stopped = sandbox('stopped');
  assert.equal(sizeText(started), '2, 4, 8');
  assert.deepEqual(parseResize('4, 8, 8', started), { ok: true, value: { cpu: 4, memory: 8 } });
  assert.deepEqual(parseResize('2 CPU / 6 GiB / 8 GiB', started), { ok: true, value: { memory: 6 } });
  assert.match((parseResize('1, 4, 8', started) as { error: string }).error, /only grow CPU and memory/);
  assert.match((parseResize('2, 4, 10', started) as { error: string }).error, /Disk changes only while the sandbox is stopped/);
  assert.deepEqual(parseResize('1, 2, 10', stopped), { ok: true, value: { cpu: 1, memory: 2, disk: 10 } });
  assert.match((parseResize('2, 4, 5', stopped) as { error: string }).error, /Disk only grows \(now 8 GiB\)/);
  assert.match((parseResize('2, 4, 8', stopped) as { error: string }).error, /current size/);
  for (const bad of ['', '2, 4', '2, 4, 8, 1', 'a, b, c', '0, 4, 8', '2.5, 4, 8']) {
    assert.equal(parseResize(bad, stopped).ok, false, bad);
  }
});

test('ports and minutes: whole numbers in range', () => {
  assert.deepEqual(parsePort(' 3000 '), { ok: true, value: 3000 });
  for (const bad of ['0', '65536', '80.5', 'http', '']) assert.equal(parsePort(bad).ok, false, bad);
  assert.deepEqual(parseMinutes('0'), { ok: true, value: 0 });
  assert.deepEqual(parseMinutes('90'), { ok: true, value: 90 });
  for (const bad of ['-1', '1.5', 'soon', '525601']) assert.equal(parseMinutes(bad).ok, false, bad);
});
