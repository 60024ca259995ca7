import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daytonaCliConfigPath, resolveCredentials, DEFAULT_API_URL } from '../../src/core/credentials';
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
