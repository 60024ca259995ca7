import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog, redactArguments } from '../../src/core/audit-log';
import { auditLogPath } from '../../src/core/daytona-home';
import { SENTINEL_KEY } from '../helpers/secrets';

const tmp = () => mkdtempSync(join(tmpdir(), 'audit-'));

test('default path is ~/.daytona/daytona-mcp.log, DAYTONA_MCP_LOG overrides', () => {
  assert.equal(auditLogPath({ HOME: '/h' }), '/h/.daytona/daytona-mcp.log');
  assert.equal(auditLogPath({ HOME: '/h', DAYTONA_MCP_LOG: '/x/y.log' }), '/x/y.log');
});

test('creates folder 0700 and file 0600, one JSON object per line, secrets scrubbed', () => {
  const path = join(tmp(), 'nested', 'log', 'daytona-mcp.log');
  const log = new AuditLog({ path, secrets: () => [SENTINEL_KEY] });
  log.write('tool_call', { tool: 'x', note: `key=${SENTINEL_KEY}` });
  log.write('tool_call', { tool: 'y' });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.tool), ['x', 'y']);
  assert.ok(!readFileSync(path, 'utf8').includes(SENTINEL_KEY));
  assert.match(lines[0].note, /\[redacted\]/);
});

test('rotates by size and keeps a bounded number of files', () => {
  const path = join(tmp(), 'a.log');
  const log = new AuditLog({ path, maxBytes: 2_000, keep: 2 });
  for (let i = 0; i < 100; i++) log.write('e', { i, pad: 'x'.repeat(100) });
  assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`));
  assert.ok(!existsSync(`${path}.3`));
  assert.ok(statSync(path).size <= 2_000);
  const last = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(last.at(-1).i, 99);
});

test('env values and key-like arguments are redacted, prototype keys stay data', () => {
  const r = redactArguments(JSON.parse('{"env":{"A":"secret"},"apiKey":"k","labels":{"__proto__":"x"},"name":"n"}')) as Record<string, unknown>;
  assert.deepEqual(r.env, { A: '[redacted]' });
  assert.equal(r.apiKey, '[redacted]');
  assert.equal(r.name, 'n');
  assert.equal(Object.getPrototypeOf(r.labels), Object.prototype);
  assert.deepEqual(Object.keys(r.labels as object), ['__proto__']);
});

test('several processes writing at once lose and interleave no lines', async () => {
  const path = join(tmp(), 'shared.log');
  const writers = 4;
  const perWriter = 300;
  const script = `
    const { AuditLog } = require(${JSON.stringify(resolve(__dirname, '../../src/core/audit-log.ts'))});
    const log = new AuditLog({ path: process.env.LOG, maxBytes: 40000, keep: 50 });
    for (let i = 0; i < ${perWriter}; i++) log.write('e', { w: Number(process.env.W), i, pad: 'y'.repeat(200) });
  `;
  await Promise.all(Array.from({ length: writers }, (_, w) => new Promise<void>((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, LOG: path, W: String(w) }, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`writer exited ${code}`))));
  })));
  const files = [path, ...Array.from({ length: 50 }, (_, i) => `${path}.${i + 1}`)].filter(existsSync);
  const seen = new Set<string>();
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const e = JSON.parse(line); // throws on an interleaved line
      seen.add(`${e.w}:${e.i}`);
    }
  }
  assert.equal(seen.size, writers * perWriter);
});

test('writeSoon: the line follows once the loop turns, write() keeps the order, and exit writes what is left', async () => {
  const path = join(tmp(), 'soon.log');
  const log = new AuditLog({ path, secrets: () => [SENTINEL_KEY] });
  log.write('server_start');
  log.writeSoon('tool_call', { tool: 'a', note: SENTINEL_KEY });
  const events = () => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; tool?: string });
  assert.deepEqual(events().map((e) => e.event), ['server_start'], 'not yet: the answer goes out first');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events().map((e) => e.tool ?? e.event), ['server_start', 'a']);
  log.writeSoon('tool_call', { tool: 'b' });
  // Fields given as a function are made when the line is written, not before.
  let made = 0;
  log.writeSoon('tool_call', () => (made++, { tool: 'c' }));
  assert.equal(made, 0, 'the fields of a pending line are not made yet');
  log.write('server_stop');
  assert.equal(made, 1);
  assert.deepEqual(events().map((e) => e.tool ?? e.event), ['server_start', 'a', 'b', 'c', 'server_stop'], 'a pending line is written before a later one');
  assert.ok(!readFileSync(path, 'utf8').includes(SENTINEL_KEY), 'scrubbed like any other');

  // A process that exits in the same turn (process.exit, as on a signal) still writes its pending line.
  const exiting = join(tmp(), 'exit.log');
  const script = `
    const { AuditLog } = require(${JSON.stringify(resolve(__dirname, '../../src/core/audit-log.ts'))});
    const log = new AuditLog({ path: process.env.LOG });
    log.writeSoon('tool_call', { tool: 'last' });
    process.exit(0);
  `;
  await new Promise<void>((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, LOG: exiting }, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`exited ${code}`))));
  });
  assert.match(readFileSync(exiting, 'utf8'), /"event":"tool_call","tool":"last"/);
});
