/**
 * Reliability under a misbehaving Daytona API, through the built server (`node dist/cli.js start`)
 * driven by the official MCP client: rate limits and 5xx during bulk calls, a hung API, the API
 * disappearing and coming back, a key that expires and is replaced on disk, and a client that
 * disconnects in the middle of a call. Every check compares the emulator's state before and after.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorSandboxView } from '../emulator/emulator';
import { assertErrorResult, callTool, childOf, dataOf, spawnServer, textOf, type SpawnedServer } from '../helpers/mcp-client';
import { OTHER_KEY, SENTINEL_KEY, assertNoSecret } from '../helpers/secrets';
import { testContext } from '../helpers/context';
import { getSandbox } from '../../src/core/tools/get_sandbox';
import { createSandbox } from '../../src/core/tools/create_sandbox';
import { ERROR_KINDS, ToolError } from '../../src/core/errors';
import { TOOL_NAMES } from '../../src/core/tools';
import { waitFor } from '../helpers/wait';

let emu: Emulator;
let server: SpawnedServer;
const spawned: SpawnedServer[] = [];
const extraEmulators: Emulator[] = [];

async function spawnWith(env: Record<string, string>, home?: string): Promise<SpawnedServer> {
  const s = await spawnServer({ env, home });
  spawned.push(s);
  return s;
}

const byName = (list: EmulatorSandboxView[]) => new Map(list.map((s) => [s.name, s]));
const byId = (list: EmulatorSandboxView[]) => new Map(list.map((s) => [s.id, s]));
const KINDS = new Set<string>(ERROR_KINDS);

/** After a 429 with Retry-After: N, the same request must not come back sooner than N seconds. */
function assertRetryAfterHonoured(e: Emulator, retryAfterSec: number): number {
  const reqs = e.stats().requests;
  let checked = 0;
  reqs.forEach((q, i) => {
    if (q.status !== 429) return;
    const next = reqs.slice(i + 1).find((n) => n.method === q.method && n.path === q.path);
    if (!next) return;
    checked++;
    assert.ok(next.at - q.at >= retryAfterSec * 1000 - 50, `${q.method} ${q.path} retried after ${next.at - q.at} ms despite Retry-After: ${retryAfterSec}`);
  });
  return checked;
}

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 40 });
  server = await spawnWith({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
});
after(async () => {
  for (const s of spawned) {
    await s.close();
    assertNoSecret(s.stderr(), 'server stderr');
    assertNoSecret(s.log(), 'audit log');
  }
  for (const e of extraEmulators) await e.close();
  await emu.close();
});
beforeEach(() => emu.reset('none'));

