/**
 * Attack: the shared server stopped serving after 32 agents. Sessions never expired and the official
 * client's close() sends no DELETE, so the 33rd connection and every later one got 503 until a
 * restart. Now the oldest idle session is evicted to make room, DELETE ends a session, and idle
 * sessions time out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { waitFor } from '../helpers/wait';
import { TOOL_NAMES } from '../../src/core/tools';
import { logLines, startHttpServer, type HttpServerProcess } from './helpers';

let emu: Emulator;
let home: string;
let server: HttpServerProcess;
const log = () => logLines(join(home, '.daytona', 'daytona-mcp.log'));

async function connect(to = server): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'sessions-test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(to.state.url), { requestInit: { headers: { Authorization: `Bearer ${to.state.token}` } } });
  await client.connect(transport);
  return { client, transport };
}

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
  home = mkdtempSync(join(tmpdir(), 'daytona-sec-sessions-'));
  server = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url, DAYTONA_MCP_SESSION_IDLE_MS: '1500' });
});
after(async () => {
  await server?.stop();
  await emu?.close();
});

describe('security: sessions end', () => {
  test('40 agents that close without DELETE are all served (the oldest idle session makes room)', async () => {
    // Its own server with the default 30-minute idle timeout: only eviction can make room here.
    const h = mkdtempSync(join(tmpdir(), 'daytona-sec-evict-'));
    const s = await startHttpServer(h, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    let served = 0;
    try {
      for (let i = 0; i < 40; i++) {
        const { client } = await connect(s);
        assert.equal((await client.listTools()).tools.length, TOOL_NAMES.length);
        served++;
        await client.close();
      }
    } finally {
      await s.stop();
    }
    console.log(`sessions: ${served} of 40 sequential agents served (before: 32, then 503)`);
    assert.equal(served, 40);
    const evicted = logLines(join(h, '.daytona', 'daytona-mcp.log')).filter((l) => l.event === 'session_closed' && l.reason === 'evicted for a new session');
    assert.equal(evicted.length, 8);
  });

  test('DELETE ends the session at once', async () => {
    const { client, transport } = await connect();
    const id = transport.sessionId!;
    await transport.terminateSession();
    await client.close();
    assert.ok(log().some((l) => l.event === 'session_closed' && l.reason === 'deleted by client' && l.session === id.slice(0, 8)));
  });

  test('an idle session times out', async () => {
    const { client, transport } = await connect();
    const id = transport.sessionId!;
    await client.listTools();
    await waitFor(() => log().some((l) => l.event === 'session_closed' && l.reason === 'idle' && l.session === id.slice(0, 8)), 20_000, 'idle close');
    await client.close();
  });
});
