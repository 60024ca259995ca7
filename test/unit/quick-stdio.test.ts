// The stdio server's quick start (src/mcp/quick-stdio.ts): initialize and tools/list are answered
// from the build-time listing without the SDK; anything else hands the stream to the real server
// (the SDK's stdio transport) with nothing lost, duplicated or reordered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, selectTools } from '../../src/core/tools';
import { initializeResult, selectListed } from '../../src/mcp/listing';
import { computeListing } from '../../src/mcp/listing-build';
import { REPLAY_ID, serveQuickly } from '../../src/mcp/quick-stdio';
import { createMcpServer } from '../../src/mcp/server';
import { StdioTransport } from '../../src/mcp/stdio-transport';
import { waitFor } from '../helpers/wait';

const INIT = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'unit-client', version: '9.9' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const line = (m: unknown) => `${JSON.stringify(m)}\n`;

function harness() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const out: Array<Record<string, unknown>> = [];
  let text = '';
  stdout.on('data', (c: Buffer) => {
    text += c.toString('utf8');
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n')) {
      out.push(JSON.parse(text.slice(0, nl)) as Record<string, unknown>);
      text = text.slice(nl + 1);
    }
  });
  return { stdin, stdout, out };
}

test('the build-time listing is what the real server answers, for every tool selection', async () => {
  const listing = await computeListing('test');
  assert.deepEqual(listing.tools.map((t) => t.listed.name), ALL_TOOLS.map((t) => t.name));
  for (const opts of [{}, { readOnly: true }, { allow: ['get_sandbox', 'delete_sandbox'] }, { readOnly: true, allow: ['get_sandbox', 'delete_sandbox'] }]) {
    assert.deepEqual(selectListed(listing, opts).map((t) => t.listed.name), selectTools(opts).map((t) => t.name), JSON.stringify(opts));
  }
  assert.equal(initializeResult(listing, '2025-06-18').protocolVersion, '2025-06-18');
  assert.equal(initializeResult(listing, '1999-01-01').protocolVersion, LATEST_PROTOCOL_VERSION);
  assert.deepEqual((initializeResult(listing, LATEST_PROTOCOL_VERSION).serverInfo as { name: string }).name, 'daytona');
});

test('initialize and tools/list are answered without the real server; a tool call hands over in order, once', async () => {
  const listing = await computeListing('test');
  const { stdin, stdout, out } = harness();
  const announced: unknown[] = [];
  const connected: string[] = [];
  let tookOver = 0;
  let server: ReturnType<typeof createMcpServer> | undefined;
  const takeOver = async (input: Readable, output: Writable) => {
    tookOver++;
    server = createMcpServer({ tools: ALL_TOOLS, gateway: () => Promise.reject(new Error('no API in this test')), version: 'test', announceClient: () => announced.length === 0 });
    const s = server;
    // As the server itself reads it: after the pipelined initialize settled.
    server.oninitialized = ((inner) => () => {
      setImmediate(() => connected.push(s.getClientVersion()?.name ?? '?'));
      inner?.();
    })(s.oninitialized);
    await s.connect(new StdioTransport(input, output));
  };
  serveQuickly({ initializeResult: (v) => initializeResult(listing, v), tools: listing.tools.map((t) => t.listed), takeOver, onInitialized: (c) => announced.push(c), stdin, stdout });

  // Split across writes, \r\n line ends: framing as the SDK's.
  const first = line(INIT) + line(INITIALIZED).replace('\n', '\r\n');
  stdin.write(first.slice(0, 17));
  stdin.write(first.slice(17) + line({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
  await waitFor(() => out.length === 2, 10_000, 'initialize and tools/list answered');
  assert.equal(tookOver, 0, 'the real server is not loaded for initialize and tools/list');
  assert.deepEqual(announced, [{ name: 'unit-client', version: '9.9' }]);
  assert.equal((out[0]?.result as { protocolVersion: string }).protocolVersion, '2025-06-18');
  assert.deepEqual((out[1]?.result as { tools: unknown[] }).tools, listing.tools.map((t) => t.listed));

  // A call with bad input (no API needed), a ping and a second tools/list, pipelined.
  stdin.write(line({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_sandbox', arguments: {} } }) + line({ jsonrpc: '2.0', id: 3, method: 'ping' }) + line({ jsonrpc: '2.0', id: 4, method: 'tools/list' }));
  await waitFor(() => out.length === 5, 10_000, 'the real server answered the rest');
  assert.equal(tookOver, 1);
  // The SDK answers concurrent requests as they finish (the call is async): compare as a set.
  assert.deepEqual(out.map((m) => m.id).sort(), [0, 1, 2, 3, 4], 'each request answered once; the replayed initialize never reaches the client');
  assert.ok(!JSON.stringify(out).includes(REPLAY_ID));
  assert.equal((out.find((m) => m.id === 2)?.result as { isError?: boolean }).isError, true, 'the tool call went through the real server (invalid input)');
  assert.deepEqual(out.find((m) => m.id === 4)?.result, out[1]?.result, 'the real tools/list is byte-for-byte the quick one');
  assert.deepEqual(connected, ['unit-client'], 'the real server learnt its client from the replayed initialize');
  assert.ok(server?.getClientCapabilities()?.elicitation, 'and its capabilities (elicitation)');
  stdin.end();
});

test('a line that is not plain JSON-RPC goes to the SDK untouched, with what follows', async () => {
  const listing = await computeListing('test');
  const { stdin, stdout, out } = harness();
  const errors: string[] = [];
  serveQuickly({
    initializeResult: (v) => initializeResult(listing, v),
    tools: [],
    stdin,
    stdout,
    takeOver: async (input, output) => {
      const server = createMcpServer({ tools: ALL_TOOLS, gateway: () => Promise.reject(new Error('no API')), version: 'test' });
      server.onerror = (e) => errors.push(e.message);
      await server.connect(new StdioTransport(input, output));
    },
  });
  stdin.write('{not json\n' + line({ jsonrpc: '2.0', id: 7, method: 'tools/list' }));
  await waitFor(() => out.length === 1, 10_000, 'the SDK answered');
  assert.equal(errors.length, 1, 'the SDK saw the bad line');
  // Before initialize, the quick path answers nothing: this tools/list is the real server's.
  assert.equal(out[0]?.id, 7);
  assert.equal((out[0]?.result as { tools: unknown[] }).tools.length, ALL_TOOLS.length);
  stdin.end();
});