describe('bulk calls under 429 and 503', () => {
  test('stop 30 of 40 started sandboxes: exactly those 30 stop, the other 10 are untouched', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const name of names) emu.seedSandbox({ name, state: 'started', labels: { fleet: 'a' } });
    const targets = names.slice(0, 30);
    const others = names.slice(30);
    const before = byName(emu.sandboxes());
    emu.resetStats();
    emu.setFaults({ rate429: 0.2, retryAfterSec: 1, rate5xx: 0.05, status5xx: 503, only: 'mutating', seed: 1234 });
    const r = await callTool(server, 'stop_sandbox', { sandboxes: targets });
    emu.clearFaults();

    const stats = emu.stats();
    const injected = stats.requests.filter((q) => q.status === 429 || q.status === 503).length;
    assert.ok(injected > 0, 'faults were injected');
    assert.ok(assertRetryAfterHonoured(emu, 1) > 0, 'at least one 429 was retried');
    assert.ok(stats.maxConcurrency <= 8, `at most 8 requests in flight, saw ${stats.maxConcurrency}`);
    const d = dataOf(r);
    assert.equal(d.results.length, 30, 'one result per requested sandbox');
    assert.equal(d.succeeded + d.failed, 30);

    const now = byName(emu.sandboxes());
    const stoppedNow = names.filter((n) => now.get(n)!.state === 'stopped').sort();
    const reportedOk = d.results.filter((x: { ok: boolean }) => x.ok).map((x: { sandbox: string }) => x.sandbox).sort();
    assert.deepEqual(stoppedNow, reportedOk, 'the sandboxes reported stopped are exactly the ones that stopped');
    assert.equal(d.succeeded, stoppedNow.length, 'succeeded count equals changed count');
    for (const x of d.results) {
      if (x.ok) {
        assert.equal(x.changed, true, `${x.sandbox} was running, so it changed`);
        assert.equal(x.state, 'stopped');
      } else {
        assert.ok(KINDS.has(x.error.kind), `${x.sandbox} failure has a kind`);
        assert.match(textOf(r), new RegExp(`- ${x.sandbox}: FAILED .*\\[${x.error.kind}\\]`));
        assert.equal(now.get(x.sandbox)!.state, 'started', `${x.sandbox} failed, so it must be untouched`);
      }
    }
    // Retries are bounded (4 attempts, one budget per item) but 20 %/5 % faults must not make items fail in practice.
    assert.ok(d.failed <= 2, `${d.failed} of 30 failed: retries are not absorbing transient faults\n${textOf(r)}`);
    for (const n of others) assert.deepEqual(now.get(n), before.get(n), `${n} was not asked for and must be untouched`);
    const otherRefs = others.flatMap((n) => [n, before.get(n)!.id]);
    const touched = stats.requests.filter((q) => otherRefs.some((ref) => q.path.endsWith(`/${ref}`) || q.path.includes(`/${ref}/`)));
    assert.deepEqual(touched, [], 'no request at all addressed a sandbox that was not asked for');
    console.log(`# stop under faults: ${stats.requests.length} requests, ${injected} faulted, ${d.succeeded} stopped, ${d.failed} failed`);
  });

  test('cleanup_sandboxes deletes exactly the stopped ones while others are present (faults on every request)', async () => {
    const seeds: Array<[string, 'stopped' | 'started' | 'archived' | 'error', number]> = [['old', 'stopped', 15], ['live', 'started', 8], ['cold', 'archived', 4], ['bad', 'error', 3]];
    for (const [prefix, state, n] of seeds) for (let i = 0; i < n; i++) emu.seedSandbox({ name: `${prefix}-${i}`, state });
    const before = byId(emu.sandboxes());
    emu.resetStats();
    emu.setFaults({
      rate429: 0.2, retryAfterSec: 0, rate5xx: 0.05, status5xx: 503, only: 'all', seed: 99,
      // A few certain faults on top of the random ones, so the run never happens to be fault-free.
      failNext: [{ method: 'GET', pathPattern: '^/api/sandbox$', status: 429, retryAfterSec: 0 }, { method: 'DELETE', status: 503, count: 2 }],
    });
    const r = await callTool(server, 'cleanup_sandboxes', {});
    emu.clearFaults();

    const injected = emu.stats().requests.filter((q) => q.status === 429 || q.status === 503).length;
    assert.ok(injected >= 3, 'faults were injected');
    assert.ok(emu.stats().maxConcurrency <= 8, `at most 8 requests in flight, saw ${emu.stats().maxConcurrency}`);
    const d = dataOf(r);
    const now = byId(emu.sandboxes());
    // Deletes are lazy: desiredState destroyed is deleted, whatever the state says yet.
    const gone = [...before.values()].filter((s) => !now.has(s.id) || now.get(s.id)!.desiredState === 'destroyed');
    assert.ok(gone.every((s) => s.state === 'stopped'), `only stopped sandboxes were deleted: ${gone.map((s) => `${s.name}(${s.state})`).join(', ')}`);
    assert.deepEqual(d.deleted.map((x: { id: string }) => x.id).sort(), gone.map((s) => s.id).sort(), 'deleted report equals what is gone');
    assert.equal(d.matched.length, 15);
    assert.equal(d.deleted.length + d.failed.length, 15, 'every matched sandbox is reported, deleted or failed');
    for (const f of d.failed) {
      assert.ok(KINDS.has(f.error.kind), `${f.name} failure has a kind`);
      assert.equal(now.get(f.id)?.state, 'stopped', `${f.name} failed, so it is still there`);
    }
    assert.ok(d.failed.length <= 2, `${d.failed.length} of 15 failed: retries are not absorbing transient faults`);
    for (const [id, s] of before) {
      if (s.state !== 'stopped') assert.deepEqual(now.get(id), s, `${s.name} (${s.state}) must be untouched`);
    }
    console.log(`# cleanup under faults: ${injected} faulted requests, ${d.deleted.length} deleted, ${d.failed.length} failed`);
  });

  test('create_sandbox count=10 with 5xx on POSTs: one sandbox per name, never a duplicate', async () => {
    emu.resetStats();
    emu.setFaults({
      rate429: 0.2, retryAfterSec: 1, rate5xx: 0.05, status5xx: 503, only: 'mutating', seed: 7,
      // Make sure the "look the name up before creating again" path runs at least twice.
      failNext: [{ method: 'POST', pathPattern: '^/api/sandbox$', status: 503, count: 2 }],
    });
    const r = await callTool(server, 'create_sandbox', { name: 'fleet', count: 10 });
    emu.clearFaults();

    const d = dataOf(r);
    const wanted = Array.from({ length: 10 }, (_, i) => `fleet-${i + 1}`);
    const all = emu.sandboxes();
    const created = d.sandboxes.map((s: { name: string }) => s.name).sort();
    const failed = d.failed.map((f: { name: string }) => f.name).sort();
    assert.deepEqual([...created, ...failed].sort(), [...wanted].sort(), 'every requested name is reported once');
    for (const name of wanted) {
      const copies = all.filter((s) => s.name === name).length;
      assert.equal(copies, created.includes(name) ? 1 : 0, `${name}: ${copies} sandboxes in the API`);
    }
    assert.equal(all.length, created.length, 'nothing else was created');
    for (const f of d.failed) assert.ok(KINDS.has(f.error.kind), `${f.name} failure has a kind`);
    assert.ok(d.failed.length <= 2, `${d.failed.length} of 10 failed`);
    const reqs = emu.stats().requests;
    const lookups = reqs.filter((q) => q.method === 'GET' && /^\/api\/sandbox\/fleet-\d+$/.test(q.path) && q.status === 404);
    assert.ok(reqs.filter((q) => q.method === 'POST' && q.path === '/api/sandbox' && q.status === 503).length >= 2);
    assert.ok(lookups.length >= 2, 'after an ambiguous 503 the name was looked up before creating again');
  });

  test('an ambiguous create (request timed out after the API acted) is found by name, not created twice [in-process]', async () => {
    // holdUntilStarted: the API creates the sandbox, then holds the response until it has started;
    // our 400 ms deadline fires first, exactly the "did it happen?" case the create tool guards against.
    const slow = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: { create: 1_000 }, holdUntilStarted: true });
    extraEmulators.push(slow);
    const ctx = testContext(slow.url, { requestTimeoutMs: 400 });
    try {
      const out = await createSandbox.handler(createSandbox.input.parse({ name: 'only-once' }), ctx);
      assert.equal(out.isError, false, out.summary);
      assert.equal(slow.sandboxes().filter((s) => s.name === 'only-once').length, 1);
      const posts = slow.stats().requests.filter((q) => q.method === 'POST' && q.path === '/api/sandbox');
      assert.equal(posts.length, 1, 'no second POST after the lookup found it');
      assert.equal(posts[0]!.status, 0, 'the first POST really timed out on our side');
    } finally {
      await ctx.provider.dispose();
    }
  });
});

