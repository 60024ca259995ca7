/**
 * "Scrub at every exit", each exit on its own. A hostile API puts the key into sandbox data (a
 * label, an error reason that echoes the Authorization header); a tool that returns that data must
 * not hand the key to the agent — on every transport. Over stdio two guards stand in the way (the
 * MCP server's result scrub and the CLI's stdout guard), over HTTP only the first: so each guard is
 * tested here without the other.
 *  - the result path of src/mcp/server.ts, in this process (no stdout guard): in-memory transport
 *    and the Streamable HTTP front;
 *  - the built `start --http`, where stdout is not the channel at all;
 *  - the CLI's stdout/stderr guard alone, in a child that writes the key itself;
 *  - ToolError, which scrubs messages and hints as they are made.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { inProcessHttp, inProcessLinked } from '../helpers/in-process-mcp';
import { SENTINEL_KEY } from '../helpers/secrets';
import { ToolError } from '../../src/core/errors';
import { registerSecrets } from '../../src/core/scrub';
import { startHttpServer, type HttpServerProcess } from './helpers';

/** A bearer value no source registered: only the pattern-based scrub can catch it. */
const ECHOED_BEARER = 'eyJhbGciOiJIUzI1NiJ9.unregistered-proxy-token-42';

/** The calls that return API data as it came: the sandbox itself, and the list. */
const CALLS = [
  { name: 'get_sandbox', arguments: { sandbox: 'leaky' } },
  { name: 'list_sandboxes', arguments: {} },
];

function leaks(result: unknown): string[] {
  const text = JSON.stringify(result);
  const found: string[] = [];
  if (text.includes(SENTINEL_KEY)) found.push('the API key');
  if (text.includes(ECHOED_BEARER)) found.push('an echoed bearer token');
  return found;
}

async function assertCallsClean(client: Client, where: string): Promise<void> {
  for (const call of CALLS) {
    const r = await client.callTool(call);
    assert.notEqual(r.isError, true, `${where} ${call.name}: ${JSON.stringify(r.content)}`);
    // The data did come through (scrubbed), so a clean result is not just an empty one.
    assert.match(JSON.stringify(r), /leaky/, `${where} ${call.name} returns the sandbox`);
    assert.deepEqual(leaks(r), [], `${where} ${call.name}`);
  }
}

describe('security: every exit scrubs on its own', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
  });
  beforeEach(() => {
    emu.reset('none');
    emu.seedSandbox({
      name: 'leaky',
      state: 'error',
      // A bare "Bearer <token>" (no Authorization: before it) only the bearer pattern catches.
      labels: { note: `copied ${SENTINEL_KEY}`, [`k-${SENTINEL_KEY}`]: 'in a key', upstream: `sent Bearer ${ECHOED_BEARER}` },
      errorReason: `pull failed; request headers: {"Authorization":"Bearer ${SENTINEL_KEY}"} via proxy Authorization: Bearer ${ECHOED_BEARER}`,
    });
  });
  after(async () => {
    await emu.close();
  });

  test('the MCP server scrubs tool results itself: in-memory transport, no stdout guard', async () => {
    const s = await inProcessLinked(emu.url);
    try {
      await assertCallsClean(s.client, 'in-memory');
    } finally {
      await s.close();
    }
  });

  test('the MCP server scrubs tool results over Streamable HTTP (src/mcp/http.ts in this process)', async () => {
    const s = await inProcessHttp(emu.url);
    try {
      await assertCallsClean(await s.connect(), 'http in-process');
    } finally {
      await s.close();
    }
  });

  test('the built start --http scrubs tool results: the HTTP answer is the only exit', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-scrub-http-'));
    let server: HttpServerProcess | undefined;
    const client = new Client({ name: 'scrub-http', version: '1' });
    try {
      server = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.state.url), { requestInit: { headers: { Authorization: `Bearer ${server.state.token}` } } }));
      await assertCallsClean(client, 'start --http');
    } finally {
      await client.close();
      await server?.stop();
    }
  });

  test('the CLI stdout/stderr guard scrubs on its own (strings and bytes, both streams)', () => {
    const guard = resolve(__dirname, '../../src/cli/output-guard.ts');
    const scrubber = resolve(__dirname, '../../src/core/scrub.ts');
    const script = `
      const { guardOutputStreams } = require(${JSON.stringify(guard)});
      const { registerSecrets } = require(${JSON.stringify(scrubber)});
      registerSecrets(() => [${JSON.stringify(SENTINEL_KEY)}]);
      guardOutputStreams();
      process.stdout.write('string ${SENTINEL_KEY}\\n');
      process.stdout.write(Buffer.from('bytes ${SENTINEL_KEY}\\n'));
      process.stderr.write('echo Authorization: Bearer ${ECHOED_BEARER}\\n');
      process.stderr.write('proxy sent Bearer ${ECHOED_BEARER}\\n');
      console.log('console ${SENTINEL_KEY}');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: tmpdir() } });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.equal(out.match(/\[redacted\]/g)?.length, 5, out);
    assert.deepEqual(leaks(out), [], out);
  });

  test('a ToolError scrubs its message and hint as it is made', () => {
    const unregister = registerSecrets(() => [SENTINEL_KEY]);
    try {
      const e = new ToolError('unknown', `API said: key ${SENTINEL_KEY} rejected; Authorization: Bearer ${ECHOED_BEARER}; upstream Bearer ${ECHOED_BEARER}`, { hint: `Check ${SENTINEL_KEY}` });
      assert.deepEqual(leaks({ m: e.message, h: e.hint, j: e.toJSON() }), []);
      assert.match(e.message, /\[redacted\]/);
    } finally {
      unregister();
    }
  });
});
