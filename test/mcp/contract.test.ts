/**
 * MCP contract: the built server (`node dist/cli.js start`) spawned over stdio and driven with the
 * official MCP client, against the Daytona API emulator over HTTP. The client validates every
 * structuredContent against the tool's outputSchema, so each call here also checks the schemas.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { callTool as callOn, dataOf as data, serverPool, spawnServer, textOf as text, type SpawnedServer } from '../helpers/mcp-client';
import { runCliWithInput } from '../helpers/run-cli';
import { waitFor } from '../helpers/wait';
import { SENTINEL_KEY, assertNoSecret } from '../helpers/secrets';
import { ALL_TOOLS, TOOL_NAMES } from '../../src/core/tools';

// The registry is the list: a new tool needs no edit here.
const READ_ONLY_NAMES = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);

let emu: Emulator;
let server: SpawnedServer;
const servers = serverPool(() => emu.url);
const spawnWith = servers.spawn;

/** Calls a tool on the server of the suite, or on `s`. */
const callTool = (name: string, args: Record<string, unknown>, s = server): Promise<CallToolResult> => callOn(s, name, args);

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 60, listLagMs: 0 }); // kindness asked for: this test is not about the list's lag (test/core/real-rules-list.test.ts is)
  server = await spawnWith();
});
after(async () => {
  await servers.closeAll();
  await emu.close();
});
beforeEach(() => emu.reset('none'));

describe('discovery', () => {
  test('serves exactly the tools of the registry, in order, with titles, annotations and object schemas', async () => {
    const { tools } = await server.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), TOOL_NAMES);
    for (const t of tools) {
      assert.ok(t.title && t.description && t.description.length > 40, `${t.name} is described`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.outputSchema?.type, 'object');
      assert.match(t.name, /^[a-z0-9_]+$/);
      assert.ok(`daytona_${t.name}`.length <= 60, 'fits Cursor\'s server+tool name limit');
      // Hints equal to the MCP defaults are left out (README "Tool definitions budget").
      for (const v of Object.values(t.annotations ?? {})) assert.equal(typeof v, 'boolean');
    }
    const DEFAULTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
    const byName = Object.fromEntries(tools.map((t) => [t.name, { ...DEFAULTS, ...t.annotations }]));
    assert.equal(byName.list_sandboxes!.readOnlyHint, true);
    assert.equal(byName.delete_sandbox!.destructiveHint, true);
    assert.equal(byName.cleanup_sandboxes!.destructiveHint, true);
    assert.equal(byName.create_sandbox!.idempotentHint, false);
  });

  test('the README tool reference matches tools/list: every tool, title, description and argument', async () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- tools:begin'), readme.indexOf('<!-- tools:end -->'));
    const { tools } = await server.client.listTools();
    assert.deepEqual([...section.matchAll(/^### `([a-z_]+)`/gm)].map((m) => m[1]), tools.map((t) => t.name));
    for (const t of tools) {
      assert.ok(section.includes(`### \`${t.name}\` — ${t.title}`), `${t.name} heading`);
      assert.ok(section.includes(t.description!), `${t.name} description`);
      for (const arg of Object.keys(t.inputSchema.properties ?? {})) assert.ok(section.includes(`| \`${arg}\` |`), `${t.name}.${arg}`);
    }
  });

  test('server identity and instructions tell agents not to invent ids', () => {
    assert.equal(server.client.getServerVersion()?.name, 'daytona');
    assert.match(server.client.getInstructions() ?? '', /never invent/);
  });

  test('starts and lists tools without any API key; a call then explains how to set one', async () => {
    const s = servers.add(await spawnServer({ env: {} }));
    assert.equal((await s.client.listTools()).tools.length, TOOL_NAMES.length);
    const r = await callTool('list_sandboxes', {}, s);
    assert.equal(r.isError, true);
    assert.match(text(r), /\[auth\]/);
    assert.match(text(r), /DAYTONA_API_KEY/);
    assert.match(text(r), /Set API Key/);
  });

  test('a wrong key is an auth error with a hint, never an echo of the key', async () => {
    const s = await spawnWith({ env: { DAYTONA_API_KEY: 'wrong-key-for-test-000' } });
    const r = await callTool('list_sandboxes', {}, s);
    assert.equal(r.isError, true);
    assert.match(text(r), /\[auth\].*401/);
    assert.doesNotMatch(text(r), /wrong-key-for-test/);
  });
});

