/**
 * The product's MCP server (src/mcp/server.ts) in this process, over the real SDK gateway to an
 * emulator, reached through either transport the product ships:
 *  - `inProcessHttp`: the shared server's Streamable HTTP front (src/mcp/http.ts) on 127.0.0.1;
 *  - `inProcessLinked`: a linked in-memory pair, optionally through a slow, ordered writer (see
 *    SlowWriter) — so the server's own ordering is all that keeps progress ahead of the result.
 *  - `inProcessStdio`: the product's stdio transport (src/mcp/stdio-transport.ts) over in-process streams whose output side
 *    applies backpressure (a pipe the client reads slowly), holding the first progress write.
 * No CLI, hence no stdout guard: what these see is exactly what each layer itself lets out, and
 * source changes take effect without a rebuild.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { PassThrough, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { AuditLog } from '../../src/core/audit-log';
import { createGatewayProvider, type ManagedGatewayProvider } from '../../src/core/gateway-provider';
import { ALL_TOOLS } from '../../src/core/tools';
import { createMcpServer } from '../../src/mcp/server';
import { StdioTransport } from '../../src/mcp/stdio-transport';
import { startHttpServer, type RunningHttpServer } from '../../src/mcp/http';
import { credentialsFor } from './context';

function makeServerFactory(apiUrl: string): { provider: ManagedGatewayProvider; create: () => ReturnType<typeof createMcpServer> } {
  const provider = createGatewayProvider({ resolveCredentials: () => credentialsFor(apiUrl) });
  return { provider, create: () => createMcpServer({ tools: ALL_TOOLS, gateway: provider.get, version: 'test' }) };
}

export interface InProcessHttp {
  http: RunningHttpServer;
  token: string;
  connect(token?: string): Promise<Client>;
  close(): Promise<void>;
}

export async function inProcessHttp(apiUrl: string, token = 'in-process-token-0123456789abcdefghijklmnopq', audit?: AuditLog): Promise<InProcessHttp> {
  const { provider, create } = makeServerFactory(apiUrl);
  const http = await startHttpServer({ createServer: create, port: 0, token, audit });
  const clients: Client[] = [];
  return {
    http,
    token,
    async connect(t = token) {
      const client = new Client({ name: 'in-process-http', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { Authorization: `Bearer ${t}` } } }));
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await http.close();
      await provider.dispose();
    },
  };
}

/**
 * A transport that writes in order, asynchronously (a macrotask per message, like a stream with
 * backpressure or an HTTP event store), and holds its first progress notification until `hold`
 * settles: every later message queues behind it, so a result sent before the server's progress
 * chain has drained shows up ahead of the rest of the progress.
 */
class SlowWriter implements Transport {
  private queue = Promise.resolve();
  private held = false;
  constructor(private readonly inner: Transport, private readonly hold?: () => Promise<void>) {}
  get onmessage() {
    return this.inner.onmessage;
  }
  set onmessage(f) {
    this.inner.onmessage = f;
  }
  get onclose() {
    return this.inner.onclose;
  }
  set onclose(f) {
    this.inner.onclose = f;
  }
  get onerror() {
    return this.inner.onerror;
  }
  set onerror(f) {
    this.inner.onerror = f;
  }
  start() {
    return this.inner.start();
  }
  close() {
    return this.inner.close();
  }
  send(message: JSONRPCMessage): Promise<void> {
    const isProgress = 'method' in message && message.method === 'notifications/progress';
    const wait = isProgress && !this.held && this.hold ? ((this.held = true), this.hold()) : new Promise<void>((r) => setImmediate(r));
    this.queue = this.queue.then(() => wait).then(() => this.inner.send(message));
    return this.queue;
  }
}

export interface InProcessLinked {
  client: Client;
  /** Every message the client received, in arrival order. */
  received: JSONRPCMessage[];
  close(): Promise<void>;
}

/** A client on `transport` that records every message it receives, in order; close() ends all three. */
async function connectRecording(name: string, transport: Transport, server: { close(): Promise<void> }, provider: { dispose(): Promise<void> }): Promise<InProcessLinked> {
  const received: JSONRPCMessage[] = [];
  const client = new Client({ name, version: '1' });
  await client.connect(transport);
  const deliver = transport.onmessage;
  transport.onmessage = (m, extra) => {
    received.push(m);
    deliver?.(m, extra);
  };
  return {
    client,
    received,
    async close() {
      await client.close();
      await server.close();
      await provider.dispose();
    },
  };
}

/** `slowWriter`: send through SlowWriter; `holdFirstProgress` is its hold. */
export async function inProcessLinked(apiUrl: string, opts: { slowWriter?: boolean; holdFirstProgress?: () => Promise<void> } = {}): Promise<InProcessLinked> {
  const { provider, create } = makeServerFactory(apiUrl);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = create();
  await server.connect(opts.slowWriter ? new SlowWriter(serverSide, opts.holdFirstProgress) : serverSide);
  return connectRecording('in-process-linked', clientSide, server, provider);
}

/** A client transport over a pair of streams carrying newline-delimited JSON-RPC (what stdio carries). */
class StreamClientTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (e: Error) => void;
  private readonly buffer = new ReadBuffer();
  constructor(private readonly input: PassThrough, private readonly output: PassThrough) {}
  async start() {
    this.input.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (let m = this.buffer.readMessage(); m; m = this.buffer.readMessage()) this.onmessage?.(m);
    });
  }
  async send(message: JSONRPCMessage) {
    this.output.write(serializeMessage(message));
  }
  async close() {
    this.onclose?.();
  }
}

/**
 * The product server on its stdio transport, whose stdout is a pipe with a one-byte buffer (every
 * write waits for 'drain', as under a slow reader) and holds its first progress line until `hold`
 * settles; later lines queue behind it, in order.
 */
export async function inProcessStdio(apiUrl: string, hold: () => Promise<void>): Promise<InProcessLinked> {
  const { provider, create } = makeServerFactory(apiUrl);
  const toClient = new PassThrough();
  const toServer = new PassThrough();
  let held = false;
  const stdout = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      const first = !held && chunk.toString('utf8').includes('"notifications/progress"');
      if (first) held = true;
      void (first ? hold() : new Promise<void>((r) => setImmediate(r))).then(() => {
        toClient.write(chunk);
        done();
      });
    },
  });
  const server = create();
  await server.connect(new StdioTransport(toServer, stdout));
  return connectRecording('in-process-stdio', new StreamClientTransport(toClient, toServer), server, provider);
}