describe('a hung API', () => {
  test('the per-request deadline turns a hung request into a timeout error [in-process, 500 ms deadline]', async () => {
    emu.seedSandbox({ name: 'stuck', state: 'started' });
    const ctx = testContext(emu.url, { requestTimeoutMs: 500 });
    try {
      await getSandbox.handler({ sandbox: 'stuck' }, ctx); // warm: the SDK loads lazily
      emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox/' } });
      // The hang is endless, so any answer is the deadline's doing; the message names which deadline
      // fired (ours, not some library default) — no stopwatch that a busy machine could outrun.
      await assert.rejects(getSandbox.handler({ sandbox: 'stuck' }, ctx), (e: ToolError) => {
        assert.equal(e.kind, 'timeout', e.message);
        assert.match(e.message, /\b500 ?ms\b/);
        return true;
      });
    } finally {
      emu.clearFaults();
      await ctx.provider.dispose();
    }
  });

  // NEEDS: DAYTONA_MCP_REQUEST_TIMEOUT_MS (proposed). The server's deadline is hard-wired to 30 s
  // (src/core/sdk-gateway.ts); without the env var this test fails after 8 s instead of waiting 30.
  test('through MCP: a hung API is a clear timeout error within the configured deadline, and the server keeps serving', async () => {
    const s = await spawnWith({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url, DAYTONA_MCP_REQUEST_TIMEOUT_MS: '1500' });
    emu.seedSandbox({ name: 'stuck', state: 'started' });
    emu.seedSandbox({ name: 'fine', state: 'started' });
    emu.setFaults({ hang: { pathPattern: '/stuck' } });
    try {
      // The hang is endless: an answer at all is the configured deadline firing, and the message says
      // which one (1500 ms, not the 30 s default). The client's own limit is only a backstop, well above
      // the deadline so that a busy machine cannot make it fire first.
      const r = await callTool(s, 'get_sandbox', { sandbox: 'stuck' }, { timeout: 25_000 }).catch((err: Error) =>
        assert.fail(`the tool hung: no answer within 25 s (${err.message}); DAYTONA_MCP_REQUEST_TIMEOUT_MS was not applied`),
      );
      assert.equal(assertErrorResult(r, 'hung get_sandbox'), 'timeout', textOf(r));
      assert.match(textOf(r), /\b1500 ?ms\b/);
      // A bulk call: the hung item fails with a timeout, the healthy one still succeeds.
      const bulk = await callTool(s, 'stop_sandbox', { sandboxes: ['stuck', 'fine'] }, { timeout: 25_000 });
      const d = dataOf(bulk);
      assert.equal(d.results.find((x: { sandbox: string }) => x.sandbox === 'stuck').error.kind, 'timeout');
      assert.equal(d.results.find((x: { sandbox: string }) => x.sandbox === 'fine').state, 'stopped');
      assert.equal(emu.sandboxes().find((x) => x.name === 'stuck')?.state, 'started');
    } finally {
      emu.clearFaults();
    }
    assert.equal((await s.client.listTools()).tools.length, TOOL_NAMES.length, 'still serving');
  });
});