describe('tools end to end', () => {
  test('create → list → get → label → stop → archive → start → delete', async () => {
    const created = await callTool('create_sandbox', { name: 'e2e-box', project: 'demo', env: { SECRET_VALUE: 'hunter2' } });
    assert.equal(created.isError, undefined, text(created));
    const box = data(created).sandboxes[0];
    assert.equal(box.state, 'started');
    assert.match(text(created), /e2e-box .*started/);

    const listed = await callTool('list_sandboxes', { project: 'demo' });
    assert.deepEqual(data(listed).sandboxes.map((s: { id: string }) => s.id), [box.id]);

    const got = await callTool('get_sandbox', { sandbox: 'e2e-box' });
    assert.deepEqual(data(got).sandbox.envNames, ['SECRET_VALUE']);
    assert.doesNotMatch(JSON.stringify(got), /hunter2/);

    const labelled = await callTool('set_sandbox_labels', { sandbox: box.id, labels: { owner: 'ana' } });
    // Made through MCP: the provenance labels are there too (README "Provenance").
    assert.deepEqual(data(labelled).labels, { project: 'demo', owner: 'ana', 'daytona-mcp.made-by': 'agent', 'daytona-mcp.client': 'contract-test' });

    for (const [tool, state] of [['stop_sandbox', 'stopped'], ['archive_sandbox', 'archived'], ['start_sandbox', 'started'], ['delete_sandbox', 'destroyed']] as const) {
      const r = await callTool(tool, { sandboxes: ['e2e-box'] });
      assert.equal(data(r).results[0].state, state, `${tool}: ${text(r)}`);
    }
    assert.equal(emu.sandboxes().length, 0);
  });

  test('bulk create with count, then bulk stop with a partial failure', async () => {
    const created = await callTool('create_sandbox', { name: 'fleet', count: 4 });
    assert.equal(data(created).sandboxes.length, 4);
    const r = await callTool('stop_sandbox', { sandboxes: ['fleet-1', 'fleet-2', 'fleet-3', 'fleet-4', 'missing-one'] });
    assert.equal(r.isError, undefined);
    assert.equal(data(r).succeeded, 4);
    assert.equal(data(r).failed, 1);
    assert.match(text(r), /4 of 5 succeeded, 1 failed/);
    assert.match(text(r), /missing-one: FAILED .*\[not_found\]/);
  });

  test('"delete all stopped sandboxes" is one cleanup call', async () => {
    for (const [name, state] of [['old-1', 'stopped'], ['old-2', 'stopped'], ['live', 'started'], ['cold', 'archived']] as const) emu.seedSandbox({ name, state });
    const dry = await callTool('cleanup_sandboxes', { dryRun: true });
    assert.equal(data(dry).matched.length, 2);
    assert.equal(emu.sandboxes().length, 4);
    const r = await callTool('cleanup_sandboxes', {});
    assert.deepEqual(data(r).deleted.map((d: { name: string }) => d.name).sort(), ['old-1', 'old-2']);
    assert.deepEqual(emu.sandboxes().filter((s) => s.desiredState !== 'destroyed').map((s) => s.name).sort(), ['cold', 'live']);
  });

  test('list_snapshots answers with the API snapshots', async () => {
    const r = await callTool('list_snapshots', {});
    assert.ok(data(r).snapshots.length > 0);
  });
});

describe('bad input never crashes the server', () => {
  test('invalid arguments get a clear validation error and the server keeps serving', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['list_sandboxes', { limit: 'ten' }, /limit/],
      ['list_sandboxes', { state: 'flying' }, /state/],
      ['get_sandbox', {}, /sandbox/],
      ['stop_sandbox', { sandboxes: [] }, /at least one/],
      ['stop_sandbox', { sandboxes: Array.from({ length: 101 }, (_, i) => `s${i}`) }, /At most 100/],
      ['create_sandbox', { name: 'bad name!' }, /Names are 1–63 characters/],
      ['create_sandbox', { count: 21 }, /count/],
      ['create_sandbox', { labels: JSON.parse('{"__proto__":"x"}') }, /"labels.__proto__" is not allowed/],
      ['create_sandbox', { labels: { constructor: 'x' } }, /"labels.constructor" is not allowed/],
      ['set_sandbox_labels', { sandbox: 'x', labels: { k: 5 } }, /labels/],
      ['cleanup_sandboxes', { typo: true }, /Unrecognized key/],
    ];
    for (const [tool, args, pattern] of cases) {
      const r = await callTool(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
      assert.match(text(r), /\[invalid_input\]/);
      assert.match(text(r), pattern);
    }
    const unknown = await callTool('format_disk', {});
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /Available tools: list_sandboxes/);
    assert.equal((await server.client.listTools()).tools.length, TOOL_NAMES.length, 'still alive');
    assert.equal(emu.stats().requests.filter((q) => q.method !== 'GET').length, 0, 'no API call was made');
  });
});

