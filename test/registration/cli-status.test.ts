/**
 * `dist/cli.js status` against the emulator, one case per way the key or API can fail: the exit code,
 * the problem and the next step on stderr, the report on stdout, and never the key (runCli checks
 * every output for the test keys). Also: the MCP server reports an invalid URL as invalid_input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { spawnServer } from '../helpers/mcp-client';
import { runCli, unreachableApiUrl } from '../helpers/run-cli';
import { assertNoSecret, OTHER_KEY, SENTINEL_KEY } from '../helpers/secrets';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
});
after(() => emu.close());

/** `status` in an empty HOME (also the working folder, so no workspace config of this repo shows). */
async function status(env: Record<string, string>, args: string[] = [], prepare?: (home: string) => void) {
  const home = mkdtempSync(join(tmpdir(), 'status-'));
  prepare?.(home);
  return runCli(home, ['status', ...args], env, home);
}

test('status with a valid key: exit 0, key accepted, nothing on stderr', async () => {
  const r = await status({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /API key:\s+DAYTONA_API_KEY environment variable/);
  assert.match(r.stdout, new RegExp(`API:\\s+${emu.url} — reachable, key accepted`));
  assert.equal(r.stderr, '');
});

test('status with no key: exit 1 and how to set one', async () => {
  const r = await status({ DAYTONA_API_URL: emu.url });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /API key:\s+none configured/);
  assert.match(r.stderr, /No Daytona API key found \(none configured\)\./);
  assert.match(r.stderr, /Next: create a key at http:\/\/127\.0\.0\.1:\d+\/dashboard\/keys, then either run "DAYTONA_API_KEY=<key> daytona-mcp init <agent>"/);
  assert.match(r.stderr, /export DAYTONA_API_KEY=<key>/);
  assert.match(r.stderr, /log in with the Daytona CLI \("daytona login"\)/);
});

test('status with a rejected key: exit 1, where the key came from and how to replace it', async () => {
  const fromEnv = await status({ DAYTONA_API_KEY: OTHER_KEY, DAYTONA_API_URL: emu.url });
  assert.equal(fromEnv.status, 1);
  assert.match(fromEnv.stderr, new RegExp(`The Daytona API at ${emu.url} rejected the API key from DAYTONA_API_KEY environment variable`));
  assert.match(fromEnv.stderr, /Next: set DAYTONA_API_KEY to a valid key/);

  const fromFile = await status({ DAYTONA_API_URL: emu.url }, [], (home) => {
    mkdirSync(join(home, '.daytona', 'mcp'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.daytona', 'mcp', 'credentials.json'), JSON.stringify({ apiKey: OTHER_KEY }), { mode: 0o600 });
  });
  assert.equal(fromFile.status, 1);
  assert.match(fromFile.stderr, /rejected the API key from credentials file .*credentials\.json/);
  assert.match(fromFile.stderr, /Next: replace the saved key: run "DAYTONA_API_KEY=<new key> daytona-mcp init <agent>" \(rewrites .*credentials\.json\)/);

  const fromCli = await status({}, [], (home) => {
    mkdirSync(join(home, '.config', 'daytona'), { recursive: true });
    const profile = { id: 'p1', name: 'work', api: { url: emu.url, key: OTHER_KEY } };
    writeFileSync(join(home, '.config', 'daytona', 'config.json'), JSON.stringify({ activeProfile: 'p1', profiles: [profile] }));
  });
  assert.equal(fromCli.status, 1);
  assert.match(fromCli.stderr, /rejected the API key from Daytona CLI profile "work"/);
  assert.match(fromCli.stderr, /Next: log in again with the Daytona CLI \("daytona login"\)/);
});

test('status with an unreachable API: exit 1, which URL was used and where it came from', async () => {
  const url = await unreachableApiUrl();
  const r = await status({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: url });
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`API:\\s+${url} — network:`));
  assert.match(r.stderr, new RegExp(`Could not reach the Daytona API at ${url} \\(from the DAYTONA_API_URL environment variable\\)`));
  assert.match(r.stderr, /Next: check that URL .* and your network or proxy/);
});

test('status with an invalid URL: exit 1, invalid_input naming DAYTONA_API_URL and a valid shape, value not echoed', async () => {
  for (const url of ['foo', 'ftp://example.com/api', SENTINEL_KEY]) {
    const r = await status({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: url });
    assert.equal(r.status, 1, url);
    assert.match(r.stdout, /API:\s+\(invalid URL from the DAYTONA_API_URL environment variable\)/);
    assert.match(r.stderr, /The Daytona API URL from the DAYTONA_API_URL environment variable is not valid: /);
    assert.match(r.stderr, /Next: Set DAYTONA_API_URL to an http\(s\) URL of the Daytona API such as https:\/\/app\.daytona\.io\/api/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /Retry once/);
  }
});

test('status with a URL that is not the API (404): exit 1 and the /api hint', async () => {
  const r = await status({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: new URL(emu.url).origin });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /answered with an error \(not_found 404\)/);
  assert.match(r.stderr, /usually ends in \/api/);
});

test('status --json carries ok, problem and next, and exits like the text form', async () => {
  const bad = await status({ DAYTONA_API_KEY: OTHER_KEY, DAYTONA_API_URL: emu.url }, ['--json']);
  assert.equal(bad.status, 1);
  const report = JSON.parse(bad.stdout) as { ok: boolean; problem: string; next: string; apiUrl: string; apiUrlFrom: string };
  assert.equal(report.ok, false);
  assert.match(report.problem, /rejected the API key/);
  assert.match(report.next, /DAYTONA_API_KEY/);
  assert.equal(report.apiUrlFrom, 'the DAYTONA_API_URL environment variable');
  const good = await status({ DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url }, ['--json']);
  assert.equal(good.status, 0);
  assert.equal((JSON.parse(good.stdout) as { ok: boolean }).ok, true);
});

test('the MCP server reports an invalid DAYTONA_API_URL as invalid_input with the fix, not "unknown: Invalid URL"', async () => {
  // A key pasted into the URL variable by mistake (the real key is another one) is never logged either.
  const server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: OTHER_KEY } });
  try {
    const result = (await server.client.callTool({ name: 'list_sandboxes', arguments: {} })) as { isError?: boolean; content: Array<{ text: string }> };
    assert.equal(result.isError, true);
    const text = result.content[0]?.text ?? '';
    assert.match(text, /^Error \[invalid_input\]: The Daytona API URL from the DAYTONA_API_URL environment variable is not valid: it is not an absolute URL\./);
    assert.match(text, /Hint: Set DAYTONA_API_URL to an http\(s\) URL/);
    const log = await server.settledLog();
    assert.match(log, /"apiUrl":"invalid \(from the DAYTONA_API_URL environment variable\)"/);
    assertNoSecret(`${text}${server.stderr()}${log}`, 'server output');
  } finally {
    await server.close();
  }
});
