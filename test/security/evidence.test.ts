/**
 * Security round three — the audit trail as evidence, replayed. Each failed before its fix:
 *  - 5,200 invalid calls (≈4 KB of log each) in seconds rotated away server_start, a delete's tool
 *    line and its API line; now refused calls are capped per minute and counted, and every file starts
 *    with its writer's start;
 *  - several processes writing one log at once lost lines when one rotated it under another
 *    ("cannot write audit log … ENOENT … stat").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { callTool, spawnServer, textOf } from '../helpers/mcp-client';
import { assertNoKeyPiece } from './helpers';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 30 });
});
after(async () => emu?.close());

/** Every entry of a log and its rotated generations. */
function allEntries(dir: string, base: string): Array<Record<string, unknown>> {
  return readdirSync(dir)
    .filter((f) => f.startsWith(base) && !f.endsWith('.lock'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

describe('security: the audit trail keeps what matters', () => {
  test('5,200 invalid calls do not rotate away server_start, a delete\'s tool line or its API line', async () => {
    emu.reset([{ name: 'doomed', state: 'stopped' }]);
    const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url } });
    const CALLS = 5_200;
    let refused = 0;
    try {
      const del = await callTool(server, 'delete_sandbox', { sandboxes: ['doomed'], wait: false });
      assert.notEqual(del.isError, true, textOf(del));
      // Invalid (unknown keys), each ≈4 KB in the log before the cap.
      const pad = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`junk${i}`, `${SENTINEL_KEY}${'x'.repeat(600)}`]));
      for (let i = 0; i < CALLS; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => callTool(server, 'delete_sandbox', { sandboxes: ['doomed'], ...pad })));
        refused += batch.filter((r) => r.isError).length;
      }
    } finally {
      await server.close();
    }
    assert.equal(refused, CALLS);
    const dir = join(server.home, '.daytona');
    const entries = allEntries(dir, 'daytona-mcp.log');
    const bytes = readdirSync(dir).filter((f) => f.startsWith('daytona-mcp.log')).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    console.log(`audit: ${CALLS} invalid calls → ${entries.length} lines, ${bytes} bytes (before: ≈21 MB, 4 files, start and delete rotated away)`);
    assert.ok(entries.some((e) => e.event === 'server_start' || e.event === 'server_running'), 'the start is kept');
    assert.ok(entries.some((e) => e.event === 'tool_call' && e.tool === 'delete_sandbox' && e.outcome === 'ok'), 'the delete\'s tool line is kept');
    assert.ok(entries.some((e) => e.event === 'api_call' && e.op === 'delete'), 'the delete\'s API line is kept');
    const suppressed = entries.filter((e) => e.event === 'audit_suppressed').reduce((n, e) => n + Number(e.entries), 0);
    const logged = entries.filter((e) => e.event === 'tool_call' && e.outcome === 'invalid_input').length;
    assert.equal(logged + suppressed, CALLS, 'every refused call is logged or counted');
    assertNoKeyPiece(readdirSync(dir).filter((f) => f.startsWith('daytona-mcp.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'), 'the audit log', [SENTINEL_KEY]);
  });

  test('six processes writing and rotating one log at once lose no line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daytona-sec-writers-'));
    const path = join(dir, 'shared.log');
    const WRITERS = 6;
    const LINES = 1_000;
    // Tiny files: a rotation every few dozen lines, so writers constantly meet another's rotation.
    const script = `
      const { AuditLog } = require(${JSON.stringify(resolve(__dirname, '../../src/core/audit-log.ts'))});
      const log = new AuditLog({ path: process.env.LOG, maxBytes: 8000, keep: 1000 });
      for (let i = 0; i < ${LINES}; i++) log.write('e', { w: Number(process.env.W), i, pad: 'y'.repeat(100) });
    `;
    let stderr = '';
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => new Promise<void>((res, rej) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, LOG: path, W: String(w) } });
      p.stderr.on('data', (c: Buffer) => (stderr += c));
      p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`writer exited ${code}: ${stderr}`))));
    })));
    const lines = allEntries(dir, 'shared.log').filter((e) => e.event === 'e');
    console.log(`audit: ${WRITERS} writers × ${LINES} lines with constant rotation → ${lines.length} lines kept (before: some lost to ENOENT)`);
    assert.doesNotMatch(stderr, /cannot write audit log/);
    assert.equal(lines.length, WRITERS * LINES);
  });
});
