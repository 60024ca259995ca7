/**
 * Security round three — hostile or broken API answers, replayed through the hostile proxy
 * (hostile-api.ts) in front of the emulator. Each test failed before its fix:
 *  - half a key is still a key: an error preview held the key's first 18 characters (tool text,
 *    audit log, `status`), a build-log tail began with its last 20;
 *  - a signed preview URL inside an API error message reached the tool error, the audit log and `logs`;
 *  - the build-log URL the API names was fetched with the key from any host, over plain http;
 *  - a 50 MB sandbox name became a 100 MB result that ended the server;
 *  - an answer trickling 1 byte per 500 ms held get_sandbox far past a 3 s deadline;
 *  - a fork answer carrying the source's id labelled the person's own sandbox agent-made;
 *  - `--max-create 5` and ten calls of `count: 5, timeoutSeconds: 1` left 50 sandboxes.
 * No output of these tests may hold 12 consecutive characters of the key.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { assertErrorResult, callTool, dataOf, spawnServer, textOf } from '../helpers/mcp-client';
import { runCliWithInput as runCli } from '../helpers/run-cli';
import { assertNoKeyPiece } from './helpers';
import { serverBehindHostileApi } from './hostile-api';

const KEY = [SENTINEL_KEY];
const DEADLINE_MS = 3_000;
const rig = serverBehindHostileApi({ env: { DAYTONA_MCP_REQUEST_TIMEOUT_MS: String(DEADLINE_MS) } });
const forward = () => ({ kind: 'forward' as const });

describe('security: pieces of the key in API answers', () => {
  test('an error preview holding the key\'s first 18 characters reaches neither the tool, the log nor status', async () => {
    rig.emu.reset([{ name: 'present', state: 'started' }]);
    rig.hostile.rule = () => ({ kind: 'answer', status: 200, contentType: 'text/html', body: `<html>${SENTINEL_KEY.slice(0, 18)} sign in to the corporate proxy</html>` });
    try {
      const r = await callTool(rig.server, 'list_sandboxes', {});
      assert.equal(assertErrorResult(r, 'list_sandboxes'), 'unknown');
      assert.match(textOf(r), /HTML page/);
      assertNoKeyPiece(textOf(r), 'the tool error', KEY);
      const status = await runCli(['status'], { HOME: rig.server.home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: `${rig.hostile.url}/api` });
      assert.match(status.stdout + status.stderr, /HTML/);
      assertNoKeyPiece(status.stdout + status.stderr, 'status', KEY);
      assertNoKeyPiece(await rig.server.settledLog(), 'the audit log', KEY);
    } finally {
      rig.hostile.rule = forward;
    }
  });

  test('a build-log tail beginning with the key\'s last 20 characters is shown without them', async () => {
    rig.emu.reset([{ name: 'broken', state: 'build_failed', errorReason: 'build failed', buildLog: `step 1\n${SENTINEL_KEY.slice(-20)} was rejected\nERROR: exit 1\n` }]);
    // The emulator names its own origin; through the proxy the API's origin is the proxy's.
    const emulatorOrigin = new URL(rig.emu.url).origin;
    rig.hostile.rule = (_m, path) => (path.endsWith('/build-logs-url') ? { kind: 'rewrite', edit: (b) => b.split(emulatorOrigin).join(rig.hostile.url) } : forward());
    try {
      const r = await callTool(rig.server, 'get_sandbox', { sandbox: 'broken' });
      assert.match(textOf(r), /ERROR: exit 1/);
      assertNoKeyPiece(JSON.stringify(r), 'get_sandbox', KEY);
      assertNoKeyPiece(await rig.server.settledLog(), 'the audit log', KEY);
    } finally {
      rig.hostile.rule = forward;
    }
  });
});

describe('security: URLs in API answers', () => {
  test('a signed preview URL inside an API error reaches neither the tool error, the audit log nor `logs`', async () => {
    const SIGNED = 'Sg7hT2kLq9Wz4Xc8Vb3Nm6Pd';
    rig.emu.reset([{ name: 'web', state: 'stopped' }]);
    rig.hostile.rule = (method, path) => (method === 'POST' && path.endsWith('/start')
      ? { kind: 'answer', status: 400, body: JSON.stringify({ statusCode: 400, error: 'Bad Request', message: `Cannot start: port busy, see https://8080-${SIGNED}.proxy.daytona.works/status?token=${SIGNED} or ${rig.hostile.url}/preview/8080-${SIGNED}` }) }
      : forward());
    try {
      const r = await callTool(rig.server, 'start_sandbox', { sandboxes: ['web'], wait: false });
      const text = textOf(r);
      assert.match(text, /Cannot start: port busy/);
      assert.doesNotMatch(text, new RegExp(SIGNED), 'the tool error');
      assert.doesNotMatch(await rig.server.settledLog(), new RegExp(SIGNED), 'the audit log');
      const logs = await runCli(['logs', '--lines', '50'], { HOME: rig.server.home });
      assert.match(logs.stdout, /start_sandbox/);
      assert.doesNotMatch(logs.stdout + logs.stderr, new RegExp(SIGNED), '`logs`');
    } finally {
      rig.hostile.rule = forward;
    }
  });

  test('the build-log URL the API names on another host, over plain http, gets no credentials', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const catcher = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('fetched from elsewhere\n');
    });
    await new Promise<void>((r) => catcher.listen(0, '127.0.0.1', r));
    const elsewhere = `http://localhost:${(catcher.address() as AddressInfo).port}/logs`;
    rig.emu.reset([{ name: 'broken', state: 'build_failed', errorReason: 'build failed', buildLog: 'step 1\nERROR\n' }]);
    rig.hostile.rule = (method, path) => (path.endsWith('/build-logs-url') ? { kind: 'answer', status: 200, body: JSON.stringify({ url: elsewhere }) } : forward());
    try {
      const r = await callTool(rig.server, 'get_sandbox', { sandbox: 'broken' });
      assert.equal(seen.length >= 1, true, `the URL was fetched: ${textOf(r)}`);
      const sent = JSON.stringify(seen);
      console.log(`credentials: build-log URL on another host got ${/authorization/i.test(sent) ? 'the key' : 'no credentials'} (before: the key)`);
      assert.doesNotMatch(sent, /authorization|x-daytona-organization-id/i);
      assertNoKeyPiece(sent, 'the headers sent to another host', KEY);
    } finally {
      rig.hostile.rule = forward;
      catcher.close();
    }
  });
});

describe('security: bounded API answers', () => {
  test('a 50 MB sandbox name is refused as too large and the server keeps serving', async () => {
    rig.emu.reset([{ name: 'fine', state: 'started' }]);
    const huge = JSON.stringify({ id: 'huge-1', name: 'n'.repeat(50 * 1024 * 1024), state: 'started', organizationId: 'o', labels: {}, env: {}, cpu: 1, memory: 1, disk: 1, gpu: 0, target: 'us', public: false, user: 'daytona' });
    rig.hostile.rule = (method, path) => (method === 'GET' && path === '/api/sandbox/huge' ? { kind: 'answer', status: 200, body: huge } : forward());
    try {
      const r = await callTool(rig.server, 'get_sandbox', { sandbox: 'huge' }, { timeout: 120_000 });
      console.log(`bounds: 50 MB name → ${textOf(r).length} characters of result (before: ~100 MB, connection closed)`);
      assert.equal(assertErrorResult(r, 'get_sandbox'), 'unknown');
      assert.match(textOf(r), /larger than 4 MB/);
      const after = await callTool(rig.server, 'get_sandbox', { sandbox: 'fine' });
      assert.equal(dataOf(after).sandbox.name, 'fine', 'the server still serves');
    } finally {
      rig.hostile.rule = forward;
    }
  });

  test('an answer trickling 1 byte per 500 ms is cut by the request deadline and reported as a timeout', async () => {
    rig.emu.reset([{ name: 'slow', state: 'started' }]);
    rig.hostile.rule = (method, path) => (method === 'GET' && /^\/api\/(sandbox|snapshots)/.test(path) ? { kind: 'trickle', intervalMs: 500 } : forward());
    try {
      // Hang guard only (the trickle would last many minutes): the deadline is 3 s.
      const r = await callTool(rig.server, 'get_sandbox', { sandbox: 'slow' }, { timeout: 45_000 });
      assert.equal(assertErrorResult(r, 'get_sandbox'), 'timeout');
      assert.match(textOf(r), /deadline/);
      // The SDK's own services (snapshots) go through the same bound.
      const snaps = await callTool(rig.server, 'list_snapshots', {}, { timeout: 45_000 });
      assert.equal(assertErrorResult(snaps, 'list_snapshots'), 'timeout');
      console.log(`bounds: trickling answer → ${textOf(r).split('\n')[0]} (before: held past the client's patience)`);
    } finally {
      rig.hostile.rule = forward;
    }
  });
});

describe('security: provenance and the creation limit against the API\'s word', () => {
  test('a fork answer carrying the source\'s id does not label the person\'s sandbox agent-made', async () => {
    rig.emu.reset([{ name: 'mine', state: 'started', labels: { team: 'me' } }]);
    const source = rig.emu.sandboxes().find((s) => s.name === 'mine')!;
    rig.hostile.rule = (method, path) => (method === 'POST' && path.endsWith('/fork')
      ? { kind: 'rewrite', edit: (body) => JSON.stringify({ ...JSON.parse(body), id: source.id }) }
      : forward());
    try {
      const r = await callTool(rig.server, 'fork_sandbox', { sandbox: 'mine', timeoutSeconds: 30 });
      assert.equal(r.isError, true, textOf(r));
      const labels = rig.emu.sandboxes().find((s) => s.id === source.id)!.labels ?? {};
      console.log(`provenance: source labels after a fork answer naming it: ${JSON.stringify(labels)} (before: made-by agent)`);
      assert.equal(labels['daytona-mcp.made-by'], undefined);
      assert.deepEqual(labels, { team: 'me' });
    } finally {
      rig.hostile.rule = forward;
    }
  });

  test('--max-create 5: ten calls of count 5 whose waits time out leave 5 sandboxes, each said to exist', async () => {
    // Creating takes a minute here: every wait of 1 s times out, after the API accepted the create.
    const emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: { create: 60_000 } });
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url }, args: ['--max-create', '5'] });
    try {
      const texts: string[] = [];
      for (let i = 0; i < 10; i++) texts.push(textOf(await callTool(server, 'create_sandbox', { count: 5, timeoutSeconds: 1 })));
      const made = emu.sandboxes().length;
      console.log(`creation limit: --max-create 5, ten calls of count 5 timing out → ${made} sandboxes (before: 50)`);
      assert.equal(made, 5);
      assert.doesNotMatch(texts[0]!, /No sandbox was created/);
      assert.match(texts[0]!, /CREATED as/);
      assert.match(texts[1]!, /Refused/);
    } finally {
      await server.close();
      await emu.close();
    }
  });
});
