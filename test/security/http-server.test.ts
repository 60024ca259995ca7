/**
 * Security round three — the shared HTTP server (`start --http`), replayed. Each failed before its fix:
 *  - progress messages and elicitation questions repeated API-provided names unscrubbed (stdio scrubbed
 *    them, HTTP did not);
 *  - 40 agents connecting at once: 8 failed ("Unknown session"); one token holder opening 32 sessions
 *    evicted every other agent's;
 *  - after a 413 the connection hung until reset; a non-JSON body got -32000, not -32700; an initialize
 *    without protocolVersion was told "Send initialize first".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { TOOL_NAMES } from '../../src/core/tools';
import { assertNoKeyPiece, startHttpServer, type HttpServerProcess } from './helpers';
import { startHostileApi, type HostileApi } from './hostile-api';

let emu: Emulator;
let hostile: HostileApi;
let server: HttpServerProcess;

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30 });
  hostile = await startHostileApi(new URL(emu.url).origin);
  const home = mkdtempSync(join(tmpdir(), 'daytona-sec-http3-'));
  server = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: `${hostile.url}/api` });
});
after(async () => {
  await server?.stop();
  await hostile?.close();
  await emu?.close();
});

async function connect(to: HttpServerProcess, name = 'http3-test', onMessage?: (m: JSONRPCMessage) => void): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name, version: '1' }, { capabilities: { elicitation: {} } });
  const transport = new StreamableHTTPClientTransport(new URL(to.state.url), { requestInit: { headers: { Authorization: `Bearer ${to.state.token}` } } });
  await client.connect(transport);
  if (onMessage) {
    const deliver = transport.onmessage;
    transport.onmessage = (m: JSONRPCMessage) => {
      onMessage(m);
      deliver?.(m);
    };
  }
  return { client, transport };
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(port: number, token: string, body: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('security: HTTP notifications are scrubbed', () => {
  test('progress messages and elicitation questions carry no piece of the key the API put in names', async () => {
    emu.reset([{ name: 'proj', state: 'started' }, { name: 'old', state: 'stopped' }]);
    const piece = SENTINEL_KEY.slice(0, 18);
    // The API "names" sandboxes with the key (whole, and its first 18 characters).
    hostile.rule = (method, path) => (method === 'GET' && path.startsWith('/api/sandbox')
      ? { kind: 'rewrite', edit: (b) => b.replace(/"name":"proj"/g, `"name":"proj-${piece}"`).replace(/"name":"old"/g, `"name":"old-${SENTINEL_KEY}"`) }
      : { kind: 'forward' });
    const seen: string[] = [];
    const { client } = await connect(server, 'http3-notify', (m) => seen.push(JSON.stringify(m)));
    let questions = 0;
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      questions++;
      seen.push(JSON.stringify(req));
      return { action: 'decline' };
    });
    try {
      let progress = 0;
      await client.callTool({ name: 'snapshot_sandbox', arguments: { sandbox: 'proj', name: 'snap-one', timeoutSeconds: 5 } }, undefined, {
        onprogress: (p) => (progress++, seen.push(JSON.stringify(p))),
        timeout: 60_000,
      });
      await client.callTool({ name: 'cleanup_sandboxes', arguments: { states: ['stopped'] } }, undefined, { timeout: 60_000 });
      console.log(`http notifications: ${progress} progress messages and ${questions} elicitation question(s) checked for pieces of the key`);
      assert.ok(progress >= 1, 'a progress message was sent');
      assert.equal(questions, 1, 'cleanup asked before deleting');
      assert.ok(seen.some((s) => s.includes('Saving proj-')), 'the progress message names the sandbox');
      assertNoKeyPiece(seen.join('\n'), 'messages the HTTP server sent', [SENTINEL_KEY]);
    } finally {
      hostile.rule = () => ({ kind: 'forward' });
      await client.close();
    }
  });
});

describe('security: HTTP details', () => {
  test('after a 413 the server says connection: close and closes it', async () => {
    const { port, token } = server.state;
    const socket = netConnect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 3000000\r\n\r\n`);
    socket.write(Buffer.alloc(1_200_000, 'x'), () => undefined);
    socket.on('error', () => undefined); // the server may reset while we still send
    // Hang guard only: the server closes at once after answering.
    await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error(`connection still open after the 413: ${answer.slice(0, 200)}`)), 20_000))]);
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.match(answer, /\r\nconnection: close\r\n/i);
  });

  test('a body that is not JSON is a -32700 parse error', async () => {
    const r = await raw(server.state.port, server.state.token, '{"jsonrpc": "2.0", "method": ');
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).error.code, -32700);
  });

  test('an initialize without protocolVersion is a clear invalid-params error', async () => {
    const r = await raw(server.state.port, server.state.token, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'initialize', params: { capabilities: {}, clientInfo: { name: 'x', version: '1' } } }));
    const body = JSON.parse(r.body);
    assert.equal(r.status, 400);
    assert.equal(body.error.code, -32602);
    assert.match(body.error.message, /protocolVersion/);
    assert.equal(body.id, 7);
  });
});

describe('security: sessions under load', () => {
  test('40 agents connecting at once are all served', async () => {
    const results = await Promise.allSettled(Array.from({ length: 40 }, async (_, i) => {
      const { client } = await connect(server, `crowd-${i}`);
      try {
        return (await client.listTools()).tools.length;
      } finally {
        await client.close();
      }
    }));
    const served = results.filter((r) => r.status === 'fulfilled' && r.value === TOOL_NAMES.length).length;
    console.log(`sessions: ${served} of 40 agents connecting at once served (before: 32)`);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(served, 40, failure && `${String((failure.reason as Error)?.stack ?? failure.reason)} code: ${String((failure.reason as { code?: unknown })?.code)} cause: ${String((failure.reason as { cause?: Error })?.cause?.stack)}`);
  });

  test('one token holder opening 32 sessions does not evict another agent\'s', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-sec-hog-'));
    const s = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url, DAYTONA_MCP_MAX_SESSIONS: '32' });
    const hog: Client[] = [];
    try {
      const victim = await connect(s, 'victim-agent');
      await victim.client.listTools();
      let refused = 0;
      for (let i = 0; i < 32; i++) {
        try {
          hog.push((await connect(s, 'hog')).client);
        } catch {
          refused++;
        }
      }
      const after = await victim.client.listTools().then(() => 'served', (err: Error) => err.message);
      console.log(`sessions: after one holder opened 32 sessions the other agent was ${after} (hog refused ${refused}; before: evicted)`);
      assert.equal(after, 'served');
      assert.ok(refused >= 1, 'the holder is refused once the server is full');
      // A newcomer still gets in: the holder of over half the sessions gives one up.
      const late = await connect(s, 'late-agent');
      assert.equal((await late.client.listTools()).tools.length, TOOL_NAMES.length);
      assert.equal((await victim.client.listTools()).tools.length, TOOL_NAMES.length, 'the first agent is still served');
      await late.client.close();
      await victim.client.close();
    } finally {
      await Promise.allSettled(hog.map((c) => c.close()));
      await s.stop();
    }
  });
});
