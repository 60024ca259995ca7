// dist/cli.js compiles its embedded bundle with a V8 code cache for `start` (src/cli/loader.ts). These
// tests start the built server as agents do and check that the cache is written privately, used,
// replaced when V8 rejects it, ignored where others could have written it, and never changes what the
// server does; and that other verbs leave it alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cacheFilePath, writeCache } from '../../src/cli/compile-cache';
import { TOOL_NAMES } from '../../src/core/tools';
import { startEmulator } from '../emulator/emulator';

const tools = TOOL_NAMES.length;

const CLI = resolve(__dirname, '../../dist/cli.js');

/**
 * Starts `dist/cli.js start` with HOME=home as an agent host would, asks for tools/list over stdio, then
 * closes stdin. Returns how many tools it listed and the loader's cache report.
 */
async function serve(home: string, extraEnv: Record<string, string> = {}): Promise<{ tools: number; cache: string }> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DAYTONA_MCP_DEBUG_CACHE: '1', ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const listed = new Promise<number>((resolveTools, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      for (const line of stdout.split('\n')) {
        const message = line.trim() ? JSON.parse(line) : undefined;
        if (message?.id === 2) resolveTools(message.result.tools.length);
      }
    });
    child.once('exit', () => reject(new Error(`exited before tools/list; stderr: ${stderr}`)));
  });
  const send = (m: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'compile-cache-test', version: '1' } } });
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/list' });
  const tools = await listed;
  child.stdin.end();
  assert.equal(await exited, 0, stderr);
  return { tools, cache: /compile cache (\w+)/.exec(stderr)?.[1] ?? `(no report in ${JSON.stringify(stderr)})` };
}

function cacheFiles(home: string): string[] {
  const dir = join(home, '.daytona', 'mcp', 'cache');
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

test('first start writes the cache (0600 in a 0700 folder), the next one uses it; same tools', async () => {
  const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  const first = await serve(home);
  assert.deepEqual(first, { tools, cache: 'miss' });
  const [file] = cacheFiles(home);
  assert.ok(file, 'cache file written');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
  assert.ok(statSync(file).size > 100_000, 'holds the compiled bundle');
  assert.deepEqual(await serve(home), { tools, cache: 'hit' });
  assert.equal(cacheFiles(home).length, 1, 'no temp files left behind');
});

test('data V8 rejects is replaced, and the server still works', async () => {
  const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  await serve(home);
  const [file] = cacheFiles(home);
  writeFileSync(file!, Buffer.alloc(4096, 7), { mode: 0o600 });
  assert.deepEqual(await serve(home), { tools, cache: 'rejected' });
  assert.ok(statSync(file!).size > 100_000, 'rewritten');
  assert.deepEqual(await serve(home), { tools, cache: 'hit' });
});

test('a cache folder others can write to is not trusted (neither read nor written)', async (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  await serve(home);
  const [file] = cacheFiles(home);
  chmodSync(join(file!, '..'), 0o777);
  const before = statSync(file!).mtimeMs;
  assert.deepEqual(await serve(home), { tools, cache: 'untrusted' });
  assert.equal(statSync(file!).mtimeMs, before, 'left alone');
  chmodSync(join(file!, '..'), 0o700);
  chmodSync(file!, 0o666);
  assert.deepEqual(await serve(home), { tools, cache: 'untrusted' });
});

test('DAYTONA_MCP_CACHE_DIR=off compiles as usual and writes nothing; another folder is honoured', async () => {
  const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  assert.deepEqual(await serve(home, { DAYTONA_MCP_CACHE_DIR: 'off' }), { tools, cache: 'off' });
  assert.deepEqual(cacheFiles(home), []);
  const elsewhere = join(home, 'elsewhere');
  assert.deepEqual(await serve(home, { DAYTONA_MCP_CACHE_DIR: elsewhere }), { tools, cache: 'miss' });
  assert.equal(readdirSync(elsewhere).length, 1);
  assert.deepEqual(await serve(home, { DAYTONA_MCP_CACHE_DIR: elsewhere }), { tools, cache: 'hit' });
});

test('other verbs neither read nor write the cache', () => {
  const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  const out = execFileSync(process.execPath, [CLI, 'version'], { env: { PATH: process.env.PATH, HOME: home, DAYTONA_MCP_DEBUG_CACHE: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(out.trim(), '0.1.0');
  assert.deepEqual(cacheFiles(home), []);
});

test('cache files are per bundle and per runtime; writeCache refuses a folder others can write to', (t) => {
  const a = cacheFilePath('aaaa', { HOME: '/home/u' });
  assert.match(a!, /^\/home\/u\/\.daytona\/mcp\/cache\/cli-aaaa-node[\w.-]+\.bin$/);
  assert.notEqual(cacheFilePath('bbbb', { HOME: '/home/u' }), a);
  assert.equal(cacheFilePath('aaaa', { HOME: '/home/u', DAYTONA_MCP_CACHE_DIR: 'off' }), undefined);
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  const open = mkdtempSync(join(tmpdir(), 'compile-cache-open-'));
  chmodSync(open, 0o777);
  assert.equal(writeCache(join(open, 'x.bin'), Buffer.from('data')), false);
  assert.equal(existsSync(join(open, 'x.bin')), false);
});

/**
 * Starts the server against `api`, lists sandboxes through one tools/call (the SDK is loaded for it),
 * then closes stdin. Returns the names listed and the SDK's cache report.
 */
async function listThrough(home: string, api: { url: string; apiKey: string }, extraEnv: Record<string, string> = {}): Promise<{ names: string[]; sdkCache: string }> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DAYTONA_MCP_DEBUG_CACHE: '1', DAYTONA_API_KEY: api.apiKey, DAYTONA_API_URL: api.url, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const answered = new Promise<{ structuredContent?: { sandboxes: Array<{ name: string }> }; isError?: boolean }>((resolveCall, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      for (const line of stdout.split('\n')) {
        const message = line.trim() ? JSON.parse(line) : undefined;
        if (message?.id === 3) resolveCall(message.result);
      }
    });
    child.once('exit', () => reject(new Error(`exited before the call was answered; stderr: ${stderr}`)));
  });
  const send = (m: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'compile-cache-test', version: '1' } } });
  send({ method: 'notifications/initialized' });
  send({ id: 3, method: 'tools/call', params: { name: 'list_sandboxes', arguments: {} } });
  const result = await answered;
  assert.ok(!result.isError, JSON.stringify(result));
  child.stdin.end();
  assert.equal(await exited, 0, stderr);
  return { names: (result.structuredContent?.sandboxes ?? []).map((x) => x.name).sort(), sdkCache: /SDK code cache (\w+)/.exec(stderr)?.[1] ?? `(no report in ${JSON.stringify(stderr)})` };
}

