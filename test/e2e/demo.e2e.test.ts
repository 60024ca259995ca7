// `npm start` is a sandbox: the real script (build, package, install, emulator, code-server) runs with HOME
// set to an empty temporary folder; in the demo editor "Daytona: Init MCP" → Cursor writes its config into
// the demo's own HOME under .cache/demo/, and afterwards that temporary HOME holds nothing but (at most)
// npm's cache. One editor: the "new" one, the only one `npm start` runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { activityBarItemSelector, launchBrowser, missingPrerequisite, pickQuickInputItem, quickInputItems, runCommand, screenshot, REPO_ROOT } from './harness';

const missing = missingPrerequisite(['new']);
if (missing && process.env.E2E_REQUIRED === '1') throw new Error(`E2E prerequisites missing: ${missing}`);
if (missing) console.log(`[e2e] skipping the npm start test: ${missing}`);

const DEMO_HOME = join(REPO_ROOT, '.cache', 'demo', 'home');
/** `npm start` builds and packages first: minutes on a busy 2-core machine. */
const START_TIMEOUT_MS = 6 * 60_000;

/** Every file and folder under `dir`, relative to it. */
function entriesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return [relative(dir, path), ...(e.isDirectory() ? entriesUnder(path).map((p) => join(e.name, p)) : [])];
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 200))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The environment of a user whose home is `home`: no XDG, Daytona or editor variables pointing elsewhere. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(XDG_|DAYTONA_|VSCODE_)/.test(k) || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  // npm_config_cache stays as given (the real npm cache when run by `npm run test:e2e`); without it, npm
  // puts its cache into the new HOME, which is the one thing allowed there.
  return { ...env, HOME: home };
}

describe('npm start keeps the demo in its own HOME', { skip: missing }, () => {
  const home = mkdtempSync(join(tmpdir(), 'demo-user-home-'));
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = '';

  after(async () => {
    await browser?.close();
    // After a failure: Ctrl-C first, so the demo stops code-server (its own process group) too.
    const pid = demo?.pid;
    if (pid !== undefined && groupAlive(pid)) {
      process.kill(-pid, 'SIGINT');
      await waitFor('npm start to stop', () => !groupAlive(pid), 20_000).catch(() => process.kill(-pid, 'SIGKILL'));
    }
    rmSync(home, { recursive: true, force: true });
  });

  test('Init MCP → Cursor writes into the demo HOME; the user HOME gets nothing but npm cache', { timeout: START_TIMEOUT_MS + 120_000 }, async () => {
    // Its own process group, so stopping it reaches npm, start.mjs and the demo alike (like Ctrl-C).
    demo = spawn('npm', ['start'], { cwd: REPO_ROOT, env: userEnv(home), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => demo!.once('exit', (code) => r(code)));
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`npm start printed no URL in ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
      const onData = (b: Buffer) => {
        output += b.toString();
        const m = /Daytona demo is running: open (http:\/\/\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      };
      demo!.stdout!.on('data', onData);
      demo!.stderr!.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        rej(new Error(`npm start exited (${code}) before it was ready:\n${output}`));
      });
    });
    assert.ok(output.includes(`The demo's HOME is ${DEMO_HOME}`), `the banner names the demo's HOME:\n${output}`);
    // The banner's CLI line reaches the demo's API (both demo profiles), run as the user would.
    const cliLine = /The CLI against the demo's API .*: (DAYTONA_CONFIG_DIR=(\S+) node dist\/cli\.js status --profile demo-key)/.exec(output);
    assert.ok(cliLine, `the banner says how to point the CLI at the demo's API:\n${output}`);
    for (const profile of ['demo-key', 'demo-login']) {
      const status: { status: number | null; stdout: string; stderr: string } = spawnSync(process.execPath, ['dist/cli.js', 'status', '--profile', profile], { cwd: REPO_ROOT, env: { ...userEnv(home), DAYTONA_CONFIG_DIR: cliLine[2]! }, encoding: 'utf8', timeout: 60_000 });
      assert.equal(status.status, 0, `${profile}: ${status.stdout}${status.stderr}`);
      assert.match(status.stdout, /API: +http:\/\/127\.0\.0\.1:\d+\/api — /, status.stdout);
    }

    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    // Generous: on a busy machine the workbench's scripts take a while (load is not awaited, the DOM is).
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The extension's activity-bar entry: the workbench has restored and the extension is known. Before
    // that, focus changes of the starting workbench can close the Command Palette.
    await page.locator(activityBarItemSelector('Daytona')).first().waitFor({ timeout: 90_000 });
    // Switch Profile… offers the demo's two profiles, not only "first found".
    await runCommand(page, 'Daytona: Switch Profile…', { timeoutMs: 60_000 });
    const profiles = await quickInputItems(page);
    for (const name of ['demo-key', 'demo-login']) assert.ok(profiles.some((p) => p.includes(name)), `${name} in ${profiles.join(' | ')}`);
    await page.keyboard.press('Escape');
    await runCommand(page, 'Daytona: Init MCP', { timeoutMs: 60_000 });
    await pickQuickInputItem(page, 'Cursor', { timeoutMs: 30_000 });
    await pickQuickInputItem(page, 'All projects', { timeoutMs: 30_000 });
    const cursorConfig = join(DEMO_HOME, '.cursor', 'mcp.json');
    const credentials = join(DEMO_HOME, '.daytona', 'mcp', 'credentials.json');
    await waitFor(`${cursorConfig} and ${credentials}`, () => existsSync(cursorConfig) && existsSync(credentials), 30_000);
    await screenshot(page, 'demo-init-mcp-cursor');
    const config = JSON.parse(readFileSync(cursorConfig, 'utf8')) as { mcpServers?: Record<string, { command?: string; args?: string[] }> };
    const entry = config.mcpServers?.daytona;
    assert.ok(entry, `a daytona server in ${cursorConfig}`);
    // The entry runs the copy of the server in the demo's ~/.daytona, not one in the user's home.
    assert.ok(entry.args?.some((a) => a.startsWith(join(DEMO_HOME, '.daytona', 'mcp'))), JSON.stringify(entry));
    assert.equal(statSync(credentials).mode & 0o777, 0o600);
    await browser.close();
    browser = undefined;

    // Stop it as Ctrl-C would, and wait until every process of the group is gone.
    const port = new URL(url).port;
    process.kill(-demo.pid!, 'SIGINT');
    await waitFor('npm start to stop', () => !groupAlive(demo!.pid!), 30_000);
    const answering = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
    assert.equal(answering, false, 'code-server stopped with the demo');

    // The user's HOME: nothing, or npm's cache (only what npm itself puts there: _cacache, _logs, …).
    const entries = entriesUnder(home);
    const foreign = entries.filter((p) => p !== '.npm' && !/^\.npm\/_[^/]+/.test(p));
    assert.deepEqual(foreign, [], `written into the user's HOME by npm start:\n${entries.join('\n')}`);
    // The demo's HOME is still there after the stop (rebuilt at the next start).
    assert.ok(existsSync(cursorConfig));
  });
});
