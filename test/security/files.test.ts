/**
 * Owner/mode checks for what we read under ~/.daytona/mcp: http.json used to be read with none, so
 * a planted file (another user's, or one others can write) chose the token and port agents use.
 * `status` (text and --json `warnings`) and the extension warn about folders others can write.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { runCliWithInput as runCli } from '../helpers/run-cli';
import { startHttpServer } from './helpers';
import { daytonaFolderWarnings, folderWarningNotice } from '../../src/core/file-trust';
import { otherUid, otherUserUnavailable } from './other-user';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY] });
});
after(async () => emu?.close());

function plantedHome(mode: number, owner?: number): { home: string; path: string } {
  const home = mkdtempSync(join(tmpdir(), 'daytona-sec-files-'));
  const dir = join(home, '.daytona', 'mcp');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'http.json');
  writeFileSync(path, JSON.stringify({ token: 'planted-token-known-to-attacker', port: 0, pid: null, url: 'x', startedAt: null }));
  chmodSync(path, mode);
  if (owner !== undefined) chownSync(path, owner, owner);
  return { home, path };
}

describe('security: files under ~/.daytona/mcp', () => {
  test('an http.json owned by another user is not trusted', { skip: otherUserUnavailable() }, async () => {
    const { home, path } = plantedHome(0o600, otherUid());
    const s = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    try {
      assert.notEqual(s.state.token, 'planted-token-known-to-attacker');
      assert.match(s.output(), /ignoring .*belongs to another user/);
      assert.ok(!readFileSync(path, 'utf8').includes('planted'), 'replaced by our own private file');
    } finally {
      await s.stop();
    }
  });

  test('an http.json others can read or write is not trusted', async () => {
    const { home } = plantedHome(0o666);
    const s = await startHttpServer(home, { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url });
    try {
      assert.notEqual(s.state.token, 'planted-token-known-to-attacker');
    } finally {
      await s.stop();
    }
  });

  test('status warns about a ~/.daytona others can write, in text and as --json warnings', async () => {
    const { home } = plantedHome(0o600);
    chmodSync(join(home, '.daytona'), 0o777);
    const env = { HOME: home, DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url };
    const r = await runCli(['status'], env);
    assert.match(r.stdout, /Warning: .*\.daytona is writable by other users \(mode 777\); run "chmod 700 /);
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { warnings: string[] };
    const printed = r.stdout.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
    assert.deepEqual(json.warnings, printed, 'the same warnings as the text output');
    assert.equal(json.warnings.length, 1);

    chmodSync(join(home, '.daytona'), 0o700);
    const fixed = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { warnings: string[] };
    assert.deepEqual(fixed.warnings, [], 'after the chmod fix, no warning');
  });

  test('the extension\'s notice: one message naming every unsafe folder with its fix, none when safe', () => {
    const { home } = plantedHome(0o600);
    const env = { HOME: home };
    assert.deepEqual(daytonaFolderWarnings(env, 'linux'), []);
    assert.equal(folderWarningNotice(daytonaFolderWarnings(env, 'linux')), undefined);
    chmodSync(join(home, '.daytona'), 0o775);
    chmodSync(join(home, '.daytona', 'mcp'), 0o777);
    const warnings = daytonaFolderWarnings(env, 'linux');
    assert.equal(warnings.length, 2);
    const notice = folderWarningNotice(warnings)!;
    assert.match(notice, /\.daytona is writable by other users \(mode 775\); run "chmod 700 .*\.daytona"/);
    assert.match(notice, /mcp is writable by other users \(mode 777\); run "chmod 700 .*mcp"/);
    assert.deepEqual(daytonaFolderWarnings(env, 'win32'), [], 'no POSIX modes on Windows');
  });
});
