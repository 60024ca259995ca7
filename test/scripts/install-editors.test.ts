// scripts/e2e/install-editors.sh on a machine without apt/dpkg: it names what to install (per need, for
// several systems, or E2E_CHROMIUM) and stops before doing anything; with everything present it goes on.
// The real script runs from a temporary copy of the repo layout (so no editor counts as installed) with a
// PATH that has the machine's tools minus apt, dpkg and the ones under test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';

const HIDDEN = /^(apt|dpkg)|^(rg|make|g\+\+|c\+\+|python3|pkg-config|krb5-config|chromium.*)$/;
const BUILD_TOOLS = ['rg', 'make', 'g++', 'python3', 'pkg-config', 'krb5-config'];

/** A temp "clone" holding only the script, and a bin folder with this machine's commands minus HIDDEN. */
function sandbox(): { root: string; bin: string; script: string } {
  const root = mkdtempSync(join(tmpdir(), 'install-editors-test-'));
  const bin = join(root, 'bin');
  mkdirSync(join(root, 'scripts', 'e2e'), { recursive: true });
  mkdirSync(bin);
  const script = join(root, 'scripts', 'e2e', 'install-editors.sh');
  copyFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'e2e', 'install-editors.sh'), script);
  copyFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'e2e', 'install-env.sh'), join(root, 'scripts', 'e2e', 'install-env.sh'));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (HIDDEN.test(name) || existsSync(join(bin, name))) continue;
      try {
        if (statSync(join(dir, name)).mode & 0o111) symlinkSync(join(dir, name), join(bin, name));
      } catch {
        // a dangling link: skip
      }
    }
  }
  return { root, bin, script };
}

function fakeCommand(path: string): void {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
}

function run(script: string, bin: string, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync('bash', [script], { env: { PATH: bin, HOME: process.env.HOME ?? tmpdir(), ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('install-editors.sh without apt/dpkg', () => {
  const boxes: string[] = [];
  after(() => boxes.forEach((b) => rmSync(b, { recursive: true, force: true })));

  test('names the packages to install per need, and E2E_CHROMIUM, then stops before doing anything', () => {
    const { root, bin, script } = sandbox();
    boxes.push(root);
    const { status, out } = run(script, bin, { E2E_CHROMIUM: join(root, 'no-chromium') });
    assert.equal(status, 1, out);
    assert.match(out, /ERROR: missing chromium ripgrep (krb5 )?python3 make g\+\+ pkg-config \(there is no apt-get\/dpkg here to install them\)/, out);
    assert.match(out, /set E2E_CHROMIUM to an existing Chromium or Chrome binary \(now: .*no-chromium\)/);
    assert.match(out, /ripgrep \(rg\): Debian\/Fedora\/Arch\/openSUSE\/Alpine ripgrep/);
    assert.match(out, /g\+\+ \(node-gyp\): Debian\/Alpine g\+\+ · Fedora\/openSUSE gcc-c\+\+ · Arch gcc/);
    assert.match(out, /pkg-config: .*Fedora pkgconf-pkg-config/);
    assert.doesNotMatch(out, /command not found|No such file/, 'fails on purpose, not obscurely');
    assert.ok(!existsSync(join(root, '.cache')), 'nothing created or installed');
  });

  test('with every need met by other means it goes on (E2E_CHECK_ONLY stops it before the installs)', () => {
    const { root, bin, script } = sandbox();
    boxes.push(root);
    for (const tool of BUILD_TOOLS) fakeCommand(join(bin, tool));
    const chromium = join(root, 'chromium');
    fakeCommand(chromium);
    const { status, out } = run(script, bin, { E2E_CHROMIUM: chromium, E2E_CHECK_ONLY: '1' });
    assert.equal(status, 0, out);
    assert.match(out, /system packages: chromium ripgrep krb5 python3 make g\+\+ pkg-config needed, all present/);
    assert.match(out, /E2E_CHECK_ONLY=1: stopping before installing anything/);
  });

  test('npm start (E2E_BROWSER=0) does not need Chromium', () => {
    const { root, bin, script } = sandbox();
    boxes.push(root);
    for (const tool of BUILD_TOOLS) fakeCommand(join(bin, tool));
    const { status, out } = run(script, bin, { E2E_BROWSER: '0', E2E_ONLY: 'new', E2E_CHECK_ONLY: '1', E2E_CHROMIUM: join(root, 'no-chromium') });
    assert.equal(status, 0, out);
    assert.match(out, /system packages: ripgrep krb5 python3 make g\+\+ pkg-config needed, all present/);
  });
});
