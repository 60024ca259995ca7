/**
 * The shared background server (`start --http`): loopback only, bearer token from a 0600 file,
 * Host/Origin checks against DNS rebinding, body and session limits, and a second start that
 * reports the running server. Driven with the official Streamable HTTP client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { CLI } from '../helpers/mcp-client';
import { SENTINEL_KEY, assertNoSecret } from '../helpers/secrets';
import { TOOL_NAMES } from '../../src/core/tools';

let emu: Emulator;
let home: string;
let server: ChildProcess;
let output = '';
let state: { url: string; token: string; port: number; pid: number };

function startHttp(h: string, extra: string[] = []): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, [CLI, 'start', '--http', '--port', '0', ...extra], {
    env: { PATH: '/usr/bin:/bin', HOME: h, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url },
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c;
      if (output.includes('\n')) resolve({ child, firstLine: output.split('\n')[0]! });
    });
    child.stderr!.on('data', (c: Buffer) => (output += c));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
  });
}

function raw(path: string, headers: Record<string, string>, body = '{}'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: state.port, path, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function connect(token = state.token): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(state.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30, seed: [{ name: 'shared', state: 'started' }] });
  home = mkdtempSync(join(tmpdir(), 'http-home-'));
  server = (await startHttp(home)).child;
  const path = join(home, '.daytona', 'mcp', 'http.json');
  state = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
});
after(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  assertNoSecret(output, 'http server output');
  assertNoSecret(readFileSync(join(home, '.daytona', 'daytona-mcp.log'), 'utf8'), 'audit log');
  await emu.close();
});

test('two agents share one server over Streamable HTTP on loopback', async () => {
  assert.match(state.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const [a, b] = await Promise.all([connect(), connect()]);
  assert.equal((await a.listTools()).tools.length, TOOL_NAMES.length);
  const listed = (await b.callTool({ name: 'list_sandboxes', arguments: {} })) as unknown as { structuredContent: { sandboxes: Array<{ name: string }> } };
  assert.deepEqual(listed.structuredContent.sandboxes.map((s) => s.name), ['shared']);
  await Promise.all([a.close(), b.close()]);
});

test('the creation limit is per process: sessions draw on one count (a loop cannot escape by reconnecting)', async () => {
  const [a, b] = await Promise.all([connect(), connect()]);
  type R = { isError?: boolean; content: Array<{ text?: string }> };
  const ok = (await a.callTool({ name: 'create_sandbox', arguments: { name: 'loop-a', count: 20, wait: false } })) as R;
  assert.equal(ok.isError, undefined, JSON.stringify(ok.content));
  const posts = () => emu.stats().requests.filter((r) => r.method === 'POST' && r.path === '/api/sandbox').length;
  const before = posts();
  const refused = (await b.callTool({ name: 'create_sandbox', arguments: { name: 'loop-b', count: 11, wait: false } })) as R;
  assert.equal(refused.isError, true);
  assert.match(refused.content[0]!.text!, /at most 30 sandboxes per run.*20 created so far, 11 more requested, 10 left/);
  assert.equal(posts(), before);
  // Labelled with each session's client name.
  assert.ok(emu.sandboxes().filter((s) => s.name.startsWith('loop-a')).every((s) => s.labels['daytona-mcp.client'] === 'http-test'));
  await Promise.all([a.close(), b.close()]);
});

test('requests without the right token, from a foreign Host or Origin, or too large are refused', async () => {
  const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
  const good = { authorization: `Bearer ${state.token}` };
  assert.equal(await raw('/mcp', {}, init), 401);
  assert.equal(await raw('/mcp', { authorization: 'Bearer wrong' }, init), 401);
  assert.equal(await raw('/mcp', { ...good, host: `evil.example:${state.port}` }, init), 403);
  assert.equal(await raw('/mcp', { ...good, origin: 'http://evil.example' }, init), 403);
  assert.equal(await raw('/mcp', { ...good, origin: `http://localhost:${state.port}` }, init), 200);
  assert.equal(await raw('/mcp', good, JSON.stringify({ pad: 'x'.repeat(1_100_000) })), 413);
  assert.equal(await raw('/other', good, init), 404);
  assert.equal(await raw('/mcp', good, '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'), 400, 'no session without initialize');
  await assert.rejects(connect('nope'));
});

test('a second start reports the running server instead of failing', async () => {
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'start', '--http'], { env: { PATH: '/usr/bin:/bin', HOME: home } });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    p.on('close', (code) => resolve({ code, out }));
  });
  assert.equal(r.code, 0);
  assert.match(r.out, new RegExp(`already running at ${state.url.replace(/[.]/g, '\\.')} \\(pid ${state.pid}\\)`));
});

test('a stale state file (dead pid) is taken over; init --http writes url + bearer header entries', async () => {
  const h = mkdtempSync(join(tmpdir(), 'http-stale-'));
  mkdirSync(join(h, '.daytona', 'mcp'), { recursive: true });
  writeFileSync(join(h, '.daytona', 'mcp', 'http.json'), JSON.stringify({ token: 'old-token-kept', port: 0, pid: 999999, url: 'x' }), { mode: 0o600 });
  const { child, firstLine } = await startHttp(h);
  assert.match(firstLine, new RegExp(`serving ${TOOL_NAMES.length} tools at http://127\\.0\\.0\\.1:\\d+/mcp`));
  const s = JSON.parse(readFileSync(join(h, '.daytona', 'mcp', 'http.json'), 'utf8'));
  // Every start issues a new token (a token sent while the server was down may have been captured);
  // the configs init wrote are updated with it (security/local-attacks.test.ts).
  assert.notEqual(s.token, 'old-token-kept', 'a new token at start');
  assert.equal(s.pid, child.pid);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const init = (host: string) => new Promise<number | null>((resolve) => {
    spawn(process.execPath, [CLI, 'init', host, '--http', '--port', String(s.port)], { env: { PATH: '/usr/bin:/bin', HOME: h } }).on('close', resolve);
  });
  assert.equal(await init('cursor'), 0);
  assert.equal(await init('windsurf'), 0);
  const cursor = parse(readFileSync(join(h, '.cursor', 'mcp.json'), 'utf8')).mcpServers.daytona;
  assert.deepEqual(cursor, { url: `http://127.0.0.1:${s.port}/mcp`, headers: { Authorization: `Bearer ${s.token}` } });
  const windsurf = parse(readFileSync(join(h, '.codeium', 'windsurf', 'mcp_config.json'), 'utf8')).mcpServers.daytona;
  assert.equal(windsurf.serverUrl, `http://127.0.0.1:${s.port}/mcp`);
  assert.notEqual(await init('claude'), 0, 'Claude Desktop cannot load remote servers from its file');
});