test('the SDK the server embeds is compiled from its own cache after the first start that called the API', async () => {
  const emu = await startEmulator({ seed: [{ name: 'cached-a' }, { name: 'cached-b' }] });
  try {
    const home = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    const expected = ['cached-a', 'cached-b'];
    assert.deepEqual(await listThrough(home, emu), { names: expected, sdkCache: 'miss' });
    const sdkFile = cacheFiles(home).find((f) => /\/sdk-[0-9a-f]{16}-node/.test(f));
    assert.ok(sdkFile, `an SDK cache file beside the bundle's: ${cacheFiles(home).join(', ')}`);
    assert.equal(statSync(sdkFile).mode & 0o777, 0o600);
    assert.ok(statSync(sdkFile).size > 100_000, 'holds the compiled SDK');
    assert.deepEqual(await listThrough(home, emu), { names: expected, sdkCache: 'hit' });
    // Data V8 rejects is replaced; a folder others can write to is neither read nor written.
    writeFileSync(sdkFile, Buffer.alloc(4096, 7), { mode: 0o600 });
    assert.deepEqual(await listThrough(home, emu), { names: expected, sdkCache: 'rejected' });
    assert.ok(statSync(sdkFile).size > 100_000, 'rewritten');
    if (process.platform !== 'win32') {
      chmodSync(join(sdkFile, '..'), 0o777);
      const before = statSync(sdkFile).mtimeMs;
      assert.deepEqual(await listThrough(home, emu), { names: expected, sdkCache: 'untrusted' });
      assert.equal(statSync(sdkFile).mtimeMs, before, 'left alone');
      chmodSync(join(sdkFile, '..'), 0o700);
    }
    assert.deepEqual(await listThrough(home, emu), { names: expected, sdkCache: 'hit' });
    // Caching off: compiled as usual, nothing written.
    const off = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    assert.deepEqual(await listThrough(off, emu, { DAYTONA_MCP_CACHE_DIR: 'off' }), { names: expected, sdkCache: 'off' });
    assert.deepEqual(cacheFiles(off), []);
  } finally {
    await emu.close();
  }
});
