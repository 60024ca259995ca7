/**
 * Attacks on the audit trail, replayed:
 *  - a flood of bad-token requests (no token needed) used to write one line each and rotate every
 *    trace away (200,000 requests in ≈ 9 s); now the first is logged and the rest summarised;
 *  - one call of 100,000 ids wrote a 5.7 MB line; arguments nested 10⁴ deep were not logged at all;
 *  - SIGTERM during a 200-sandbox cleanup left deletions the API made out of the log;
 *  - several writers grew a rotated file far past its limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { callTool, childOf, CLI, spawnServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';
import { waitFor } from '../helpers/wait';
import { logLines, rawPost, startHttpServer } from './helpers';

/** One tools/call sent as raw JSON-RPC text to a fresh `start` sharing `home` (and its audit log). */
function rawStdioCall(home: string, callLine: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [CLI, 'start'], { env: { PATH: '/usr/bin:/bin', HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    let out = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c;
      const reply = out.split('\n').find((l) => l.endsWith('"id":2}'));
      if (reply) {
        p.stdin.end();
        resolvePromise(reply);
      }
    });
    p.on('error', reject);
    p.on('exit', (code) => reject(new Error(`server exited ${code} before answering: ${out.slice(0, 300)}`)));
    p.stdin.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n');
    p.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    p.stdin.write(`${callLine}\n`);
  });
}

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30 });
});
after(async () => emu?.close());

