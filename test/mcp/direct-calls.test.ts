/**
 * The stdio transport's direct route for tools/call (src/mcp/stdio-transport.ts, src/mcp/direct-calls.ts):
 * which messages it takes, and that what it answers is what the SDK's own request
 * path answers for the same call. In this process, over the real SDK gateway to the emulator, with
 * raw JSON lines on the wire so malformed messages can be sent as they are.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AuditLog } from '../../src/core/audit-log';
import { createGatewayProvider, type ManagedGatewayProvider } from '../../src/core/gateway-provider';
import { ALL_TOOLS } from '../../src/core/tools';
import { createMcpServer } from '../../src/mcp/server';
import { MAX_BUFFERED_BYTES, StdioTransport } from '../../src/mcp/stdio-transport';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { credentialsFor } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { waitFor } from '../helpers/wait';

type Message = Record<string, unknown> & { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } };

const INIT = { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'direct-client', version: '1.0' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: unknown, name: string, args?: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, ...(args === undefined ? {} : { arguments: args }), ...extra } });

/**
 * The server on the product's StdioTransport over in-process streams, recording what the direct route
 * took; or, as the oracle, on the SDK's own StdioServerTransport.
 */
class Wire {
  readonly out: Message[] = [];
  /** Per message offered to the direct route: its id (or method) and whether the route took it. */
  readonly offered: Array<{ key: unknown; direct: boolean }> = [];
  readonly errors: Error[] = [];
  readonly toServer = new PassThrough();
  readonly transport: Transport;
  private readonly toClient = new PassThrough();
  private pending = '';

