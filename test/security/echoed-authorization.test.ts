/**
 * Attack: an API (or a proxy in front of it) echoes the request's Authorization header into its
 * error bodies. Before, the API error text went into tool results and `status` output as it was:
 * 32 of 32 calls for 400, 403, 404, 409, 422, 500, 502 (HTML), 503 put the key into the agent's
 * transcript. Now every text leaving the process goes through one scrubber; this replays the
 * attack against the built server and CLI and counts leaks (expected: 0).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { callTool, spawnServer, textOf, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';
import { runCliWithInput as runCli } from '../helpers/run-cli';
import { startHostileApi, type HostileAction, type HostileApi } from './hostile-api';

const STATUSES: Array<{ status: number; html?: boolean }> = [
  { status: 400 }, { status: 403 }, { status: 404 }, { status: 409 }, { status: 422 }, { status: 500 }, { status: 502, html: true }, { status: 503 },
];

/** Calls that reach the API with the key: a read, a lookup, an action and a bulk action. */
const CALLS: Array<{ tool: string; args: Record<string, unknown> }> = [
  { tool: 'list_sandboxes', args: {} },
  { tool: 'get_sandbox', args: { sandbox: 'existing' } },
  { tool: 'stop_sandbox', args: { sandboxes: ['existing'], wait: false } },
  { tool: 'delete_sandbox', args: { sandboxes: ['existing'], wait: false } },
];

function leaks(text: string): string[] {
  const found: string[] = [];
  if (text.includes(SENTINEL_KEY)) found.push('key');
  if (/Bearer\s+(?!\[redacted\])\S{8,}/i.test(text)) found.push('bearer value');
  if (/authorization\\?"?\s*[:=]\s*\\?"?(?!\[redacted\])[^\s"\\[]/i.test(text)) found.push('authorization value');
  return found;
}

describe('security: an API that echoes the Authorization header', () => {
  let emu: Emulator;
  let hostile: HostileApi;
  let server: SpawnedServer;
  let home: string;
  let status = 400;
  let html = false;

  before(async () => {
    emu = await startEmulator({ apiKeys: [SENTINEL_KEY], seed: [{ name: 'existing', state: 'started' }] });
    hostile = await startHostileApi(new URL(emu.url).origin);
    home = mkdtempSync(join(tmpdir(), 'daytona-sec-echo-'));
    server = await spawnServer({ home, env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: `${hostile.url}/api` } });
  });
  after(async () => {
    await server?.close();
    await hostile?.close();
    await emu?.close();
  });

  test('no tool result carries the key or an Authorization value, for any echoed status', async () => {
    const leaked: string[] = [];
    let calls = 0;
    for (const s of STATUSES) {
      status = s.status;
      html = Boolean(s.html);
      // The lookup the action tools make first is answered normally only for get on the first sandbox
      // request; everything that reaches the API fails with the echo.
      hostile.rule = (): HostileAction => ({ kind: 'echo', status, html });
      for (const c of CALLS) {
        const r = await callTool(server, c.tool, c.args);
        calls++;
        const text = `${textOf(r)}\n${JSON.stringify(r.structuredContent ?? {})}`;
        assert.equal(r.isError, true, `${c.tool} under ${status} reports the failure`);
        const l = leaks(text);
        if (l.length) leaked.push(`${c.tool}@${status}: ${l.join(', ')}`);
      }
    }
    assert.equal(calls, 32);
    assert.deepEqual(leaked, [], `leaks in ${leaked.length} of ${calls} calls`);
    assert.deepEqual(leaks(await server.settledLog()), [], 'audit log');
    assert.deepEqual(leaks(server.stderr()), [], 'server stderr');
  });

  test('`status` output never shows it either', async () => {
    const leaked: string[] = [];
    for (const s of STATUSES) {
      hostile.rule = () => ({ kind: 'echo', status: s.status, html: s.html });
      for (const args of [['status'], ['status', '--json']]) {
        const run = await runCli(args, { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: `${hostile.url}/api` });
        const l = leaks(run.stdout + run.stderr);
        if (l.length) leaked.push(`${args.join(' ')}@${s.status}: ${l.join(', ')}`);
        assert.match(run.stdout, /API/, 'status still reports the API line');
      }
    }
    assert.deepEqual(leaked, []);
  });
});