describe('security: audit trail', () => {
  test('a flood of bad-token requests is summarised, and server_start survives', async () => {
    const home = mkdtempSync(join(tmpdir(), 'daytona-sec-flood-'));
    const s = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    const REQUESTS = 10_000;
    let refused = 0;
    for (let i = 0; i < REQUESTS; i += 50) {
      const codes = await Promise.all(Array.from({ length: 50 }, () => rawPost(s.state.port, { authorization: 'Bearer wrong-token-guess' })));
      refused += codes.filter((c) => c === 401).length;
    }
    assert.equal(refused, REQUESTS);
    await s.stop();
    const lines = logLines(join(home, '.daytona', 'daytona-mcp.log'));
    const rejected = lines.filter((l) => String(l.event).startsWith('http_rejected'));
    console.log(`audit: ${REQUESTS} bad-token requests → ${rejected.length} rejection lines, ${lines.length} lines in all (before: one line per request)`);
    assert.ok(lines.some((l) => l.event === 'server_start'), 'server_start is still in the log');
    assert.ok(rejected.length <= 3, `rejections are summarised (got ${rejected.length} lines)`);
    const counted = rejected.reduce((n, l) => n + (l.event === 'http_rejected' ? 1 : Number(l.count)), 0);
    assert.equal(counted, REQUESTS, 'every rejected request is counted');
    assert.equal((rejected.find((l) => l.event === 'http_rejected_summary')?.reasons as Record<string, number>)['bad token'], REQUESTS - 1);
  });

  test('huge and deeply nested arguments are logged, each line bounded', async () => {
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    try {
      const ids = Array.from({ length: 100_000 }, (_, i) => `sandbox-${i}`);
      await callTool(server, 'delete_sandbox', { sandboxes: ids });
      await callTool(server, 'get_sandbox', { sandbox: 'x'.repeat(200_000) });
      // 10⁴-deep arguments: the official client cannot even serialise them, so they go in raw.
      const deep = `${'{"d":'.repeat(10_000)}"leaf"${'}'.repeat(10_000)}`;
      const answer = await rawStdioCall(server.home, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_sandboxes","arguments":{"nested":${deep}}}}`);
      assert.match(answer, /"isError":true/, 'the deep call gets an error result, not silence');
      const raw = (await server.settledLog()).split('\n').filter(Boolean);
      const longest = Math.max(...raw.map((l) => l.length));
      console.log(`audit: longest line ${longest} chars (before: 5.7 MB for 100,000 ids)`);
      assert.ok(longest <= 16_100, `longest line ${longest}`);
      const calls = (await server.settledLogEntries()).filter((e) => e.event === 'tool_call');
      assert.deepEqual(calls.map((c) => c.tool).sort(), ['delete_sandbox', 'get_sandbox', 'list_sandboxes'], 'each call has its line');
    } finally {
      await server.close();
    }
  });

  test('SIGTERM during a 200-sandbox cleanup: every deletion the API made is in the log', async () => {
    emu.reset(Array.from({ length: 200 }, (_, i) => ({ name: `old-${i}`, state: 'stopped' as const })));
    emu.setFaults({ latencyMs: 15, only: 'all' });
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    const child = childOf(server);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const seeded = emu.sandboxes().map((s) => s.id);
    const deletedByApi = () => {
      const live = new Map(emu.sandboxes().map((s) => [s.id, s]));
      return seeded.filter((id) => {
        const s = live.get(id);
        return !s || s.state === 'destroying' || s.state === 'destroyed' || s.transition?.to === 'removed';
      });
    };
    const call = callTool(server, 'cleanup_sandboxes', {}).catch(() => undefined);
    try {
      await waitFor(() => deletedByApi().length >= 40, 60_000, '40 deletions');
      child.kill('SIGTERM');
      await exited;
    } finally {
      emu.clearFaults();
      await call;
      await server.close().catch(() => undefined);
    }
    const deleted = deletedByApi();
    const logged = new Set(server.logEntries().filter((e) => e.event === 'api_call' && e.op === 'delete' && (e.outcome === 'ok' || e.outcome === 'in_flight')).map((e) => String(e.sandbox)));
    const missing = deleted.filter((id) => !logged.has(id));
    console.log(`audit: SIGTERM mid-cleanup: API deleted ${deleted.length} of 200, the log names ${deleted.length - missing.length} of them`);
    assert.ok(deleted.length >= 40 && deleted.length < 200, `stopped part-way (${deleted.length})`);
    assert.deepEqual(missing, [], 'deletions the API made but the log does not name');
  });

  test('several writers keep every rotated file within its limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daytona-sec-rotate-'));
    const path = join(dir, 'shared.log');
    const MAX = 64_000;
    const script = `
      const { AuditLog } = require(${JSON.stringify(resolve(__dirname, '../../src/core/audit-log.ts'))});
      const log = new AuditLog({ path: process.env.LOG, maxBytes: ${MAX}, keep: 200 });
      for (let i = 0; i < 1500; i++) log.write('e', { w: Number(process.env.W), i, pad: 'y'.repeat(150) });
    `;
    await Promise.all(Array.from({ length: 4 }, (_, w) => new Promise<void>((res, rej) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, LOG: path, W: String(w) }, stdio: 'inherit' });
      p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`writer exited ${code}`))));
    })));
    const sizes = readdirSync(dir).filter((f) => f.startsWith('shared.log') && !f.endsWith('.lock')).map((f) => statSync(join(dir, f)).size);
    const biggest = Math.max(...sizes);
    console.log(`audit: 4 writers, limit ${MAX} B: biggest file ${biggest} B across ${sizes.length} files`);
    // One line per writer may race past the limit between its size check and its write.
    assert.ok(biggest <= MAX + 4 * 300, `biggest file ${biggest} B`);
    assert.ok(existsSync(path));
  });
});

describe('security: bulk calls stay quiet on stderr', () => {
  test('a 100-sandbox bulk call prints no MaxListenersExceededWarning', async () => {
    emu.reset(Array.from({ length: 100 }, (_, i) => ({ name: `bulk-${i}`, state: 'started' as const })));
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    try {
      const r = await callTool(server, 'stop_sandbox', { sandboxes: Array.from({ length: 100 }, (_, i) => `bulk-${i}`), wait: true }, { timeout: 120_000 });
      assert.notEqual(r.isError, true);
      assert.doesNotMatch(server.stderr(), /MaxListenersExceeded/);
    } finally {
      await server.close();
    }
  });
});
