/**
 * Security round three — attacks from the local machine, replayed. Each failed before its fix:
 *  - port squatting: another local user listening on the shared server's port while it was down
 *    received the agents' bearer token, which the real server then accepted once it started
 *    (deleting the victim's sandboxes); `status` said only "not running";
 *  - a dangling `.mcp.json` link in a workspace made `init --http` write the token outside it, and
 *    the output named only the link;
 *  - `init … --inline-key --dry-run` printed the whole key in its diff.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { runCliWithInput as runCli } from '../helpers/run-cli';
import { waitFor } from '../helpers/wait';
import { assertNoKeyPiece, rawPost, startHttpServer } from './helpers';
import { otherUid, otherUserUnavailable, spawnAsOther } from './other-user';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
});
after(async () => emu?.close());

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
  await new Promise((r) => probe.close(r));
  return port;
}

describe('security: port squatting on the shared server', () => {
  const skip = otherUserUnavailable();

  test('a token another user captured while the server was down is refused once it runs, and status says what happened', { skip }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-sec-squat-'));
    chmodSync(home, 0o700);
    const env = { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url };
    const port = await freePort();
    // The victim's agent is set up for the shared server, which then stops (a reboot, a crash).
    assert.equal((await runCli(['init', 'cursor', '--http', '--port', String(port), '--no-check'], env)).code, 0);
    const first = await startHttpServer(home, env, ['--port', String(port)]);
    await first.stop();
    const agentToken = (JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')) as { mcpServers: { daytona: { headers: { Authorization: string } } } }).mcpServers.daytona.headers.Authorization.slice(7);

    // Another user listens on the port and logs what agents send.
    const squatter = spawnAsOther([process.execPath, '-e', `require('http').createServer((q, s) => { console.log('CAPTURED ' + q.headers.authorization); s.end(); }).listen(${port}, '127.0.0.1', () => console.log('up'))`]);
    let heard = '';
    squatter.stdout!.on('data', (c: Buffer) => (heard += c));
    let status: string;
    try {
      await waitFor(() => heard.includes('up'), 10_000, 'squatter listening');
      // The victim's agent connects as configured: the squatter receives the token.
      await rawPost(port, { authorization: `Bearer ${agentToken}` }, INIT).catch(() => 0);
      await waitFor(() => heard.includes('CAPTURED'), 10_000, 'the squatter heard the agent');
      const st = await runCli(['status'], env);
      status = st.stdout + st.stderr;
    } finally {
      squatter.kill('SIGKILL');
      await new Promise((r) => squatter.once('exit', r));
    }
    const captured = /CAPTURED Bearer (\S+)/.exec(heard)?.[1];
    assert.equal(captured, agentToken, 'the squatter captured the token the agent had');
    console.log(`squatting: status while another user holds the port: ${/ANOTHER USER/.test(status) ? 'names the other user' : 'says nothing'} (before: "not running")`);
    assert.match(status, new RegExp(`held by ANOTHER USER \\(uid ${otherUid()}\\)`));

    // The real server starts again: the captured token must not work.
    const second = await startHttpServer(home, env, ['--port', String(port)]);
    try {
      const withCaptured = await rawPost(port, { authorization: `Bearer ${captured}` }, INIT);
      const config = readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8');
      const fresh = second.state.token;
      console.log(`squatting: captured token after restart → HTTP ${withCaptured} (before: 200)`);
      assert.equal(withCaptured, 401);
      assert.ok(config.includes(`Bearer ${fresh}`), 'the agent config holds the new token');
      assert.equal(await rawPost(port, { authorization: `Bearer ${fresh}` }, INIT), 200);
      assert.match(second.output(), /New bearer token for this run/);
      const after = await runCli(['status'], env);
      assert.match(after.stdout, /token renewed .*server start/);
      assertNoKeyPiece(after.stdout + after.stderr + second.output(), 'status and start output', [SENTINEL_KEY, fresh]);
    } finally {
      await second.stop();
    }
  });
});

describe('security: init and planted links', () => {
  test('a dangling .mcp.json link does not make init --http write the token outside the workspace', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-sec-link-'));
    const ws = mkdtempSync(join(tmpdir(), 'daytona-sec-ws-'));
    const outside = join(mkdtempSync(join(tmpdir(), 'daytona-sec-elsewhere-')), 'planted.json');
    symlinkSync(outside, join(ws, '.mcp.json'));
    const r = await runCli(['init', 'claude-code', '--workspace', ws, '--http', '--port', '47998', '--no-check'], { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    console.log(`init --http through a dangling link: exit ${r.code}, ${existsSync(outside) ? 'token file written outside' : 'nothing written outside'} (before: written outside)`);
    assert.equal(existsSync(outside), false, 'nothing written outside the workspace');
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(outside), `the real target is named: ${r.stderr}`);
    assertNoKeyPiece(r.stdout + r.stderr, 'init output', [SENTINEL_KEY]);
  });

  test('init --inline-key --dry-run shows no piece of the key in its diff', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-sec-dry-'));
    mkdirSync(join(home, '.cursor'), { recursive: true });
    const r = await runCli(['init', 'cursor', '--inline-key', '--dry-run', '--no-check'], { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DAYTONA_API_KEY/);
    assertNoKeyPiece(r.stdout + r.stderr, 'the dry-run diff', [SENTINEL_KEY]);
  });
});
