/**
 * "All progress of a call is on the wire before its result, whatever the transport" (src/mcp/server.ts).
 * Each transport is checked on the raw message order the client received:
 *  - stdio under backpressure (the product's stdio transport writing to a pipe a client reads
 *    slowly) and a slow, ordered writer (as an HTTP event store), each holding the first progress
 *    until the call's API work is done: only the server's own wait for its progress chain keeps the
 *    order (in this process);
 *  - Streamable HTTP (src/mcp/http.ts in this process, and the built `start --http`): progress sent
 *    after the result has no open stream to go to and is lost;
 *  - stdio: the built server over the official client.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { inProcessHttp, inProcessLinked, inProcessStdio } from '../helpers/in-process-mcp';
import { spawnServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';
import { startHttpServer, type HttpServerProcess } from '../security/helpers';

const N = 12;
const NAMES = Array.from({ length: N }, (_, i) => `p-${i}`);

/** Records what reaches the client's transport, in arrival order, before the client acts on it. */
function tap(transport: { onmessage?: (m: JSONRPCMessage, extra?: never) => void }, into: JSONRPCMessage[]): void {
  const deliver = transport.onmessage;
  transport.onmessage = (m, extra) => {
    into.push(m);
    deliver?.(m, extra);
  };
}

/**
 * One bulk call with a progress token; returns the progress values that arrived before its result
 * and after it, read from the raw stream.
 */
async function progressAroundResult(client: Client, received: JSONRPCMessage[]): Promise<{ before: number[]; after: number[]; seen: number[] }> {
  const from = received.length;
  const seen: number[] = [];
  const r = await client.callTool({ name: 'stop_sandbox', arguments: { sandboxes: NAMES, wait: false } }, undefined, { onprogress: (p) => seen.push(p.progress) });
  assert.equal((r.structuredContent as { succeeded: number }).succeeded, N, JSON.stringify(r.content));
  // Late progress (the bug) arrives after the result: give it a chance to show up before judging.
  await new Promise((res) => setTimeout(res, 300));
  const wire = received.slice(from);
  const at = wire.findIndex((m) => 'result' in m && (m.result as { structuredContent?: unknown }).structuredContent !== undefined);
  assert.ok(at >= 0, 'the result was received');
  const progress = (ms: JSONRPCMessage[]) =>
    ms.filter((m) => 'method' in m && m.method === 'notifications/progress').map((m) => (m as unknown as { params: { progress: number } }).params.progress);
  return { before: progress(wire.slice(0, at)), after: progress(wire.slice(at + 1)), seen };
}

const ALL = Array.from({ length: N }, (_, i) => i + 1);

function assertInOrderBeforeResult(got: { before: number[]; after: number[] }, where: string): void {
  assert.deepEqual(got.after, [], `${where}: ${got.after.length} progress notifications came after the result`);
  assert.deepEqual(got.before, ALL, `${where}: progress 1..${N}, in order, before the result`);
}

describe('progress notifications come strictly before the result, on every transport', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20 });
  });
  beforeEach(() => {
    emu.reset('none');
    for (const name of NAMES) emu.seedSandbox({ name, state: 'started' });
  });
  after(async () => {
    await emu.close();
  });

  // The first progress notification is held until every item's API call has been answered, and a
  // moment longer for the server to take in the last answer: the call's work is then done while its
  // progress is still queued — only the server's wait for its progress chain keeps the order. (The
  // hold can only make a wrong order likelier; it never makes a right one fail.)
  const stopsAnswered = () => emu.stats().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/stop') && r.status > 0).length;
  const holdFirstProgress = async () => {
    while (stopsAnswered() < N) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 250));
  };

  test('stdio under backpressure (the stdio transport, a slow reader): progress strictly before the result', async () => {
    const s = await inProcessStdio(emu.url, holdFirstProgress);
    try {
      assertInOrderBeforeResult(await progressAroundResult(s.client, s.received), 'stdio with backpressure');
    } finally {
      await s.close();
    }
  });

  test('a transport that writes slowly: the server waits for its progress before answering', async () => {
    const s = await inProcessLinked(emu.url, { slowWriter: true, holdFirstProgress });
    try {
      assertInOrderBeforeResult(await progressAroundResult(s.client, s.received), 'slow writer');
    } finally {
      await s.close();
    }
  });

  test('Streamable HTTP in this process: every progress step arrives before the result', async () => {
    const s = await inProcessHttp(emu.url);
    try {
      const client = new Client({ name: 'progress-http', version: '1' });
      const transport = new StreamableHTTPClientTransport(new URL(s.http.url), { requestInit: { headers: { Authorization: `Bearer ${s.token}` } } });
      await client.connect(transport);
      const received: JSONRPCMessage[] = [];
      tap(transport as never, received);
      const got = await progressAroundResult(client, received);
      assertInOrderBeforeResult(got, 'http in-process');
      assert.deepEqual(got.seen, ALL, 'the client saw every step by the time the call resolved');
      await client.close();
    } finally {
      await s.close();
    }
  });

  test('the built start --http: every progress step arrives before the result', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-progress-http-'));
    let server: HttpServerProcess | undefined;
    const client = new Client({ name: 'progress-http-cli', version: '1' });
    try {
      server = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
      const transport = new StreamableHTTPClientTransport(new URL(server.state.url), { requestInit: { headers: { Authorization: `Bearer ${server.state.token}` } } });
      await client.connect(transport);
      const received: JSONRPCMessage[] = [];
      tap(transport as never, received);
      assertInOrderBeforeResult(await progressAroundResult(client, received), 'start --http');
    } finally {
      await client.close();
      await server?.stop();
    }
  });

  test('stdio (the built server): every progress step arrives before the result', async () => {
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    try {
      assertInOrderBeforeResult(await progressAroundResult(server.client, server.received as unknown as JSONRPCMessage[]), 'stdio');
    } finally {
      await server.close();
    }
  });
});