  constructor(
    readonly server: ReturnType<typeof createMcpServer>,
    kind: 'product' | 'sdk' = 'product',
  ) {
    this.transport = kind === 'product' ? new StdioTransport(this.toServer, this.toClient) : new StdioServerTransport(this.toServer, this.toClient);
    this.toClient.on('data', (chunk: Buffer) => {
      this.pending += chunk.toString('utf8');
      for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
        this.out.push(JSON.parse(this.pending.slice(0, nl)) as Message);
        this.pending = this.pending.slice(nl + 1);
      }
    });
  }

  async connect(): Promise<void> {
    await this.server.connect(this.transport);
    const t = this.transport;
    if (t instanceof StdioTransport) {
      const direct = t.direct!;
      t.direct = (m) => {
        const took = direct(m);
        const msg = m as Message;
        this.offered.push({ key: 'id' in msg ? msg.id : msg.method, direct: took });
        return took;
      };
    }
    const onerror = this.transport.onerror;
    this.transport.onerror = (e) => {
      this.errors.push(e);
      onerror?.(e);
    };
  }

  send(...messages: unknown[]): void {
    this.toServer.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }

  async answer(id: unknown, ms = 10_000): Promise<Message> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.out.find((m) => m.id === id && !('method' in m));
      if (found) return found;
      if (Date.now() > end) throw new Error(`no answer to ${JSON.stringify(id)} in ${ms} ms; got ${JSON.stringify(this.out).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  tookDirectly(id: unknown): boolean | undefined {
    return this.offered.find((o) => o.key === id)?.direct;
  }

  async initialize(): Promise<void> {
    this.send(INIT);
    await this.answer('init');
    this.send(INITIALIZED);
    this.send({ jsonrpc: '2.0', id: 'ready', method: 'ping' });
    await this.answer('ready');
  }
}

describe('the stdio transport\'s direct route for tools/call', { timeout: 60_000 }, () => {
  let emu: Emulator;
  let provider: ManagedGatewayProvider;
  let home: string;
  let audit: AuditLog;
  let wires: Wire[] = [];

  before(async () => {
    // Kind in one rule only: no list lag. The first test compares two answers made a moment apart,
    // and a "not found" names the sandboxes the list shows, which the lag would let differ.
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY], listLagMs: 0 });
    provider = createGatewayProvider({ resolveCredentials: () => credentialsFor(emu.url) });
    home = mkdtempSync(join(tmpdir(), 'direct-calls-'));
    audit = new AuditLog({ path: join(home, 'audit.log'), secrets: () => [SENTINEL_KEY] });
  });
  afterEach(async () => {
    await Promise.allSettled(wires.map((w) => w.server.close()));
    wires = [];
    emu.clearFaults();
  });
  after(async () => {
    await provider.dispose();
    await emu.close();
    rmSync(home, { recursive: true, force: true });
  });

  const makeServer = () => createMcpServer({ tools: ALL_TOOLS, gateway: provider.get, version: 'test', audit });
  async function wire(kind: 'product' | 'sdk' = 'product'): Promise<Wire> {
    const w = new Wire(makeServer(), kind);
    wires.push(w);
    await w.connect();
    return w;
  }
  /** The same call through the SDK's own request path (an in-memory pair, no direct route). */
  async function viaSdk(name: string, args: Record<string, unknown>): Promise<unknown> {
    const server = makeServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'direct-client', version: '1.0' });
    await client.connect(clientSide);
    try {
      return await client.callTool({ name, arguments: args });
    } finally {
      await client.close();
      await server.close();
    }
  }

  test('a well-formed call of an initialised session is answered by the route, with what the SDK path answers', async () => {
    emu.reset();
    const box = emu.seedSandbox({ name: 'direct-box', state: 'stopped', labels: { project: 'p' } });
    const w = await wire();
    await w.initialize();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['get_sandbox', { sandbox: box.id }],
      ['get_sandbox', { sandbox: 'no-such-box' }], // not found, with the names that exist
      ['list_sandboxes', { state: 'sideways' }], // invalid input
      ['no_such_tool', {}],
    ];
    for (const [i, [name, args]] of cases.entries()) {
      w.send(call(i, name, args));
      const direct = (await w.answer(i)).result;
      assert.equal(w.tookDirectly(i), true, `${name} ${JSON.stringify(args)} went the direct route`);
      assert.deepEqual(direct, JSON.parse(JSON.stringify(await viaSdk(name, args))), `${name} ${JSON.stringify(args)}: the same answer as the SDK path`);
    }
    assert.deepEqual(w.errors, []);
  });

  test('what it does not take goes to the SDK: the client gets what the SDK\'s own transport answers, and the route serves the next call', async () => {
    emu.reset();
    const w = await wire();
    const oracle = await wire('sdk');
    // Pipelined behind initialize: the SDK has not read the client yet, so it serves the call too.
    w.send(INIT, INITIALIZED, call('early', 'list_sandboxes', {}));
    assert.equal((await w.answer('early')).result?.isError, undefined);
    assert.equal(w.tookDirectly('early'), false, 'a call before initialize was handled goes to the SDK');
    await oracle.initialize();

    const malformed: Array<[unknown, unknown]> = [
      ['args-array', call('args-array', 'list_sandboxes', [1, 2])],
      ['args-null', call('args-null', 'list_sandboxes', null)],
      ['no-name', { jsonrpc: '2.0', id: 'no-name', method: 'tools/call', params: { arguments: {} } }],
      ['name-number', { jsonrpc: '2.0', id: 'name-number', method: 'tools/call', params: { name: 7 } }],
      ['params-string', { jsonrpc: '2.0', id: 'params-string', method: 'tools/call', params: 'list_sandboxes' }],
      ['bad-token', call('bad-token', 'list_sandboxes', {}, { _meta: { progressToken: { nested: true } } })],
      ['task', call('task', 'list_sandboxes', {}, { task: { ttl: 1000 } })],
      [1.5, call(1.5, 'list_sandboxes', {})],
      [null, call(null, 'list_sandboxes', {})],
      ['no-version', { id: 'no-version', method: 'tools/call', params: { name: 'list_sandboxes' } }],
    ];
    for (const [id, message] of malformed) {
      const answers: Array<Message | undefined> = [];
      for (const x of [w, oracle]) {
        x.send(message, { jsonrpc: '2.0', id: `barrier-${String(id)}`, method: 'ping' });
        await x.answer(`barrier-${String(id)}`);
        await new Promise((r) => setTimeout(r, 20)); // an SDK answer to a call runs a little behind a ping's
        answers.push(x.out.find((m) => m.id === id && !('method' in m)));
      }
      assert.equal(w.tookDirectly(id), false, `${String(id)} goes to the SDK`);
      assert.deepEqual(answers[0], answers[1], `${String(id)}: answered as the SDK's own transport answers`);
    }
    assert.ok((await w.answer('args-array')).error, 'a malformed call the SDK can read gets its error');
    assert.equal(w.errors.length, oracle.errors.length, 'the same transport errors as the SDK\'s');
    w.send(call('after', 'list_sandboxes', {}));
    assert.equal((await w.answer('after')).result?.isError, undefined);
    assert.equal(w.tookDirectly('after'), true, 'the route serves the next well-formed call');
  });

  test('progress goes out as notifications before the result; a cancelled call is never answered and is audited as cancelled', async () => {
    emu.reset();
    for (let i = 0; i < 3; i++) emu.seedSandbox({ name: `stop-${i}`, state: 'started' });
    const w = await wire();
    await w.initialize();
    w.send(call('bulk', 'stop_sandbox', { sandboxes: ['stop-0', 'stop-1', 'stop-2'], wait: false }, { _meta: { progressToken: 'tok' } }));
    const result = await w.answer('bulk');
    assert.equal(w.tookDirectly('bulk'), true);
    const at = w.out.indexOf(result);
    const progress = w.out.filter((m) => m.method === 'notifications/progress');
    assert.ok(progress.length >= 1, 'progress was reported');
    assert.ok(progress.every((p) => w.out.indexOf(p) < at && (p.params as { progressToken: unknown }).progressToken === 'tok'), 'all of it before the result, with the token');

    emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox/slow-box$' } });
    w.send(call('slow', 'get_sandbox', { sandbox: 'slow-box' }));
    await waitFor(() => emu.stats().inFlight === 1, 10_000, 'the call is waiting on the API');
    w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow', reason: 'the user changed their mind' } });
    w.send({ jsonrpc: '2.0', id: 'still-here', method: 'ping' });
    await w.answer('still-here');
    await waitFor(() => auditLines().some((l) => l.tool === 'get_sandbox' && l.outcome === 'cancelled'), 10_000, 'the cancelled call was audited');
    assert.equal(w.tookDirectly('slow'), true);
    assert.equal(w.out.some((m) => m.id === 'slow'), false, 'a cancelled call is not answered');
  });

  test('closing the server aborts the route\'s calls in flight and waits for them', async () => {
    emu.reset();
    const w = await wire();
    await w.initialize();
    emu.setFaults({ hang: { method: 'GET', pathPattern: '^/api/sandbox/hung-box$' } });
    const before = auditLines().length;
    w.send(call('hung', 'get_sandbox', { sandbox: 'hung-box' }));
    await waitFor(() => emu.stats().inFlight === 1, 10_000, 'the call is waiting on the API');
    assert.equal(w.tookDirectly('hung'), true);
    await w.server.close();
    audit.flush();
    const mine = auditLines().slice(before).filter((l) => l.tool === 'get_sandbox');
    assert.deepEqual(mine.map((l) => l.outcome), ['cancelled'], 'the call settled (cancelled) before close() returned');
    assert.equal(w.out.some((m) => m.id === 'hung'), false);
  });

  test('the route\'s answers are scrubbed like every other exit', async () => {
    emu.reset();
    const w = await wire();
    await w.initialize();
    w.send(call('leak', 'get_sandbox', { sandbox: `x-${SENTINEL_KEY}` }));
    const answer = JSON.stringify(await w.answer('leak'));
    assert.equal(w.tookDirectly('leak'), true);
    assert.ok(!answer.includes(SENTINEL_KEY), 'the key is not in the answer');
    assert.match(answer, /\[redacted\]/);
  });

  test('framing: split lines and CRLF are read; a line that is not JSON is an error and the next one is served', async () => {
    emu.reset();
    const w = await wire();
    await w.initialize();
    const text = `${JSON.stringify(call('crlf', 'list_sandboxes', {}))}\r\nnot json\n${JSON.stringify(call('next', 'list_sandboxes', {}))}\n`;
    for (let i = 0; i < text.length; i += 7) w.toServer.write(text.slice(i, i + 7));
    assert.equal((await w.answer('crlf')).result?.isError, undefined);
    assert.equal((await w.answer('next')).result?.isError, undefined);
    assert.equal(w.errors.length, 1, 'one error for the line that is not JSON');
    assert.ok(w.errors[0] instanceof SyntaxError);
  });

  test('an unfinished line past the SDK\'s 10 MiB limit is an error and closes the transport', async () => {
    const w = await wire();
    let closed = false;
    const onclose = w.transport.onclose;
    w.transport.onclose = () => {
      closed = true;
      onclose?.();
    };
    w.toServer.write(Buffer.alloc(MAX_BUFFERED_BYTES + 1, 0x61));
    await waitFor(() => closed, 10_000, 'the transport closed');
    assert.match(w.errors[0]?.message ?? '', /exceeded maximum size/);
  });

  function auditLines(): Array<Record<string, unknown>> {
    audit.flush();
    try {
      return readFileSync(audit.path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      return [];
    }
  }
});
