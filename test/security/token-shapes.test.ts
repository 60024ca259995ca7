/**
 * The shared HTTP server's bearer token, for every shape a wrong token can take: shorter, longer, a
 * prefix, one character, empty, the same length but different, no header, another scheme. Each is
 * refused (401, no session), on the first request and on a request inside an open session, both
 * in this process (src/mcp/http.ts itself) and on the built `daytona-mcp start --http`.
 * A comparison that only looks at the common length (so a one-character guess authenticates) or
 * that skips the length check fails here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { inProcessHttp, type InProcessHttp } from '../helpers/in-process-mcp';
import { SENTINEL_KEY } from '../helpers/secrets';
import { startHttpServer, type HttpServerProcess } from './helpers';

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'shapes', version: '1' } } });
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });

/** Every wrong Authorization header we can derive from the right token (undefined = no header). */
function wrongHeaders(t: string): Array<[string, string | undefined]> {
  const flip = (c: string) => (c === 'A' ? 'B' : 'A');
  return [
    ['no header', undefined],
    ['empty header', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space, empty token', 'Bearer '],
    ['one character (the first)', `Bearer ${t[0]}`],
    ['prefix: all but the last character', `Bearer ${t.slice(0, -1)}`],
    ['prefix: half', `Bearer ${t.slice(0, Math.floor(t.length / 2))}`],
    ['longer: token plus one character', `Bearer ${t}x`],
    ['longer: token twice', `Bearer ${t}${t}`],
    ['same length, last character different', `Bearer ${t.slice(0, -1)}${flip(t.at(-1)!)}`],
    ['same length, first character different', `Bearer ${flip(t[0]!)}${t.slice(1)}`],
    ['same length, all different', `Bearer ${'A'.repeat(t.length)}`],
    ['wrong scheme: Basic', `Basic ${t}`],
    ['wrong scheme: Token', `Token ${t}`],
    ['no scheme', t],
    ['token in another header only', undefined],
  ];
}

function post(port: number, headers: Record<string, string | undefined>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k] = v;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: h }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The whole table against one server; returns the refused shapes' names that were let in. */
async function letIn(port: number, token: string): Promise<string[]> {
  const wrong: string[] = [];
  // A session opened with the right token: a wrong token must not ride on its id either.
  const opened = await post(port, { authorization: `Bearer ${token}` }, INIT);
  assert.equal(opened.status, 200, 'the right token is accepted');
  const session = String(opened.headers['mcp-session-id']);
  assert.ok(session.length > 8, 'a session id was issued');
  for (const [name, header] of wrongHeaders(token)) {
    const extra = name === 'token in another header only' ? { 'x-api-key': token, cookie: `token=${token}` } : {};
    const first = await post(port, { authorization: header, ...extra }, INIT);
    const inSession = await post(port, { authorization: header, 'mcp-session-id': session, ...extra }, LIST);
    if (first.status !== 401) wrong.push(`${name} (initialize: ${first.status})`);
    else assert.equal(first.headers['www-authenticate'], 'Bearer', `${name}: says which scheme`);
    if (inSession.status !== 401) wrong.push(`${name} (in a session: ${inSession.status})`);
  }
  assert.equal((await post(port, { authorization: `Bearer ${token}`, 'mcp-session-id': session }, LIST)).status, 200, 'the session itself still works');
  return wrong;
}

describe('security: every wrong token shape is refused by the shared HTTP server', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
  });
  after(async () => {
    await emu.close();
  });

  test('src/mcp/http.ts in this process: 16 wrong shapes, first request and inside a session, none let in', async () => {
    let s: InProcessHttp | undefined;
    try {
      s = await inProcessHttp(emu.url);
      assert.deepEqual(await letIn(s.http.port, s.token), []);
      assert.equal(s.http.sessions(), 1, 'only the right token opened a session');
    } finally {
      await s?.close();
    }
  });

  test('a one-character token is not a prefix of everything: a server with token "x…" refuses "x"', async () => {
    // The shortest real-looking secret against the shortest guess, in both directions.
    let s: InProcessHttp | undefined;
    try {
      s = await inProcessHttp(emu.url, 'x'.repeat(43));
      assert.equal((await post(s.http.port, { authorization: 'Bearer x' }, INIT)).status, 401);
      assert.equal((await post(s.http.port, { authorization: `Bearer ${'x'.repeat(44)}` }, INIT)).status, 401);
      assert.equal((await post(s.http.port, { authorization: `Bearer ${'x'.repeat(43)}` }, INIT)).status, 200);
    } finally {
      await s?.close();
    }
  });

  test('the built daytona-mcp start --http: the same table, none let in', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-token-shapes-'));
    let server: HttpServerProcess | undefined;
    try {
      server = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
      assert.ok(server.state.token.length >= 32, 'the generated token is long');
      assert.deepEqual(await letIn(server.state.port, server.state.token), []);
    } finally {
      await server?.stop();
    }
  });
});
