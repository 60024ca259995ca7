/**
 * Bounded attempts under connection resets, replayed through a hostile proxy that drops the
 * connection before forwarding (so the API never acts). Retries used to multiply across layers —
 * the SDK's transport retry (3 tries for GET/DELETE) inside our retry policy (5 tries) — so one
 * reset DELETE or lookup cost 15 requests per item of a bulk call. Now there is one retry layer and
 * each item shares one budget: at most MAX_ATTEMPTS_PER_ITEM failed requests in a row per item,
 * whatever mix of lookups, actions and confirmations it makes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { callTool, dataOf, textOf } from '../helpers/mcp-client';
import { serverBehindHostileApi } from './hostile-api';

/** The documented bound (src/core/retry.ts ITEM_RETRY_BUDGET + the first attempt). */
const MAX_ATTEMPTS_PER_ITEM = 4;

const rig = serverBehindHostileApi();

/** Resets the requests `reset` picks and tallies, per sandbox (by name or id), what reached the proxy. */
function resetAndCount(reset: (method: string, path: string) => boolean): { tally: Map<string, { all: number; reset: number; byMethod: Map<string, number> }> } {
  const refs = new Map<string, string>();
  for (const s of rig.emu.sandboxes()) {
    refs.set(s.name, s.name);
    refs.set(s.id, s.name);
  }
  const tally = new Map<string, { all: number; reset: number; byMethod: Map<string, number> }>();
  rig.hostile.rule = (method, path) => {
    const ref = /^\/api\/sandbox\/([^/]+)/.exec(path)?.[1];
    const name = ref ? refs.get(decodeURIComponent(ref)) : undefined;
    const doReset = reset(method, path);
    if (name) {
      const t = tally.get(name) ?? { all: 0, reset: 0, byMethod: new Map() };
      t.all++;
      if (doReset) t.reset++;
      t.byMethod.set(method, (t.byMethod.get(method) ?? 0) + 1);
      tally.set(name, t);
    }
    return doReset ? { kind: 'reset' } : { kind: 'forward' };
  };
  return { tally };
}

describe('security: bounded attempts per item under resets', () => {
  test('bulk delete whose every DELETE is reset: each item fails truthfully within the bound, nothing deleted', async () => {
    const names = ['rst-a', 'rst-b', 'rst-c', 'rst-d', 'rst-e'];
    rig.emu.reset(names.map((name) => ({ name, state: 'stopped' as const })));
    const { tally } = resetAndCount((method) => method === 'DELETE');
    try {
      const r = await callTool(rig.server, 'delete_sandbox', { sandboxes: names, wait: false });
      const d = dataOf(r);
      assert.equal(d.failed, names.length, textOf(r));
      for (const item of d.results) assert.equal(item.error.kind, 'network', `${item.sandbox}: ${textOf(r)}`);
      assert.equal(rig.emu.sandboxes().filter((s) => s.state === 'stopped').length, names.length, 'the API deleted nothing');
      const deletes = names.map((n) => tally.get(n)?.byMethod.get('DELETE') ?? 0);
      const failedPerItem = names.map((n) => tally.get(n)?.reset ?? 0);
      const totalPerItem = names.map((n) => tally.get(n)?.all ?? 0);
      console.log(`attempts: reset DELETE → ${Math.max(...deletes)} DELETEs, ${Math.max(...totalPerItem)} requests per item (before: 15 DELETEs)`);
      for (const [i, n] of names.entries()) {
        assert.ok(deletes[i]! >= 2, `${n}: a reset DELETE is retried (it is idempotent): ${deletes[i]}`);
        assert.ok(failedPerItem[i]! <= MAX_ATTEMPTS_PER_ITEM, `${n}: ${failedPerItem[i]} failed attempts`);
        // lookup + DELETEs + the confirming lookup
        assert.ok(totalPerItem[i]! <= MAX_ATTEMPTS_PER_ITEM + 2, `${n}: ${totalPerItem[i]} requests`);
      }
    } finally {
      rig.hostile.rule = () => ({ kind: 'forward' });
    }
  });

  test('bulk stop while every request for those sandboxes is reset: at most the bound per item', async () => {
    const names = ['down-a', 'down-b', 'down-c', 'down-d'];
    rig.emu.reset(names.map((name) => ({ name, state: 'started' as const })));
    const { tally } = resetAndCount(() => true);
    try {
      const r = await callTool(rig.server, 'stop_sandbox', { sandboxes: names });
      const d = dataOf(r);
      assert.equal(d.failed, names.length, textOf(r));
      assert.ok(rig.emu.sandboxes().every((s) => s.state === 'started'), 'nothing stopped');
      const perItem = names.map((n) => tally.get(n)?.all ?? 0);
      console.log(`attempts: API down → ${Math.max(...perItem)} requests per item of a bulk stop (before: 15)`);
      for (const [i, n] of names.entries()) {
        assert.ok(perItem[i]! >= 2, `${n}: a reset lookup is retried: ${perItem[i]}`);
        assert.ok(perItem[i]! <= MAX_ATTEMPTS_PER_ITEM, `${n}: ${perItem[i]} requests`);
      }
    } finally {
      rig.hostile.rule = () => ({ kind: 'forward' });
    }
  });
});