describe('progress, cancellation and confirmation', () => {
  test('bulk calls report progress to a client that asks for it: all of it, in order, before the result', async () => {
    // Many items and concurrent calls, waiting and not: without waiting, the items of a call finish
    // together, so its last progress notifications are written right next to its result.
    const N = 24;
    const names = (group: string) => Array.from({ length: N }, (_, i) => `${group}-${i}`);
    for (const name of names('a')) emu.seedSandbox({ name, state: 'started' });
    for (const name of names('b')) emu.seedSandbox({ name, state: 'stopped' });
    const from = server.received.length;
    const seen: number[][] = [];
    const call = (tool: string, args: Record<string, unknown>) => {
      const mine: number[] = [];
      seen.push(mine);
      return server.client.callTool({ name: tool, arguments: args }, undefined, { onprogress: (p) => mine.push(p.progress) });
    };
    for (let round = 0; round < 3; round++) {
      const [forA, forB] = round % 2 === 0 ? ['stop_sandbox', 'start_sandbox'] : ['start_sandbox', 'stop_sandbox'];
      const results = (await Promise.all([
        call(forA, { sandboxes: names('a') }),
        call(forB, { sandboxes: names('b'), wait: false }),
      ])) as CallToolResult[];
      for (const r of results) assert.equal(data(r).succeeded, N, text(r));
    }
    const expected = Array.from({ length: N }, (_, i) => i + 1);
    const wire = server.received.slice(from);
    const responses = wire.map((m, at) => ({ m, at })).filter(({ m }) => 'result' in m);
    assert.equal(responses.length, 6);
    for (const { m: response, at } of responses) {
      const mine = wire
        .map((m, i) => ({ i, params: m.params as { progressToken?: unknown; progress: number; total: number } | undefined }))
        .filter(({ params }) => params?.progressToken === response.id);
      assert.deepEqual(mine.map(({ params }) => params!.progress), expected, `call ${String(response.id)}: progress 1..${N}`);
      assert.ok(mine.every(({ params }) => params!.total === N));
      const late = mine.filter(({ i }) => i > at).length;
      assert.equal(late, 0, `call ${String(response.id)}: ${late} of ${N} progress notifications arrived after its result`);
    }
    // What the client's onprogress saw by the time each call resolved (see mcp-client.ts on the
    // SDK client's dispatch order).
    for (const mine of seen) assert.deepEqual(mine, expected, 'the client saw every progress step before the result');
  });

  test('a cancelled request stops waiting and is audited as cancelled', async () => {
    emu.seedSandbox({ name: 'slowpoke', state: 'stopped' });
    // The sandbox lookup hangs; the client cancels once the server is known to be waiting on it (not
    // after a fixed delay, which a busy machine can outrun in either direction).
    emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox/[^/]+$' } });
    const ac = new AbortController();
    const pending = server.client.callTool({ name: 'start_sandbox', arguments: { sandboxes: ['slowpoke'] } }, undefined, { signal: ac.signal });
    await waitFor(() => emu.stats().inFlight > 0, 30_000);
    ac.abort();
    await assert.rejects(pending);
    const isThisCall = (e: Record<string, unknown>) => e.tool === 'start_sandbox' && JSON.stringify(e.arguments).includes('slowpoke');
    await waitFor(() => server.logEntries().some(isThisCall), 30_000);
    emu.clearFaults();
    const entry = server.logEntries().find(isThisCall)!;
    assert.equal(entry.outcome, 'cancelled', JSON.stringify(entry));
    assert.equal(emu.sandboxes().find((s) => s.name === 'slowpoke')?.state, 'stopped', 'no start request was sent after the cancel');
    assert.equal((await server.client.listTools()).tools.length, TOOL_NAMES.length, 'still alive');
  });

  test('cleanup asks for confirmation via elicitation; a decline deletes nothing', async () => {
    const answers: boolean[] = [false, true];
    const asked: string[] = [];
    const s = await spawnWith({ capabilities: { elicitation: {} } });
    s.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(String(req.params.message));
      return { action: 'accept', content: { confirm: answers.shift()! } };
    });
    emu.seedSandbox({ name: 'doomed', state: 'stopped' });
    const declined = await callTool('cleanup_sandboxes', {}, s);
    assert.equal(data(declined).cancelled, true);
    assert.equal(emu.sandboxes().find((x) => x.name === 'doomed')?.state, 'stopped');
    const accepted = await callTool('cleanup_sandboxes', {}, s);
    assert.equal(data(accepted).deleted.length, 1);
    assert.match(asked[0]!, /Delete 1 sandbox permanently\? doomed/);
  });
});

