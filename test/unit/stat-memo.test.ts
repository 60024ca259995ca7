import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveCredentials } from '../../src/core/credentials';
import { credentialsFilePath, writeCredentialsFile } from '../../src/core/daytona-home';
import { SENTINEL_KEY } from '../helpers/secrets';

// Timestamps may be as coarse as a kernel tick: a change is made at least this long after the last read.
const TICK_MS = 30;

test('the credentials file is read once while it stays as it is, however often the key is asked for', (t) => {
  const env = { HOME: mkdtempSync(join(tmpdir(), 'stat-memo-')) };
  t.after(() => rmSync(env.HOME, { recursive: true, force: true }));
  const { path } = writeCredentialsFile({ apiKey: SENTINEL_KEY }, env);
  const reads = mock.method(fs, 'readFileSync');
  t.after(() => reads.mock.restore());
  for (let i = 0; i < 50; i++) assert.equal(resolveCredentials({ env, cliConfigPath: join(env.HOME, 'none.json') }).apiKey, SENTINEL_KEY);
  const ofCredentials = reads.mock.calls.filter((c) => c.arguments[0] === path).length;
  assert.equal(ofCredentials, 1, `credentials.json read ${ofCredentials} times for 50 lookups`);
});

test('every kind of change to the credentials file counts from the next lookup', async (t) => {
  const env = { HOME: mkdtempSync(join(tmpdir(), 'stat-memo-')) };
  t.after(() => rmSync(env.HOME, { recursive: true, force: true }));
  const path = credentialsFilePath(env);
  const key = () => resolveCredentials({ env, cliConfigPath: join(env.HOME, 'none.json') });
  const other = `${SENTINEL_KEY.slice(0, -4)}zzzz`; // the same length: an in-place write of the same size

  writeCredentialsFile({ apiKey: SENTINEL_KEY }, env);
  assert.equal(key().apiKey, SENTINEL_KEY);
  await sleep(TICK_MS);
  writeFileSync(path, JSON.stringify({ apiKey: other }, null, 2) + '\n'); // in place, same inode and size
  assert.equal(key().apiKey, other, 'an in-place edit of the same size');

  await sleep(TICK_MS);
  writeCredentialsFile({ apiKey: SENTINEL_KEY }, env); // atomic replace: a new inode
  assert.equal(key().apiKey, SENTINEL_KEY, 'a replaced file');

  if (process.platform !== 'win32') {
    await sleep(TICK_MS);
    chmodSync(path, 0o644);
    const exposed = key();
    assert.equal(exposed.apiKey, undefined, 'a key others can read is not used');
    assert.match(exposed.origin, /readable by other users/);
    chmodSync(path, 0o600);
    assert.equal(key().apiKey, SENTINEL_KEY, 'private again');
  }

  rmSync(path);
  assert.equal(key().source, 'none', 'a deleted file');
});

test('the Daytona CLI login is read again once its config changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stat-memo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cliConfigPath = join(dir, 'config.json');
  const env = { HOME: dir };
  const config = (apiKey: string) => JSON.stringify({ activeProfile: 'p', profiles: [{ id: 'p', name: 'work', api: { url: 'https://app.daytona.io/api', key: apiKey } }] });
  writeFileSync(cliConfigPath, config(SENTINEL_KEY));
  assert.equal(resolveCredentials({ env, cliConfigPath }).apiKey, SENTINEL_KEY);
  await sleep(TICK_MS);
  writeFileSync(cliConfigPath, config(`${SENTINEL_KEY.slice(0, -4)}yyyy`));
  assert.equal(resolveCredentials({ env, cliConfigPath }).apiKey, `${SENTINEL_KEY.slice(0, -4)}yyyy`);
});
