/**
 * "Others" means every bit but the owner's: a credentials file or http.json the *group* can read or
 * write is refused just like a world-readable one. (The suite's other tests plant 0644/0666 files,
 * which a check that only looked at the world bits would also refuse.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credentialsFilePath, httpStatePath, readCredentialsFile } from '../../src/core/daytona-home';
import { untrustedFileProblem } from '../../src/core/file-trust';
import { readHttpState } from '../../src/registration/http-state';
import { SENTINEL_KEY } from '../helpers/secrets';

const skip = process.platform === 'win32' && 'POSIX modes';
const GROUP_OR_WORLD = [0o640, 0o660, 0o620, 0o604, 0o644, 0o606];

function planted(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, mode);
}

test('a credentials file the group or others can read is refused with the chmod fix; 0600 is read', { skip }, () => {
  for (const mode of GROUP_OR_WORLD) {
    const home = mkdtempSync(join(tmpdir(), 'daytona-modes-'));
    const path = credentialsFilePath({ HOME: home });
    planted(path, JSON.stringify({ apiKey: SENTINEL_KEY }), mode);
    const r = readCredentialsFile(path);
    assert.equal(r.creds, undefined, `mode ${mode.toString(8)}: the key is not used`);
    assert.match(r.problem ?? '', /chmod 600/, `mode ${mode.toString(8)}: says how to fix it`);
    chmodSync(path, 0o600);
    assert.equal(readCredentialsFile(path).creds?.apiKey, SENTINEL_KEY, 'once 0600, it is read');
  }
});

test('an http.json the group or others can read or write is not trusted; 0600 is', { skip }, () => {
  for (const mode of GROUP_OR_WORLD) {
    const home = mkdtempSync(join(tmpdir(), 'daytona-modes-'));
    const env = { HOME: home };
    const path = httpStatePath(env);
    planted(path, JSON.stringify({ token: 'planted-token-known-to-attacker', port: 1234, pid: 1 }), mode);
    assert.match(untrustedFileProblem(path) ?? '', /other users/, `mode ${mode.toString(8)}`);
    assert.equal(readHttpState(env), undefined, `mode ${mode.toString(8)}: the planted token is not used`);
    chmodSync(path, 0o600);
    assert.equal(readHttpState(env)?.token, 'planted-token-known-to-attacker', 'once 0600 (and ours), it is read');
  }
});