describe('the API goes away and comes back', () => {
  test('network error while it is down, then the next call works on the same port without a restart', async () => {
    const first = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 40, seed: [{ name: 'before-outage', state: 'started' }] });
    const port = first.port;
    const s = await spawnWith({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: first.url });
    const ok = await callTool(s, 'list_sandboxes', {});
    assert.deepEqual(dataOf(ok).sandboxes.map((x: { name: string }) => x.name), ['before-outage']);

    await first.close();
    const down = await callTool(s, 'list_sandboxes', {});
    assert.equal(assertErrorResult(down, 'API down'), 'network', textOf(down));
    assert.match(textOf(down), /Hint: .*DAYTONA_API_URL/);
    assert.equal((await s.client.listTools()).tools.length, TOOL_NAMES.length, 'server alive while the API is down');
    assert.equal(childOf(s).exitCode, null);

    const second = await startEmulator({ port, apiKeys: [SENTINEL_KEY], transitionMs: 40, seed: [{ name: 'after-outage', state: 'started' }] });
    extraEmulators.push(second);
    const back = await callTool(s, 'list_sandboxes', {});
    assert.equal(back.isError, undefined, textOf(back));
    assert.deepEqual(dataOf(back).sandboxes.map((x: { name: string }) => x.name), ['after-outage']);
    const stop = await callTool(s, 'stop_sandbox', { sandboxes: ['after-outage'] });
    assert.equal(dataOf(stop).succeeded, 1, textOf(stop));
    assert.equal(s.logEntries().filter((e) => e.event === 'server_start').length, 1, 'the same server process throughout');
  });
});

describe('credentials change while the server runs', () => {
  function writeCredentials(home: string, apiKey: string): string {
    const path = join(home, '.daytona', 'mcp', 'credentials.json');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ apiKey }), { mode: 0o600 });
    renameSync(tmp, path); // atomic: the server never reads half a file
    return path;
  }

  test('an expired key is an auth error with a hint; a new key in the credentials file works on the next call', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-rel-creds-'));
    const credPath = writeCredentials(home, SENTINEL_KEY);
    assert.equal(statSync(credPath).mode & 0o777, 0o600);
    emu.seedSandbox({ name: 'mine', state: 'started' });
    // No DAYTONA_API_KEY: the server must find the key in the file, every call.
    const s = await spawnWith({ DAYTONA_API_URL: emu.url }, home);
    assert.equal(s.logEntries().find((e) => e.event === 'server_start')?.credentials, 'credentials-file');
    const ok = await callTool(s, 'get_sandbox', { sandbox: 'mine' });
    assert.equal(ok.isError, undefined, textOf(ok));

    emu.setApiKeys([OTHER_KEY]); // the key was revoked / rotated on the Daytona side
    const denied = await callTool(s, 'get_sandbox', { sandbox: 'mine' });
    assert.equal(assertErrorResult(denied, 'revoked key'), 'auth', textOf(denied));
    assert.match(textOf(denied), /Hint: .*API key/);
    assertNoSecret(textOf(denied), 'auth error text');

    writeCredentials(home, OTHER_KEY); // the user saves the new key; no restart
    const again = await callTool(s, 'get_sandbox', { sandbox: 'mine' });
    assert.equal(again.isError, undefined, textOf(again));
    assert.equal(dataOf(again).sandbox.name, 'mine');
    assert.equal(s.logEntries().filter((e) => e.event === 'server_start').length, 1, 'no restart happened');
    assert.equal(childOf(s).exitCode, null);
  });
});

