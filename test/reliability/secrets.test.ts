/**
 * Suite-wide secret check. One representative session in a throwaway HOME — init (twice, over an
 * existing config, so a backup is written), status, config, the MCP server with successful and failing
 * calls (revoked key, not found, invalid input, a key pasted into arguments), logs, and a rotated
 * audit log — then every byte of output, every error text returned to the client and every file under
 * HOME is scanned for the key. The one exception is ~/.daytona/mcp/credentials.json, which must hold
 * it, 0600 in a 0700 folder. A negative control proves the scanner finds a planted key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { assertErrorResult, callTool, spawnServer, textOf, type SpawnedServer } from '../helpers/mcp-client';
import { OTHER_KEY, SENTINEL_KEY } from '../helpers/secrets';
import { runCliWithInput as runCli, type CliRun } from '../helpers/run-cli';

const SECRETS = [SENTINEL_KEY, OTHER_KEY];

/** Every form a key could take in a file or a stream: plain (also JSON/URL-safe), base64, and long fragments. */
function needles(secret: string): Array<{ form: string; text: string }> {
  const out = [{ form: 'plain', text: secret }];
  for (let shift = 0; shift < 3; shift++) {
    // base64 of the key at each byte alignment, minus the edge characters that depend on neighbours
    const b64 = Buffer.from(`${'\0'.repeat(shift)}${secret}`).toString('base64');
    const core = b64.slice(Math.ceil((shift * 4) / 3) + 1, -4);
    out.push({ form: `base64@${shift}`, text: core });
    out.push({ form: `base64url@${shift}`, text: core.replace(/\+/g, '-').replace(/\//g, '_') });
  }
  // A truncated key is still a leak: any 16-character run of it.
  for (let i = 0; i + 16 <= secret.length; i += 4) out.push({ form: `fragment@${i}`, text: secret.slice(i, i + 16) });
  return out;
}

interface Finding {
  where: string;
  form: string;
  context: string;
}

/** Per line of text: the strongest form of each secret found (plain, else base64, else a fragment). */
function scanText(text: string, where: string, secrets = SECRETS): Finding[] {
  const found: Finding[] = [];
  const all = secrets.flatMap(needles);
  if (!all.some((n) => text.includes(n.text))) return found; // fast path for big clean files
  for (const line of text.split('\n')) {
    for (const s of secrets) {
      const hit = needles(s).find((n) => line.includes(n.text)); // needles are ordered strongest first
      if (!hit) continue;
      // Context for the failure message, with the key itself masked.
      found.push({ where, form: hit.form, context: line.split(hit.text).join('<KEY>').slice(0, 400) });
    }
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
  });
}

/** Scans every regular file under root (binary-safe), except the exact paths given. */
function scanTree(root: string, except: readonly string[]): { files: number; findings: Finding[] } {
  const files = walk(root).filter((f) => !except.includes(f));
  return { files: files.length, findings: files.flatMap((f) => scanText(readFileSync(f).toString('latin1'), relative(root, f))) };
}

let emu: Emulator;
let home: string;
const outputs: Array<{ where: string; text: string }> = [];
const servers: SpawnedServer[] = [];

const keyEnv = () => ({ HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
const fileEnv = () => ({ HOME: home, DAYTONA_API_URL: emu.url }); // the key comes from the credentials file
const credentialsPath = () => join(home, '.daytona', 'mcp', 'credentials.json');

async function cli(args: string[], env: Record<string, string>, expectCode = 0): Promise<CliRun> {
  const r = await runCli(args, env);
  outputs.push({ where: `stdout of ${args.join(' ')}`, text: r.stdout }, { where: `stderr of ${args.join(' ')}`, text: r.stderr });
  assert.equal(r.code, expectCode, `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

async function server(env: Record<string, string>): Promise<SpawnedServer> {
  const s = await spawnServer({ env, home });
  servers.push(s);
  return s;
}

async function tool(s: SpawnedServer, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const r = await callTool(s, name, args);
  outputs.push({ where: `result of ${name}`, text: JSON.stringify(r) });
  return r;
}

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 40, seed: [{ name: 'existing', state: 'started' }] });
  home = mkdtempSync(join(tmpdir(), 'daytona-rel-secrets-'));

  // An agent config that already exists, so init edits it and keeps a backup.
  mkdirSync(join(home, '.cursor'), { recursive: true });
  writeFileSync(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { other: { command: 'other-server', args: [] } } }, null, 2));

  await cli(['init', 'cursor'], keyEnv());
  await cli(['init', 'cursor'], keyEnv()); // idempotent second run
  await cli(['init', 'windsurf', '--read-only'], keyEnv());
  await cli(['init', 'claude', '--dry-run'], keyEnv());
  await cli(['status'], keyEnv());
  await cli(['status', '--json'], fileEnv());
  await cli(['config'], keyEnv());
  await cli(['config', 'windsurf', '--tools', 'list_sandboxes'], keyEnv());

  // A fresh server whose FIRST call is invalid and carries the key in a label value: it never reaches
  // the API, so only the audit log's redaction stands between the key and the disk.
  const fresh = await server(keyEnv());
  const pasted = await tool(fresh, 'create_sandbox', { name: 'ci-runner', labels: { 'ci-auth': SENTINEL_KEY }, count: '2' });
  assertErrorResult(pasted, 'pasted key, invalid input');
  // A long argument with the key across the audit log's 500-character clip: clipping must not leave
  // a fragment of the key that the whole-key redaction can no longer recognise.
  const long = await tool(fresh, 'get_sandbox', { sandbox: `${'x'.repeat(480)}${SENTINEL_KEY}` });
  assertErrorResult(long, 'long argument with the key');
  await fresh.close();

  // The main session: key from the credentials file written by init.
  const s = await server(fileEnv());
  assert.equal((await tool(s, 'list_sandboxes', {})).isError, undefined);
  const created = await tool(s, 'create_sandbox', { name: 'sec-box', env: { DAYTONA_API_KEY: SENTINEL_KEY, OTHER: 'x' }, labels: { owner: 'ana' } });
  assert.equal(created.isError, undefined, textOf(created));
  await tool(s, 'get_sandbox', { sandbox: 'sec-box' });
  await tool(s, 'stop_sandbox', { sandboxes: ['sec-box', 'existing'] });
  assert.equal(assertErrorResult(await tool(s, 'get_sandbox', { sandbox: 'no-such-box' }), 'not found'), 'not_found');
  assert.equal(assertErrorResult(await tool(s, 'stop_sandbox', { sandboxes: [] }), 'invalid'), 'invalid_input');
  assert.equal(assertErrorResult(await tool(s, 'create_sandbox', { name: 'x', env: { apiKey: SENTINEL_KEY }, cpu: 'lots' }), 'invalid'), 'invalid_input');
  await tool(s, 'set_sandbox_labels', { sandbox: 'sec-box', labels: { note: 'fine' } });
  await tool(s, 'cleanup_sandboxes', { dryRun: true });
  // Revoked key: every call fails with auth, and the message must not echo the key.
  emu.setApiKeys([OTHER_KEY]);
  assert.equal(assertErrorResult(await tool(s, 'list_sandboxes', {}), 'revoked key'), 'auth');
  const bulk = await tool(s, 'start_sandbox', { sandboxes: ['sec-box'] });
  assert.equal(bulk.isError, true);
  emu.setApiKeys([SENTINEL_KEY]);
  await s.close();

  // Rotated logs: grow the audit log past 5 MB so the next server start rotates it.
  const log = join(home, '.daytona', 'daytona-mcp.log');
  appendFileSync(log, `${JSON.stringify({ event: 'filler', pad: 'f'.repeat(1000) })}\n`.repeat(5_300));
  const again = await server(keyEnv());
  await tool(again, 'delete_sandbox', { sandboxes: ['sec-box'] });
  await tool(again, 'get_sandbox', { sandbox: 'gone' });
  await again.close();
  for (const sv of servers) outputs.push({ where: 'server stderr', text: sv.stderr() });

  await cli(['logs'], keyEnv());
  await cli(['logs', '-n', '500'], fileEnv());
  await cli(['status'], fileEnv());
});

after(async () => {
  for (const s of servers) await s.close();
  await emu.close();
});

describe('the API key never leaves the credentials file', () => {
  test('the session did what it should (so the scan is meaningful)', () => {
    assert.ok(existsSync(join(home, '.daytona', 'daytona-mcp.log.1')), 'the audit log was rotated');
    const files = walk(home).map((f) => relative(home, f));
    assert.ok(files.some((f) => f.startsWith('.cursor/') && f !== '.cursor/mcp.json'), `a backup of the cursor config exists: ${files.join(', ')}`);
    assert.ok(files.includes('.codeium/windsurf/mcp_config.json'));
    assert.ok(files.includes('.daytona/mcp/daytona-mcp.js'), 'the server copy was installed');
    const entries = readFileSync(join(home, '.daytona', 'daytona-mcp.log.1'), 'utf8').split('\n').filter((l) => l.startsWith('{"time"'));
    assert.ok(entries.some((l) => l.includes('"tool":"create_sandbox"')), 'the rotated log holds the session');
    assert.ok(outputs.length > 20);
  });

  test('credentials.json holds the key, mode 0600, in a 0700 folder', () => {
    const path = credentialsPath();
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { apiKey: string }).apiKey, SENTINEL_KEY);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, '.daytona', 'mcp')).mode & 0o777, 0o700);
  });

  test('no key in any stdout/stderr of the CLI and server, nor in any result or error text sent to the client', () => {
    const findings = outputs.flatMap((o) => scanText(o.text, o.where));
    assert.deepEqual(findings, [], `key found in:\n${findings.map((f) => `  ${f.where} (${f.form}): ${f.context}`).join('\n')}`);
  });

  test('no key in any file under HOME (configs, backups, audit log and its rotations, server copy) except credentials.json', () => {
    const { files, findings } = scanTree(home, [credentialsPath()]);
    assert.ok(files >= 6, `${files} files scanned`);
    console.log(`# secrets: scanned ${files} files and ${outputs.length} outputs under ${home}`);
    assert.deepEqual(findings, [], `key found in:\n${findings.map((f) => `  ${f.where} (${f.form}): ${f.context}`).join('\n')}`);
  });

  test('negative control: the scanner finds a key planted anywhere, in any of its forms', () => {
    const copy = mkdtempSync(join(tmpdir(), 'daytona-rel-secrets-ctrl-'));
    cpSync(home, copy, { recursive: true });
    const credCopy = join(copy, '.daytona', 'mcp', 'credentials.json');
    const baseline = new Set(scanTree(copy, [credCopy]).findings.map((f) => f.where)); // empty unless the real scan failed too
    assert.ok(scanTree(copy, []).findings.some((f) => f.where === join('.daytona', 'mcp', 'credentials.json')), 'credentials.json is found when not excluded');

    writeFileSync(join(copy, '.daytona', 'daytona-mcp.log.3'), `{"event":"tool_call","arguments":{"note":"${SENTINEL_KEY}"}}\n`);
    writeFileSync(join(copy, '.cursor', 'mcp.json.b64'), Buffer.from(`Bearer ${OTHER_KEY}`).toString('base64'));
    mkdirSync(join(copy, '.config', 'deep', 'er'), { recursive: true });
    writeFileSync(join(copy, '.config', 'deep', 'er', 'credentials.json'), `{"apiKey":"${SENTINEL_KEY.slice(0, 20)}…"}`);
    const found = scanTree(copy, [credCopy]).findings.filter((f) => !baseline.has(f.where));
    const where = new Set(found.map((f) => f.where));
    assert.deepEqual([...where].sort(), [join('.config', 'deep', 'er', 'credentials.json'), join('.cursor', 'mcp.json.b64'), join('.daytona', 'daytona-mcp.log.3')].sort());
    assert.ok(found.some((f) => f.form.startsWith('base64')), 'base64 form detected');
    assert.ok(found.some((f) => f.form.startsWith('fragment')), 'a truncated key is detected');
    assert.ok(scanText(`x${SENTINEL_KEY}x`, 'stream').length > 0, 'the stream check detects it too');
  });
});