describe('least privilege flags', () => {
  test('--read-only exposes only read-only tools', async () => {
    const s = await spawnWith({ args: ['--read-only'] });
    assert.deepEqual((await s.client.listTools()).tools.map((t) => t.name), READ_ONLY_NAMES);
    assert.ok(READ_ONLY_NAMES.includes('list_sandboxes') && !READ_ONLY_NAMES.includes('delete_sandbox'));
    assert.equal(s.logEntries().find((e) => e.event === 'server_start')?.readOnly, true);
  });

  test('--tools is an allow-list; an unknown name exits with the valid ones', async () => {
    const s = await spawnWith({ args: ['--tools', 'list_sandboxes,stop_sandbox'] });
    assert.deepEqual((await s.client.listTools()).tools.map((t) => t.name), ['list_sandboxes', 'stop_sandbox']);
    const bad = await runCli(['start', '--tools', 'rm_rf'], '');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown tool name\(s\): rm_rf\. Valid: list_sandboxes/);
  });
});

describe('audit log and process hygiene', () => {
  test('log is 0600 JSON lines with start, client, calls (env redacted) and ids; no key anywhere', async () => {
    const s = await spawnWith();
    const r = await callTool('create_sandbox', { name: 'audited', env: { API_TOKEN: 'tok-123456789' } }, s);
    const id = data(r).sandboxes[0].id;
    await callTool('get_sandbox', { sandbox: 'nope' }, s);
    await s.close();
    await waitFor(() => s.logEntries().some((e) => e.event === 'server_stop'));
    assert.equal(statSync(s.logPath).mode & 0o777, 0o600);
    const all = s.logEntries();
    // Each API change is logged as it completes (so a killed bulk call still leaves a trace).
    const apiCalls = all.filter((e) => e.event === 'api_call');
    assert.deepEqual(apiCalls.map((e) => [e.op, e.sandbox, e.outcome]), [['create', id, 'ok']]);
    const entries = all.filter((e) => e.event !== 'api_call');
    assert.deepEqual(entries.map((e) => e.event), ['server_start', 'client_connected', 'tool_call', 'tool_call', 'server_stop']);
    assert.equal(entries[1]!.client, 'contract-test');
    const create = entries[2]!;
    assert.equal(create.tool, 'create_sandbox');
    assert.equal(create.outcome, 'ok');
    assert.deepEqual(create.sandboxIds, [id]);
    assert.equal(typeof create.ms, 'number');
    assert.deepEqual((create.arguments as { env: unknown }).env, { API_TOKEN: '[redacted]' });
    assert.equal(entries[3]!.error, 'not_found');
    assert.doesNotMatch(s.log(), /tok-123456789/);
    assertNoSecret(s.log(), 'audit log');
    assertNoSecret(s.stderr(), 'stderr');
  });

  // A server that stays up after stdin closed fails by the test's timeout, not by a stopwatch.
  test('stdout carries protocol only and the process exits by itself when stdin closes', { timeout: 60_000 }, async () => {
    const res = await runCli(['start'], '{"jsonrpc":"2.0","id":1,"method":"ping"}\n', { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    assert.equal(res.code, 0);
    for (const line of res.stdout.trim().split('\n')) assert.equal(JSON.parse(line).jsonrpc, '2.0');
    assertNoSecret(res.stdout + res.stderr, 'cli output');
  });

  test('unknown verbs exit non-zero listing the valid ones; help and version work', async () => {
    const bad = await runCli(['frobnicate'], '');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Valid commands: start/);
    assert.match((await runCli(['--help'], '')).stdout, /Usage: daytona-mcp/);
    assert.match((await runCli(['--version'], '')).stdout, /^\d+\.\d+\.\d+/);
  });
});

/** The CLI with the suite server's HOME, `stdin` piped in. */
const runCli = (args: string[], stdin: string, env: Record<string, string> = {}) => runCliWithInput(args, { HOME: server.home, ...env }, stdin);
