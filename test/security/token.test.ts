/**
 * Attacks on the shared server's bearer token, replayed with a second local user:
 *  - `init --http` kept a 0644 config's mode, so another user read the token (and deleted sandboxes);
 *  - a workspace `.vscode/mcp.json` holding the token sat untracked in a git work tree;
 *  - the token never rotated;
 *  - a process of another user squatting the port would receive the token from every agent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { waitFor } from '../helpers/wait';
import { runCliWithInput as runCli } from '../helpers/run-cli';
import { rawPost, startHttpServer } from './helpers';
import { otherUid, otherUserUnavailable, runAsOther, spawnAsOther } from './other-user';

let emu: Emulator;
let home: string;
const env = () => ({ HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
const tokenOf = () => (JSON.parse(readFileSync(join(home, '.daytona', 'mcp', 'http.json'), 'utf8')) as { token: string }).token;
const cursorConfig = () => join(home, '.cursor', 'mcp.json');

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
  home = mkdtempSync(join(tmpdir(), 'daytona-sec-token-'));
  chmodSync(home, 0o755); // like a real home: others may list it
});
after(async () => emu?.close());

describe('security: the bearer token', () => {
  const skip = otherUserUnavailable();

  test('a config that receives the token becomes 0600, and init says it was wider', { skip }, async () => {
    mkdirSync(join(home, '.cursor'), { recursive: true, mode: 0o755 });
    writeFileSync(cursorConfig(), '{\n  // my servers\n  "mcpServers": {}\n}\n', { mode: 0o644 });
    chmodSync(cursorConfig(), 0o644);
    const r = await runCli(['init', 'cursor', '--http', '--port', '47999'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /was mode 0644 .*now .*0600/);
    assert.equal(statSync(cursorConfig()).mode & 0o777, 0o600);
    assert.ok(readFileSync(cursorConfig(), 'utf8').includes(tokenOf()));
    const read = runAsOther(['cat', cursorConfig()]);
    console.log(`token: other user reading ${cursorConfig()}: exit ${read.code} (before: 0, token printed)`);
    assert.notEqual(read.code, 0);
    assert.ok(!read.stdout.includes(tokenOf()));
    // The backups that may hold the token are private too; the original is kept.
    assert.equal(statSync(`${cursorConfig()}.bak`).mode & 0o777, 0o600);
    assert.match(readFileSync(`${cursorConfig()}.daytona-original`, 'utf8'), /my servers/);
  });

  test('a workspace file holding the token is refused inside a git work tree unless insisted', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'daytona-sec-repo-'));
    mkdirSync(join(ws, '.git'));
    const refused = await runCli(['init', 'vscode', '--workspace', ws, '--http', '--port', '47999'], env());
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /git work tree .*--allow-secret-in-repo/s);
    assert.ok(!existsSync(join(ws, '.vscode', 'mcp.json')), 'nothing written');
    const insisted = await runCli(['init', 'vscode', '--workspace', ws, '--http', '--port', '47999', '--allow-secret-in-repo'], env());
    assert.equal(insisted.code, 0, insisted.stderr);
    assert.equal(statSync(join(ws, '.vscode', 'mcp.json')).mode & 0o777, 0o600);
    // Without a secret (stdio entry) nothing is refused.
    const plain = mkdtempSync(join(tmpdir(), 'daytona-sec-repo-'));
    mkdirSync(join(plain, '.git'));
    assert.equal((await runCli(['init', 'vscode', '--workspace', plain], env())).code, 0);
  });

  test('token rotate updates the configs init wrote, and the running server drops the old token', async () => {
    if (!existsSync(cursorConfig())) assert.equal((await runCli(['init', 'cursor', '--http', '--port', '47999'], env())).code, 0);
    const server = await startHttpServer(home, env());
    try {
      const old = tokenOf();
      const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
      assert.equal(await rawPost(server.state.port, { authorization: `Bearer ${old}` }, init), 200);
      const r = await runCli(['token', 'rotate'], env());
      assert.equal(r.code, 0, r.stderr);
      const fresh = tokenOf();
      assert.notEqual(fresh, old);
      assert.ok(!r.stdout.includes(fresh) && !r.stdout.includes(old), 'the token is never printed');
      const cursor = readFileSync(cursorConfig(), 'utf8');
      assert.ok(cursor.includes(`Bearer ${fresh}`) && !cursor.includes(old), 'cursor config updated');
      assert.match(cursor, /my servers/, 'comments kept');
      assert.equal(statSync(cursorConfig()).mode & 0o777, 0o600);
      assert.equal(await rawPost(server.state.port, { authorization: `Bearer ${old}` }, init), 401);
      assert.equal(await rawPost(server.state.port, { authorization: `Bearer ${fresh}` }, init), 200);
    } finally {
      await server.stop();
    }
  });

  test('the server refuses to start when another user holds its port', { skip }, async () => {
    const probe = createServer();
    const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    const squatter = spawnAsOther([process.execPath, '-e', `require('net').createServer((s) => s.end()).listen(${port}, '127.0.0.1', () => console.log('up'))`]);
    try {
      let up = '';
      squatter.stdout!.on('data', (c: Buffer) => (up += c));
      await waitFor(() => up.includes('up'), 10_000, 'squatter listening');
      const r = await runCli(['start', '--http', '--port', String(port)], env());
      console.log(`token: start --http on a port held by uid ${otherUid()}: exit ${r.code}`);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`another user \\(uid ${otherUid()}\\)`));
    } finally {
      squatter.kill('SIGKILL');
    }
  });
});
