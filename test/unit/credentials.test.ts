import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiUrlError, apiUrlProblem, daytonaCliConfigPath, resolveCredentials, DEFAULT_API_URL } from '../../src/core/credentials';
import { createGatewayProvider } from '../../src/core/gateway-provider';
import { ToolError } from '../../src/core/errors';
import { SENTINEL_KEY } from '../helpers/secrets';

function cliConfig(profiles: unknown[], active?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-cli-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ activeProfile: active, profiles }));
  return dir;
}

test('the Daytona CLI config lives in the OS config folder', () => {
  assert.equal(daytonaCliConfigPath({ HOME: '/h' }, 'linux'), '/h/.config/daytona/config.json');
  assert.equal(daytonaCliConfigPath({ HOME: '/h', XDG_CONFIG_HOME: '/x' }, 'linux'), '/x/daytona/config.json');
  assert.equal(daytonaCliConfigPath({ HOME: '/Users/a' }, 'darwin'), '/Users/a/Library/Application Support/daytona/config.json');
  assert.equal(daytonaCliConfigPath({ DAYTONA_CONFIG_DIR: '/c' }, 'linux'), '/c/config.json');
});

test('explicit (editor) key beats the environment, which beats the CLI login', () => {
  const dir = cliConfig([{ id: 'p1', name: 'work', api: { url: 'https://cli.example/api', key: 'cli-key-123456' } }], 'p1');
  const env = { DAYTONA_CONFIG_DIR: dir, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: 'http://127.0.0.1:1/api' };
  assert.equal(resolveCredentials({ env, explicit: { apiKey: 'editor-key-1234' } }).source, 'editor');
  const fromEnv = resolveCredentials({ env });
  assert.equal(fromEnv.source, 'env');
  assert.equal(fromEnv.apiUrl, 'http://127.0.0.1:1/api');
  const fromCli = resolveCredentials({ env: { DAYTONA_CONFIG_DIR: dir } });
  assert.equal(fromCli.source, 'daytona-cli');
  assert.equal(fromCli.apiKey, 'cli-key-123456');
  assert.equal(fromCli.apiUrl, 'https://cli.example/api');
  assert.match(fromCli.origin, /profile "work"/);
  assert.doesNotMatch(fromCli.origin, /cli-key/);
});

test('a CLI browser login (JWT + organisation) is usable', () => {
  const dir = cliConfig([{ id: 'p', api: { url: 'https://x/api', token: { accessToken: 'jwt-abc' } }, activeOrganizationId: 'org1' }], 'p');
  const c = resolveCredentials({ env: { DAYTONA_CONFIG_DIR: dir } });
  assert.equal(c.jwtToken, 'jwt-abc');
  assert.equal(c.organizationId, 'org1');
});

test('no credential anywhere resolves to source none with the default URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'empty-'));
  mkdirSync(join(dir, 'x'));
  const c = resolveCredentials({ env: { DAYTONA_CONFIG_DIR: dir, DAYTONA_TARGET: 'eu' } });
  assert.equal(c.source, 'none');
  assert.equal(c.apiUrl, DEFAULT_API_URL);
  assert.equal(c.target, 'eu');
});

test('a corrupt CLI config is ignored, not fatal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corrupt-'));
  writeFileSync(join(dir, 'config.json'), '{not json');
  assert.equal(resolveCredentials({ env: { DAYTONA_CONFIG_DIR: dir } }).source, 'none');
});

test('API URLs: only absolute http(s) URLs with a host and no user info are accepted', () => {
  for (const ok of [DEFAULT_API_URL, 'http://127.0.0.1:3000/api', 'https://daytona.internal/api/']) assert.equal(apiUrlProblem(ok), undefined, ok);
  assert.match(apiUrlProblem('foo') ?? '', /not an absolute URL/);
  assert.match(apiUrlProblem('app.daytona.io/api') ?? '', /not an absolute URL/);
  assert.match(apiUrlProblem('ftp://host/api') ?? '', /"ftp:", only http: and https:/);
  assert.match(apiUrlProblem('file:///etc/passwd') ?? '', /"file:"/);
  assert.match(apiUrlProblem('https://user:pw@host/api') ?? '', /user name or password/);
});

test('an invalid API URL is invalid_input naming its source and a valid shape, never the value', () => {
  const home = mkdtempSync(join(tmpdir(), 'creds-url-'));
  const cases: Array<[string, Parameters<typeof resolveCredentials>[0], RegExp, RegExp]> = [
    ['env', { env: { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: SENTINEL_KEY } }, /DAYTONA_API_URL environment variable/, /Set DAYTONA_API_URL to an http\(s\) URL.*https:\/\/app\.daytona\.io\/api/],
    ['editor', { env: { HOME: home }, explicit: { apiKey: SENTINEL_KEY, apiUrl: 'foo' } }, /editor setting "daytona\.apiUrl"/, /Set "daytona\.apiUrl" in the editor settings/],
  ];
  const file = join(home, 'credentials.json');
  writeFileSync(file, JSON.stringify({ apiKey: SENTINEL_KEY, apiUrl: 'ftp://x/api' }), { mode: 0o600 });
  cases.push(['file', { env: { HOME: home }, credentialsPath: file }, /"apiUrl" in .*credentials\.json/, /delete that file and run "daytona-mcp init <agent>"/]);
  const cli = cliConfig([{ id: 'p', name: 'work', api: { url: 'nope', key: SENTINEL_KEY } }], 'p');
  cases.push(['cli', { env: { HOME: home, DAYTONA_CONFIG_DIR: cli }, credentialsPath: join(home, 'none.json') }, /"api\.url" of the Daytona CLI profile "work"/, /daytona login/]);
  for (const [name, opts, origin, hint] of cases) {
    const err = apiUrlError(resolveCredentials(opts));
    assert.ok(err instanceof ToolError, name);
    assert.equal(err.kind, 'invalid_input', name);
    assert.match(err.message, origin, name);
    assert.match(err.hint, hint, name);
    assert.ok(!`${err.message}${err.hint}`.includes(SENTINEL_KEY), `${name}: key echoed`);
  }
  assert.equal(apiUrlError(resolveCredentials({ env: { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY } })), undefined);
});

test('the gateway provider refuses an invalid URL with that error before building a client', async () => {
  let built = 0;
  const provider = createGatewayProvider({
    resolveCredentials: () => resolveCredentials({ env: { HOME: tmpdir(), DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: 'foo' } }),
    create: async () => {
      built++;
      throw new Error('not reached');
    },
  });
  await assert.rejects(provider.get(), (e: unknown) => e instanceof ToolError && e.kind === 'invalid_input' && /DAYTONA_API_URL/.test(e.message));
  assert.equal(built, 0);
});
