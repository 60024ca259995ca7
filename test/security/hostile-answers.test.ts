/**
 * Truthful results under API faults, replayed through a hostile proxy in front of the emulator:
 *  - a delete whose response was lost (the API acted, the connection dropped) used to be retried,
 *    met a 404 and was reported not_found; now a lookup resolves it as deleted;
 *  - a 200 answer that is not JSON used to read as "No sandboxes match"; now it is an `unknown`
 *    error that names what came back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertErrorResult, callTool, dataOf, textOf } from '../helpers/mcp-client';
import { serverBehindHostileApi } from './hostile-api';

// Deletes take a minute here, so the retry of a delete whose answer was lost always meets the sandbox
// still destroying (the API refuses: a state change in progress) — never by luck of timing.
const rig = serverBehindHostileApi({ transitionMs: { delete: 60_000 } });

describe('security: truthful results under hostile answers', () => {
  test('a delete whose answer was lost is reported deleted, not not_found', async () => {
    rig.emu.reset([{ name: 'doomed', state: 'stopped' }]);
    let dropped = 0;
    rig.hostile.rule = (method) => (method === 'DELETE' && dropped++ === 0 ? { kind: 'drop-after-forward' } : { kind: 'forward' });
    const r = await callTool(rig.server, 'delete_sandbox', { sandboxes: ['doomed'], wait: false });
    rig.hostile.rule = () => ({ kind: 'forward' });
    assert.equal(dropped >= 1, true, 'the first DELETE answer was dropped');
    assert.ok(!rig.emu.sandboxes().some((s) => s.name === 'doomed' && s.state !== 'destroying' && s.state !== 'destroyed'), 'the API deleted it');
    const item = dataOf(r).results[0];
    console.log(`faults: lost delete answer reported as ${item.ok ? 'ok' : item.error.kind} (before: not_found)`);
    assert.equal(item.ok, true, textOf(r));
  });

  test('a 200 answer that is not JSON is an unknown error naming it, not "no sandboxes"', async () => {
    rig.emu.reset([{ name: 'present', state: 'started' }]);
    rig.hostile.rule = () => ({ kind: 'not-json' });
    try {
      const list = await callTool(rig.server, 'list_sandboxes', {});
      assert.equal(assertErrorResult(list, 'list_sandboxes'), 'unknown');
      assert.match(textOf(list), /HTML page starting "<html>/);
      assert.doesNotMatch(textOf(list), /No sandboxes/);
      const get = await callTool(rig.server, 'get_sandbox', { sandbox: 'present' });
      assert.equal(assertErrorResult(get, 'get_sandbox'), 'unknown');
      const cleanup = await callTool(rig.server, 'cleanup_sandboxes', { dryRun: true });
      assert.equal(assertErrorResult(cleanup, 'cleanup_sandboxes'), 'unknown');
      console.log(`faults: non-JSON 200 → ${textOf(list).split('\n')[0]}`);
    } finally {
      rig.hostile.rule = () => ({ kind: 'forward' });
    }
  });
});