describe('a client that disconnects mid-call', () => {
  // One scenario, several checks: a start_sandbox is waiting for a slow start when the client dies.
  let slow: Emulator;
  let s: SpawnedServer;
  let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | null;
  let disconnectedAt: number;
  let pending: Promise<string>;

  before(async () => {
    slow = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: { start: 30_000, stop: 40 }, seed: [{ name: 'sleepy', state: 'stopped' }] });
    extraEmulators.push(slow);
    s = await spawnWith({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: slow.url });
    const child = childOf(s);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    pending = callTool(s, 'start_sandbox', { sandboxes: ['sleepy'] }).then(
      () => 'answered',
      () => 'rejected',
    );
    // Wait until the start was sent and the server is polling for "started".
    const id = slow.sandboxes()[0]!.id;
    await waitFor(() => slow.stats().requests.filter((q) => q.method === 'GET' && q.path === `/api/sandbox/${id}`).length >= 3, 10_000, 'polling');
    assert.ok(slow.stats().requests.some((q) => q.method === 'POST' && q.path.endsWith('/start')));

    // The client dies: both pipes go away at once, no polite close.
    disconnectedAt = Date.now();
    child.stdout?.destroy();
    child.stdin?.destroy();
    // A server that never exits fails here (after 30 s, a backstop far beyond any busy machine), not
    // on a stopwatch. Once it is gone it can send nothing more: wait for what it sent to be answered.
    exit = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    if (exit) await waitFor(() => slow.stats().inFlight === 0, 10_000, 'requests of the exited server settled');
    const entries = s.logEntries();
    console.log(`# disconnect: exit ${exit?.code} after ${exit ? exit.at - disconnectedAt : '?'} ms; audit: ${entries.map((e) => `${String(e.event)}${e.outcome ? `:${String(e.outcome)}` : ''}`).join(', ')}`);
  });

  test('the server exits by itself with code 0, without crashing', async () => {
    assert.ok(exit, 'the server exited by itself after losing its client');
    assert.equal(exit.signal, null, 'it exited by itself, not by a signal');
    assert.equal(exit.code, 0, 'exit code 0');
    assert.equal(await pending, 'rejected', 'the client-side call ends (connection closed)');
    const entries = s.logEntries();
    assert.ok(!entries.some((e) => e.event === 'internal_error'), `no internal error: ${JSON.stringify(entries.filter((e) => e.event === 'internal_error'))}`);
    assert.doesNotMatch(s.stderr(), /internal error|Error:|at .*\.js:\d+/, 'nothing crashed on stderr');
  });

  test('no API request is made after the disconnect', () => {
    const stop = s.logEntries().find((e) => e.event === 'server_stop');
    assert.ok(stop, 'server_stop is audited');
    assert.equal(stop.reason, 'stdin closed');
    // Counted on one clock (the emulator runs in this process): arrivals after the pipes were cut.
    // (Comparing with the server's own server_stop time mixed two processes' clocks and a 20 ms margin.)
    const reqs = slow.stats().requests;
    assert.ok(reqs.filter((q) => q.at >= disconnectedAt).length <= 1, `at most a poll already on its way: ${JSON.stringify(reqs.filter((q) => q.at >= disconnectedAt))}`);
    assert.equal(slow.stats().inFlight, 0);
    assert.equal(slow.sandboxes()[0]?.state, 'starting', 'the start itself was neither undone nor repeated');
  });

  // BUG (see README): the interrupted call already sent POST /start, but process.exit() runs before
  // the aborted handler writes its audit line, so the log does not show the call at all.
  test('the interrupted tool call is audited (outcome cancelled), not only server_stop', () => {
    const entries = s.logEntries();
    const call = entries.find((e) => e.event === 'tool_call' && e.tool === 'start_sandbox');
    assert.ok(call, `the start_sandbox call that changed a sandbox is in the audit log; got events: ${entries.map((e) => String(e.event)).join(', ')}`);
    assert.equal(call.outcome, 'cancelled', JSON.stringify(call));
  });
});
