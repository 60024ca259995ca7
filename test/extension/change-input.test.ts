import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMinutes, parsePort, parseResize, sizeText, takenNameError } from '../../src/extension/change-input';
import { limitsFor } from '../../src/core/sandbox-update';
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

test('Resize… says which value is wrong and why (0, fractions, words, how many)', () => {
  const stopped = sandbox('stopped');
  const error = (text: string) => (parseResize(text, stopped) as { error: string }).error;
  assert.equal(error('0, 4, 8'), 'CPU must be at least 1 (got 0).');
  assert.equal(error('2, 0, 8'), 'Memory must be at least 1 GiB (got 0).');
  assert.equal(error('2, 4, -3'), 'Disk must be at least 1 GiB (got -3).');
  assert.equal(error('2.5, 4, 8'), 'CPU: "2.5" is not a whole number.');
  assert.equal(error('2, lots, 8'), 'Memory: "lots" is not a whole number.');
  assert.equal(error('2, 4'), 'Give three whole numbers: CPU, memory GiB, disk GiB (e.g. 2, 4, 8); got 2.');
});

test("Resize… refuses values above the organisation's per-sandbox maxima when they are known", () => {
  const stopped = sandbox('stopped');
  const rows = [
    { regionId: 'us', sandboxClass: 'container', maxCpu: 4, maxMemory: 8, maxDisk: 10 },
    { regionId: 'us', sandboxClass: 'linux-vm', maxCpu: 16, maxMemory: 32, maxDisk: 50 },
    { regionId: 'eu', sandboxClass: 'container', maxCpu: 8, maxMemory: 16, maxDisk: 20 },
  ];
  const limits = limitsFor(rows, stopped);
  assert.deepEqual([limits?.maxCpu, limits?.maxMemory, limits?.maxDisk], [4, 8, 10], "the sandbox's region and class");
  const error = (text: string) => (parseResize(text, stopped, limits) as { error: string }).error;
  assert.equal(error('9, 4, 8'), "CPU 9 is above this organisation's per-sandbox maximum of 4.");
  assert.equal(error('2, 16, 8'), "Memory 16 GiB is above this organisation's per-sandbox maximum of 8 GiB.");
  assert.equal(error('2, 4, 11'), "Disk 11 GiB is above this organisation's per-sandbox maximum of 10 GiB.");
  assert.deepEqual(parseResize('4, 8, 10', stopped, limits), { ok: true, value: { cpu: 4, memory: 8, disk: 10 } }, 'the maxima themselves');
  assert.deepEqual(parseResize('9, 4, 8', stopped), { ok: true, value: { cpu: 9 } }, 'unknown maxima: the API judges');
  const noMax = limitsFor([{ ...rows[0]!, maxCpu: null }], stopped);
  assert.equal(parseResize('9, 4, 8', stopped, noMax).ok, true, 'no maximum set');
});

test('Create Sandbox: a name in the list is taken (not a deleted one), with the fix', () => {
  const list = [{ name: 'web', state: 'stopped' }, { name: 'old', state: 'destroying' }];
  assert.equal(takenNameError(' web ', list), '"web" is taken: a sandbox (stopped) already has that name. Choose another, or leave empty for a generated name.');
  assert.equal(takenNameError('old', list), undefined);
  assert.equal(takenNameError('new', list), undefined);
  assert.equal(takenNameError('', list), undefined);
});
