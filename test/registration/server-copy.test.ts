/**
 * The stable copy init keeps at ~/.daytona/mcp: the loader and the bundle it reads beside it
 * (src/cli/loader.ts, src/registration/install.ts). The copy runs; an unchanged build is not copied
 * again; a new build replaces both, and earlier bundles go once they are old enough.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installServerCopy } from '../../src/registration/install';
import { RegistrationError } from '../../src/registration/errors';
import { CLI } from '../helpers/mcp-client';

const mcpFolder = (home: string) => join(home, '.daytona', 'mcp');

test('the built CLI: init copies the loader and its bundle, and the copy runs', () => {
  const home = mkdtempSync(join(tmpdir(), 'server-copy-'));
  const first = installServerCopy(CLI, { HOME: home });
  assert.equal(first.path, join(mcpFolder(home), 'daytona-mcp.js'));
  assert.equal(first.changed, true);
  const files = readdirSync(mcpFolder(home)).sort();
  assert.equal(files.length, 2, files.join(', '));
  assert.match(files[0]!, /^daytona-mcp\.bundle-[0-9a-f]{16}\.js$/);
  const version = execFileSync(process.execPath, [first.path, 'version'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(installServerCopy(CLI, { HOME: home }).changed, false, 'the same build is not copied again');
});

/** A fake build: a loader naming its bundle, in a folder of its own. */
function build(dir: string, hash: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cli.js'), `// loader\nconst suffix = ".bundle-${hash}.js";\n`);
  writeFileSync(join(dir, `cli.bundle-${hash}.js`), body);
  return join(dir, 'cli.js');
}

test('a new build replaces both; bundles of earlier builds go once older than a minute; a link to the loader is followed', () => {
  const home = mkdtempSync(join(tmpdir(), 'server-copy-'));
  const root = mkdtempSync(join(tmpdir(), 'server-build-'));
  const [a, b, c] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'];
  installServerCopy(build(join(root, 'a'), a, 'A'), { HOME: home });
  // An old bundle of an earlier build, as left by an install long ago.
  utimesSync(join(mcpFolder(home), `daytona-mcp.bundle-${a}.js`), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
  const second = installServerCopy(build(join(root, 'b'), b, 'B'), { HOME: home });
  assert.equal(second.changed, true);
  assert.deepEqual(readdirSync(mcpFolder(home)).sort(), ['daytona-mcp.bundle-bbbbbbbbbbbbbbbb.js', 'daytona-mcp.js']);
  assert.match(readFileSync(second.path, 'utf8'), new RegExp(b));

  // Run through a link (npx's node_modules/.bin): the bundle is found beside the linked file. The bundle
  // just replaced is younger than a minute: a server starting this instant may still read it, so it stays.
  const link = join(root, 'bin-link');
  symlinkSync(build(join(root, 'c'), c, 'C'), link);
  installServerCopy(link, { HOME: home });
  assert.deepEqual(readdirSync(mcpFolder(home)).sort(), ['daytona-mcp.bundle-bbbbbbbbbbbbbbbb.js', 'daytona-mcp.bundle-cccccccccccccccc.js', 'daytona-mcp.js']);
  assert.equal(readFileSync(join(mcpFolder(home), `daytona-mcp.bundle-${c}.js`), 'utf8'), 'C');
});

test('a loader whose bundle is missing: refused with the path, nothing copied', () => {
  const home = mkdtempSync(join(tmpdir(), 'server-copy-'));
  const dir = mkdtempSync(join(tmpdir(), 'server-build-'));
  writeFileSync(join(dir, 'cli.js'), 'const suffix = ".bundle-dddddddddddddddd.js";\n');
  assert.throws(() => installServerCopy(join(dir, 'cli.js'), { HOME: home }), (e: RegistrationError) => {
    assert.match(e.message, /cli\.bundle-dddddddddddddddd\.js is missing/);
    return true;
  });
  assert.equal(existsSync(join(mcpFolder(home), 'daytona-mcp.js')), false);
});

test('the loader says which file is missing when its bundle is gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-copy-run-'));
  const copy = join(dir, 'daytona-mcp.js');
  writeFileSync(copy, readFileSync(CLI));
  let stderr = '';
  try {
    execFileSync(process.execPath, [copy, 'version'], { encoding: 'utf8', stdio: 'pipe' });
    assert.fail('it ran without its bundle');
  } catch (err) {
    stderr = String((err as { stderr?: string }).stderr);
    assert.equal((err as { status?: number }).status, 1);
  }
  assert.match(stderr, /daytona-mcp: cannot read .*daytona-mcp\.bundle-[0-9a-f]{16}\.js \(ENOENT\), which daytona-mcp\.js needs beside it/);
});
