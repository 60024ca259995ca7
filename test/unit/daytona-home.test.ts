import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditLogPath,
  compileCacheDir,
  credentialsFilePath,
  daytonaHome,
  httpStatePath,
  readCredentialsFile,
  removeCredentialsFile,
  stableServerPath,
  writeCredentialsFile,
} from '../../src/core/daytona-home';
import { resolveCredentials } from '../../src/core/credentials';
import { SENTINEL_KEY } from '../helpers/secrets';

test('the ~/.daytona layout, and the overrides the environment may set', () => {
  const env = { HOME: '/h' };
  assert.equal(daytonaHome(env), '/h/.daytona');
  assert.equal(daytonaHome({ USERPROFILE: '/u' }), '/u/.daytona');
  assert.equal(auditLogPath(env), '/h/.daytona/daytona-mcp.log');
  assert.equal(credentialsFilePath(env), '/h/.daytona/mcp/credentials.json');
  assert.equal(httpStatePath(env), '/h/.daytona/mcp/http.json');
  assert.equal(stableServerPath(env), '/h/.daytona/mcp/daytona-mcp.js');
  assert.equal(compileCacheDir(env), '/h/.daytona/mcp/cache');
  assert.equal(auditLogPath({ ...env, DAYTONA_MCP_LOG: '/x.log' }), '/x.log');
  assert.equal(credentialsFilePath({ ...env, DAYTONA_MCP_CREDENTIALS: '/c.json' }), '/c.json');
});

test('the credentials file init writes is the one the server reads: 0600 in a 0700 folder, removable', () => {
  const env = { HOME: mkdtempSync(join(tmpdir(), 'daytona-home-')) };
  const path = credentialsFilePath(env);
  assert.deepEqual(readCredentialsFile(path), {});
  assert.deepEqual(writeCredentialsFile({ apiKey: SENTINEL_KEY, target: 'eu' }, env), { path, changed: true });
  assert.deepEqual(writeCredentialsFile({ apiKey: SENTINEL_KEY, target: 'eu' }, env), { path, changed: false });
  if (process.platform !== 'win32') {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  }
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { apiKey: SENTINEL_KEY, target: 'eu' });
  assert.deepEqual(readCredentialsFile(path), { creds: { apiKey: SENTINEL_KEY, apiUrl: undefined, target: 'eu' } });
  const resolved = resolveCredentials({ env, cliConfigPath: join(env.HOME, 'none.json') });
  assert.equal(resolved.source, 'credentials-file');
  assert.equal(resolved.target, 'eu');
  assert.equal(removeCredentialsFile(env), true);
  assert.equal(removeCredentialsFile(env), false);
  assert.equal(resolveCredentials({ env, cliConfigPath: join(env.HOME, 'none.json') }).source, 'none');
});
