// Real-editor end-to-end harness: runs the extension in code-server (real VS Code in a browser) driven by
// Debian's Chromium through playwright-core. Everything comes from npm + apt; see test/e2e/README.md and
// scripts/e2e/install-editors.sh (which installs the editors into .cache/editors/).
//
//   const server = await startCodeServer({ version: 'new', vsixPath, env: { DAYTONA_API_URL: … } });
//   const { page, close } = await openWorkbench(server);
//   await openActivityBarContainer(page, 'Daytona');
//   console.log(await treeRows(page, 'Sandboxes'));
//   await runCommand(page, 'Daytona: Set API Key');
//   await close(); await server.close();
//
// Extension-host tests (mocha inside the real extension host): runExtensionHostTests(server, { testsPath }).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

// ------------------------------------------------------------------------------------------------
// Paths and the editors manifest written by scripts/e2e/install-editors.sh
// ------------------------------------------------------------------------------------------------

/** Repository root (this file is test/e2e/harness.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where install-editors.sh puts code-server installs and editors.json. */
export const EDITORS_DIR = join(REPO_ROOT, '.cache', 'editors');
/** Fallback install of playwright-core and mocha (when they are not project devDependencies yet). */
export const TOOLS_DIR = join(REPO_ROOT, '.cache', 'e2e-tools');
/** Screenshots land here (gitignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');
/** Chromium binary (Debian's); override with E2E_CHROMIUM. */
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** 'old' = code-server 4.100.3 / VS Code 1.100 (no MCP provider API); 'new' = code-server 4.139.x / VS Code 1.139. */
export type EditorVersion = 'old' | 'new';

export interface EditorInfo {
  codeServerVersion: string;
  vscodeVersion: string;
  /** Absolute path of code-server's out/node/entry.js. */
  entry: string;
  /** Absolute path of the node binary that runs it. */
  node: string;
}

/** Reads .cache/editors/editors.json; `undefined` when that editor is not installed (or broken). */
export function editorInfo(version: EditorVersion): EditorInfo | undefined {
  let manifest: Record<string, { codeServerVersion: string; vscodeVersion: string; entry: string; node: string } | undefined>;
  try {
    manifest = JSON.parse(readFileSync(join(EDITORS_DIR, 'editors.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const raw = manifest[version];
  if (!raw) return undefined;
  const info: EditorInfo = {
    codeServerVersion: raw.codeServerVersion,
    vscodeVersion: raw.vscodeVersion,
    entry: resolve(EDITORS_DIR, raw.entry),
    node: resolve(EDITORS_DIR, raw.node),
  };
  return existsSync(info.entry) && existsSync(info.node) ? info : undefined;
}

/**
 * Why the e2e suite cannot run here, or `undefined` if it can: editors, Chromium and playwright-core
 * must all be installed (`bash scripts/e2e/install-editors.sh`).
 */
export function missingPrerequisite(versions: EditorVersion[] = ['old', 'new']): string | undefined {
  const hint = 'run `bash scripts/e2e/install-editors.sh`';
  for (const v of versions) if (!editorInfo(v)) return `code-server (${v}) is not installed in ${EDITORS_DIR}: ${hint}`;
  if (!existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM}: ${hint}`;
  if (!resolveFromProjectOrTools('playwright-core')) return `playwright-core is not installed: ${hint} or add it as a devDependency`;
  return undefined;
}

/** Resolves a package from the project's node_modules first, then from .cache/e2e-tools. */
function resolveFromProjectOrTools(pkg: string): string | undefined {
  for (const base of [REPO_ROOT, TOOLS_DIR]) {
    try {
      return createRequire(join(base, 'package.json')).resolve(pkg);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function loadPlaywright(): typeof import('playwright-core') {
  const path = resolveFromProjectOrTools('playwright-core');
  if (!path) throw new Error('playwright-core not found: add it as a devDependency or run scripts/e2e/install-editors.sh');
  return createRequire(import.meta.url)(path) as typeof import('playwright-core');
}

// ------------------------------------------------------------------------------------------------
// Small utilities
// ------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints harness diagnostics when E2E_DEBUG=1. */
function debug(message: string): void {
  if (process.env.E2E_DEBUG === '1') console.log(`[e2e:debug] ${message}`);
}

/** A free TCP port on 127.0.0.1 (released right before code-server binds it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Environment for child processes: ours minus variables that would make code-server misbehave. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // VSCODE_* (e.g. VSCODE_IPC_HOOK_CLI inside a VS Code terminal) makes code-server talk to another
    // instance; NODE_OPTIONS / NODE_TEST_CONTEXT would leak tsx and node:test into the server.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Process groups still alive; killed on exit (or Ctrl+C) so a crashed test never leaves a server behind. */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveGroups.clear();
}
process.on('exit', killLiveGroups);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The servers run in their own process groups, so a terminal's Ctrl+C does not reach them: kill them,
  // then die of the same signal as we would have without this handler.
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// ------------------------------------------------------------------------------------------------
// code-server
// ------------------------------------------------------------------------------------------------

/** Settings written to the fresh profile: a quiet, offline, trusted workbench. `userSettings` overrides them. */
export const DEFAULT_USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

export interface StartCodeServerOptions {
  version: EditorVersion;
  /** .vsix file(s) installed into the fresh extensions dir before the server starts. */
  vsixPath?: string | string[];
  /** Extension folder loaded as "under development" (passed via the workbench URL payload, not installed). */
  extensionDevelopmentPath?: string;
  /** Merged over DEFAULT_USER_SETTINGS into <user-data>/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Folder opened by default; a fresh empty temp folder when omitted. */
  workspaceDir?: string;
  /** Default true: start with --disable-workspace-trust. False keeps Restricted Mode for untrusted-workspace tests. */
  trustWorkspace?: boolean;
  /** Extra code-server arguments. */
  extraArgs?: string[];
  /** How long to wait for /healthz (default 60 s). */
  startTimeoutMs?: number;
  /** Keep the temp dirs after close() (also E2E_KEEP=1), for debugging. */
  keepTempDirs?: boolean;
  /**
   * Put user-data, extensions and config.yaml in this folder instead of a fresh temp folder (the demo
   * keeps them in the clone). close() leaves it in place.
   */
  stateDir?: string;
}

export interface CodeServer {
  version: EditorVersion;
  info: EditorInfo;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** code-server/VS Code logs (<user-data>/logs) plus server.log with the server's stdout/stderr. */
  logsDir: string;
  workspaceDir: string;
  extensionDevelopmentPath?: string;
  /** Root of all temp dirs of this server (removed by close()). */
  tempRoot: string;
  /** stdout+stderr of the server so far. */
  serverLog(): string;
  /** Workbench URL for a folder, with an optional `payload` (list of [key, value] pairs). */
  workbenchUrl(opts?: { folder?: string; payload?: [string, string][] }): string;
  /**
   * Authority of the workbench's vscode-remote:// URIs: 127.0.0.1:PORT (the page's location.host, which
   * the browser workbench puts in place of the "remote" written in its HTML configuration).
   */
  remoteAuthority: string;
  /** vscode-remote://<authority><absolute path>, for payload entries. */
  remoteUri(path: string): string;
  /** Kills the whole process group and removes the temp dirs. Safe to call twice. */
  close(): Promise<void>;
}

/** Runs code-server's CLI (e.g. --install-extension) synchronously with the editor's node. */
function codeServerCli(info: EditorInfo, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(info.node, [info.entry, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (${r.status ?? r.signal}):\n${out}`);
  return out;
}

/**
 * Starts code-server with a fresh profile on a free 127.0.0.1 port and waits until it answers HTTP.
 * Installs `vsixPath` first. The server runs in its own process group; close() kills all of it.
 */
export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServer> {
  const info = editorInfo(opts.version);
  if (!info) throw new Error(`code-server (${opts.version}) is not installed: run bash scripts/e2e/install-editors.sh`);
  const tempRoot = opts.stateDir ?? (await mkdtemp(join(tmpdir(), `e2e-code-server-${opts.version}-`)));
  const userDataDir = join(tempRoot, 'user-data');
  const extensionsDir = join(tempRoot, 'extensions');
  const logsDir = join(userDataDir, 'logs');
  const workspaceDir = opts.workspaceDir ?? join(tempRoot, 'workspace');
  for (const d of [join(userDataDir, 'User'), extensionsDir, logsDir, workspaceDir]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...opts.userSettings }, null, 2),
  );
  // An explicit config file keeps code-server away from ~/.config/code-server.
  const configFile = join(tempRoot, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const env = childEnv(opts.env);
  const keep = opts.stateDir !== undefined || (opts.keepTempDirs ?? process.env.E2E_KEEP === '1');
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  let child: ChildProcess | undefined;
  let closed = false;
  let log = '';
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child?.once('exit', () => r()));
      killGroup(child, 'SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      killGroup(child, 'SIGKILL');
    }
    if (child?.pid !== undefined) liveGroups.delete(child.pid);
    if (keep && !opts.stateDir) console.log(`[e2e] kept ${tempRoot}`);
    else if (!keep) rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    for (const vsix of ([] as string[]).concat(opts.vsixPath ?? [])) {
      codeServerCli(info, [...common, '--force', '--install-extension', resolve(vsix)], env);
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [
      info.entry,
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(opts.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
      ...(opts.extraArgs ?? []),
      workspaceDir,
    ];
    const serverLogFile = createWriteStream(join(logsDir, 'server.log'));
    child = spawn(info.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const onData = (b: Buffer) => {
      log += b.toString();
      serverLogFile.write(b);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => serverLogFile.end());

    // Wait for HTTP readiness (or an early exit).
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}):\n${log}`);
      }
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} in time:\n${log}`);
      await sleep(150);
    }

    return {
      version: opts.version,
      info,
      url,
      port,
      userDataDir,
      extensionsDir,
      logsDir,
      workspaceDir,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      tempRoot,
      serverLog: () => log,
      workbenchUrl({ folder, payload } = {}) {
        const q = new URLSearchParams({ folder: folder ?? workspaceDir });
        if (payload?.length) q.set('payload', JSON.stringify(payload));
        return `${url}/?${q.toString()}`;
      },
      remoteAuthority: `127.0.0.1:${port}`,
      remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// ------------------------------------------------------------------------------------------------
// The workbench in Chromium
// ------------------------------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface OpenWorkbenchOptions {
  /** Folder to open (default: the server's workspace). */
  folder?: string;
  /** Load this extension folder "under development" in this window (default: the server's option). */
  extensionDevelopmentPath?: string;
  /** Extra workbench URL payload pairs (e.g. ["extensionTestsPath", vscode-remote URI]). */
  payload?: [string, string][];
  /**
   * Run this window with the smoke-test driver (see enableSmokeTestDriver). Default: on when the payload
   * has extensionDevelopmentPath/extensionTestsPath, which VS Code 1.139 ignores otherwise.
   */
  smokeTestDriver?: boolean;
  /** Called before navigation (e.g. to exposeFunction). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Default 1400x900. */
  viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel (default 1); 1.5 for pictures the walkthrough shows at 1.5× density. */
  deviceScaleFactor?: number;
  /** How long to wait for .monaco-workbench (default 60 s). */
  timeoutMs?: number;
  /** Set E2E_HEADED=1 (with a display) to watch. */
  headless?: boolean;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every browser console line so far ("[type] text"); extension-host console output shows up here too. */
  consoleLines: string[];
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless via playwright-core. */
export async function launchBrowser(headless = process.env.E2E_HEADED !== '1'): Promise<Browser> {
  const { chromium } = loadPlaywright();
  return chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
}

/** Pages whose workbench runs with the smoke-test driver (their notifications are read from the center). */
const smokeDriverPages = new WeakSet<Page>();

/**
 * Makes the workbench in `page` run with `developmentOptions.enableSmokeTestDriver`, by patching how the
 * workbench reads its configuration (`getAttribute('data-settings')` of #vscode-workbench-web-configuration,
 * same in 1.100 and 1.139) in an init script that runs before the page's own scripts.
 *
 * Why: a built VS Code 1.139 honours the URL `payload` (extensionDevelopmentPath, extensionTestsPath) only
 * when the smoke-test driver is on (1.100 always does). The server-wide switch (`code-server
 * --vscode-option enable-smoke-test-driver`, 4.139 only) would turn notification toasts off in every
 * window (NotificationsToasts.addToast skips toasts under the driver), so it is enabled per window; in such
 * windows waitForNotification reads the notification center. (Rewriting the HTML with page.route does not
 * work: Chromium's Local Network Access checks then block the workbench's WebSocket to 127.0.0.1.)
 */
export async function enableSmokeTestDriver(page: Page): Promise<void> {
  // A string, not a function: tsx/esbuild may wrap functions with a __name() helper the page lacks.
  await page.addInitScript({
    content: `(() => {
      const getAttribute = Element.prototype.getAttribute;
      Element.prototype.getAttribute = function (name) {
        const value = getAttribute.call(this, name);
        if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value) return value;
        try {
          const config = JSON.parse(value);
          config.developmentOptions = Object.assign({}, config.developmentOptions, { enableSmokeTestDriver: true });
          return JSON.stringify(config);
        } catch (e) {
          return value;
        }
      };
    })();`,
  });
  smokeDriverPages.add(page);
}

/** Opens the workbench for `folder` and waits until it has rendered (.monaco-workbench plus the activity bar). */
export async function openWorkbench(server: CodeServer, opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const browser = await launchBrowser(opts.headless);
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 }, deviceScaleFactor: opts.deviceScaleFactor });
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await opts.beforeLoad?.(page);
    const payload: [string, string][] = [...(opts.payload ?? [])];
    const devPath = opts.extensionDevelopmentPath ?? server.extensionDevelopmentPath;
    if (devPath && !payload.some(([k]) => k === 'extensionDevelopmentPath')) {
      payload.unshift(['extensionDevelopmentPath', server.remoteUri(devPath)]);
    }
    const devPayload = payload.some(([k]) => k === 'extensionDevelopmentPath' || k === 'extensionTestsPath');
    if (opts.smokeTestDriver ?? devPayload) await enableSmokeTestDriver(page);
    const timeout = opts.timeoutMs ?? 60_000;
    // Not the 30 s default: on a busy machine the page's load event alone can take longer.
    await page.goto(server.workbenchUrl({ folder: opts.folder, payload }), { timeout });
    await page.locator('.monaco-workbench').waitFor({ timeout });
    await page.locator('.part.activitybar, .part.sidebar').first().waitFor({ timeout });
    return { browser, context, page, consoleLines, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

// ------------------------------------------------------------------------------------------------
// UI helpers (selectors verified on VS Code 1.100.3 and 1.139 — see README)
// ------------------------------------------------------------------------------------------------

export const SELECTORS = {
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  notificationToast: '.notifications-toasts .notification-toast',
  /** A notification either as a toast or in the open notification center. */
  notificationItem: '.notifications-toasts .notification-list-item, .notifications-center .notification-list-item',
  notificationsCenter: '.notifications-center.visible',
  notificationsBell: '[id="status.notifications"] a.statusbar-item-label',
  notificationMessage: '.notification-list-item-message',
  notificationButton: '.notification-list-item-buttons-container .monaco-button',
  activityBarItem: '.part.activitybar .action-item',
  sidebar: '.part.sidebar',
  paneHeader: '.pane-header',
  listRow: '.monaco-list-row',
  contextMenu: '.context-view .monaco-menu',
  contextMenuItem: '.context-view .monaco-menu .action-item',
} as const;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Clicks `target` until `done()` holds, and judges success by that state alone. Under load the renderer
 * can be busy running the click's own effect (opening a walkthrough, an editor) for longer than Playwright
 * waits for the mouse events to be acknowledged: Playwright then reports a timeout for a click that
 * landed. So a failed click is not a failure; it is repeated only while its effect has not appeared.
 */
export async function clickUntil(
  target: Locator,
  done: () => Promise<boolean>,
  opts: {
    what: string;
    attempts?: number;
    settleMs?: number;
    clickTimeoutMs?: number;
    /** Extra click options, e.g. `{ button: 'right' }` or `{ modifiers: ['Control'] }`. */
    click?: { button?: 'left' | 'right'; modifiers?: ('Control' | 'Shift' | 'Alt' | 'Meta')[] };
    beforeClick?: () => Promise<void>;
  },
): Promise<void> {
  const attempts = opts.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1 && (await done())) return;
    await opts.beforeClick?.();
    await target.click({ ...opts.click, timeout: opts.clickTimeoutMs ?? 10_000, noWaitAfter: true }).catch((err: unknown) => {
      lastError = err;
      debug(`clickUntil(${opts.what}): click ${attempt} not confirmed (${(err as Error).message.split('\n')[0]}), judging by state`);
    });
    if (await pollUntil(done, opts.settleMs ?? 10_000)) return;
  }
  throw new Error(`${opts.what}: no effect after ${attempts} clicks${lastError ? ` (last: ${(lastError as Error).message.split('\n')[0]})` : ''}`);
}

/** Polls `cond` every 100 ms for up to `timeoutMs`; true as soon as it holds. */
async function pollUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; ; await sleep(100)) {
    if (await cond().catch(() => false)) return true;
    if (Date.now() > end) return false;
  }
}

/** Opens the quick input as the Command Palette (F1) and returns its input box. */
async function openCommandPalette(page: Page): Promise<Locator> {
  const input = page.locator(SELECTORS.quickInputBox);
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      return input;
    } catch {
      // The workbench may not have focus yet: click an empty spot of the status bar and retry.
      await page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    }
  }
  throw new Error('the Command Palette did not open');
}

/**
 * Runs a command by its palette title ("Category: Title") via F1: types it, waits for the row whose label
 * is exactly `title` and clicks it. Retries (reopening the palette) until `timeoutMs`, because right after
 * the workbench loads, the extension's commands may not be registered yet ("No matching commands").
 */
export async function runCommand(page: Page, title: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const exact = new RegExp(`^\\s*${escapeRegex(title)}\\s*$`);
  for (;;) {
    const input = await openCommandPalette(page);
    // A focus change right after opening (e.g. an editor re-rendering) can close the palette again.
    const filled = await input.fill(`>${title}`, { timeout: 3000 }).then(() => true, () => false);
    if (!filled) {
      debug(`runCommand("${title}"): the palette closed before it could be typed into, retrying`);
      if (Date.now() > deadline) throw new Error(`the Command Palette kept closing before "${title}" could be typed`);
      await page.keyboard.press('Escape');
      await sleep(300);
      continue;
    }
    const row = page.locator(SELECTORS.quickInputRow).filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 2000 });
    } catch {
      const shown = await quickInputItems(page).catch(() => []);
      debug(`runCommand("${title}"): not listed yet (rows: ${JSON.stringify(shown)}), retrying`);
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`command "${title}" not in the Command Palette (rows: ${JSON.stringify(shown)})`);
      await sleep(500);
      continue;
    }
    // A click Playwright cannot confirm may still have landed (see clickUntil): the loop below decides.
    await row.click({ timeout: 10_000, noWaitAfter: true }).catch(() => debug(`runCommand("${title}"): click not confirmed`));
    // Done when the palette closed, or was replaced by the command's own quick input (input box/pick).
    const widget = page.locator(SELECTORS.quickInput);
    for (const end = Date.now() + 5000; Date.now() < end; await sleep(50)) {
      if (!(await widget.isVisible())) break;
      if ((await input.inputValue().catch(() => '')) !== `>${title}`) break;
    }
    return;
  }
}

/** Types into the open quick input (input box or quick pick) and, by default, presses Enter. */
export async function typeInQuickInput(page: Page, text: string, opts: { submit?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const input = page.locator(SELECTORS.quickInputBox);
  await input.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
  await input.fill(text);
  // Judged by the caller's next state check, like a click (see clickUntil).
  if (opts.submit ?? true) await input.press('Enter', { timeout: 10_000, noWaitAfter: true }).catch(() => debug('typeInQuickInput: Enter not confirmed'));
}

/** Labels of the visible rows of the open quick pick. */
export async function quickInputItems(page: Page): Promise<string[]> {
  await page.locator(SELECTORS.quickInput).waitFor({ state: 'visible', timeout: 5000 });
  return (await page.locator(`${SELECTORS.quickInputRow} .label-name`).allInnerTexts()).map((s) => s.trim());
}

/** Picks the row labelled `label` of the open single-select quick pick; done when that row is gone. */
export async function pickQuickInputItem(page: Page, label: string | RegExp, opts: { timeoutMs?: number } = {}): Promise<void> {
  const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegex(label)}\\s*$`) : label;
  const row = page.locator(SELECTORS.quickInputRow).filter({ has: page.locator('.label-name', { hasText: re }) }).first();
  await row.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
  await clickUntil(row, async () => !(await row.isVisible()), { what: `quick pick "${label}"`, settleMs: 15_000 });
}

/**
 * Parks the mouse over the middle of the editor area, so that no hover tooltip (e.g. the bell's, which
 * overlaps the notification center) intercepts the next click.
 */
export async function moveMouseAway(page: Page): Promise<void> {
  const box = await page.locator('.part.editor').boundingBox().catch(() => null);
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(box ? box.x + box.width / 2 : size.width / 2, box ? box.y + box.height / 2 : size.height / 2);
}

/** Opens the notification center (bell in the status bar) unless it is already showing. */
export async function showNotificationsCenter(page: Page): Promise<void> {
  const center = page.locator(SELECTORS.notificationsCenter);
  if (await center.isVisible()) return;
  // Toggling is synchronous once the click is handled, so a second click only follows one that missed.
  await clickUntil(page.locator(SELECTORS.notificationsBell), () => center.isVisible(), {
    what: 'notification centre (show)',
    settleMs: 5000,
  });
  await moveMouseAway(page);
}

/** The notification (toast, or item of the open notification center) containing `text`. */
function notificationLocator(page: Page, text: string | RegExp): Locator {
  return page.locator(SELECTORS.notificationItem).filter({ hasText: text }).first();
}

/**
 * Waits for a notification containing `text` and returns its full message text. Normally a toast; in a
 * smoke-test-driver window (no toasts, see enableSmokeTestDriver) the notification center is opened and
 * searched instead.
 */
export async function waitForNotification(page: Page, text: string | RegExp, opts: { timeoutMs?: number } = {}): Promise<string> {
  if (smokeDriverPages.has(page)) await showNotificationsCenter(page);
  const item = notificationLocator(page, text);
  await item.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
  // Let a toast finish fading in (nicer screenshots); centre items have no such class, hence best effort.
  await page
    .locator(`${SELECTORS.notificationToast}.notification-fade-in-done`)
    .filter({ hasText: text })
    .first()
    .waitFor({ state: 'visible', timeout: 1000 })
    .catch(() => undefined);
  return (await item.locator(SELECTORS.notificationMessage).first().innerText()).trim();
}

/** Clicks a button (by label) of a notification; optionally of the one containing `notification`. */
export async function clickNotificationButton(
  page: Page,
  label: string,
  opts: { notification?: string | RegExp; timeoutMs?: number } = {},
): Promise<void> {
  if (smokeDriverPages.has(page)) {
    await showNotificationsCenter(page);
    await moveMouseAway(page);
  }
  let items = page.locator(SELECTORS.notificationItem);
  if (opts.notification) items = items.filter({ hasText: opts.notification });
  const button = items.locator(SELECTORS.notificationButton).filter({ hasText: new RegExp(`^\\s*${escapeRegex(label)}\\s*$`) }).first();
  await button.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
  // A notification closes when one of its buttons runs.
  await clickUntil(button, async () => !(await button.isVisible()), { what: `notification button "${label}"` });
}

/** Closes the notification center if it is showing (toasts are not shown while it is open). */
export async function hideNotificationsCenter(page: Page): Promise<void> {
  const center = page.locator(SELECTORS.notificationsCenter);
  if (!(await center.isVisible())) return;
  await clickUntil(page.locator(SELECTORS.notificationsBell), async () => !(await center.isVisible()), {
    what: 'notification centre (hide)',
    settleMs: 5000,
  });
  await moveMouseAway(page);
}

/**
 * Waits until the notification center holds a notification containing `text` and returns all its
 * messages. Unlike a toast, which VS Code may never show (at most 3 new toasts per 800 ms, none while
 * the center is open) or hide again after 15 s, the center keeps every notification until it is
 * dismissed — so this is the state to assert on. Leaves the center closed, as it found it.
 */
export async function notificationCenterTexts(page: Page, text: string | RegExp, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const wasOpen = await page.locator(SELECTORS.notificationsCenter).isVisible();
  await showNotificationsCenter(page);
  try {
    const items = page.locator(`.notifications-center .notification-list-item`);
    await items.filter({ hasText: text }).first().waitFor({ state: 'attached', timeout: opts.timeoutMs ?? 15_000 });
    return (await items.locator(SELECTORS.notificationMessage).allInnerTexts()).map((s) => s.trim());
  } finally {
    if (!wasOpen) await hideNotificationsCenter(page);
  }
}

/** Messages of the visible notifications (toasts, plus the notification center when it is open). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return (await page.locator(SELECTORS.notificationItem).locator(SELECTORS.notificationMessage).allInnerTexts()).map((s) => s.trim());
}

/** Saves a full-window PNG as test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** `s` as the inside of a double-quoted CSS attribute value. */
function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** CSS for the activity-bar entry of view container `title`. */
export function activityBarItemSelector(title: string): string {
  return `${SELECTORS.activityBarItem}:has(> .action-label[aria-label^="${cssString(title)}"])`;
}

/**
 * Shows the view container `title` from the activity bar (no-op when it is already showing: clicking an
 * active entry would hide the side bar).
 */
export async function openActivityBarContainer(page: Page, title: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  // The entry is an li.action-item[role=tab] (aria-label="") holding a.action-label whose aria-label starts
  // with the title ("Explorer (Ctrl+Shift+E)", or just "Harness Hello") — same in 1.100 and 1.139.
  const item = page.locator(activityBarItemSelector(title)).first();
  await item.waitFor({ state: 'visible', timeout });
  const sidebarTitle = page.locator(`${SELECTORS.sidebar} .composite.title`);
  const showing = async () =>
    (await item.getAttribute('aria-selected')) === 'true' &&
    (await page.locator(SELECTORS.sidebar).isVisible()) &&
    (await sidebarTitle.innerText().catch(() => '')).toUpperCase().includes(title.toUpperCase());
  if (!(await showing())) await clickUntil(item, showing, { what: `activity bar "${title}"` });
  await page.locator(`${SELECTORS.sidebar} .composite.title`, { hasText: new RegExp(escapeRegex(title), 'i') }).waitFor({ timeout });
}

/** The pane (section) of a view in the side bar, by its name as shown in the header. */
export function viewPane(page: Page, viewName: string): Locator {
  return page
    .locator(`${SELECTORS.sidebar} .pane`)
    .filter({ has: page.locator(`${SELECTORS.paneHeader}[aria-label^="${cssString(viewName)}"]`) })
    .first();
}

/**
 * Labels of the rows of tree view `viewName` (expands its section if collapsed). Waits until at least
 * `minRows` rows (default 1) are rendered. Each entry is the row's label; see treeRowDetails for more.
 */
export async function treeRows(page: Page, viewName: string, opts: { minRows?: number; timeoutMs?: number } = {}): Promise<string[]> {
  return (await treeRowDetails(page, viewName, opts)).map((r) => r.label);
}

export interface TreeRow {
  label: string;
  description: string;
  /** aria-label of the row (label plus description/tooltip as VS Code announces it). */
  ariaLabel: string;
  /** 1-based depth. */
  level: number;
  expanded?: boolean;
}

/** Like treeRows, with each row's description, aria-label, depth and expansion state. */
export async function treeRowDetails(page: Page, viewName: string, opts: { minRows?: number; timeoutMs?: number } = {}): Promise<TreeRow[]> {
  const pane = viewPane(page, viewName);
  const header = pane.locator(SELECTORS.paneHeader).first();
  // A container with a single view hides that view's header (class "hidden"), so only wait for it to exist.
  await header.waitFor({ state: 'attached', timeout: opts.timeoutMs ?? 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false' && (await header.isVisible())) await header.click();
  const rows = pane.locator(`.pane-body ${SELECTORS.listRow}`);
  const minRows = opts.minRows ?? 1;
  if (minRows > 0) await rows.nth(minRows - 1).waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
  // Note: no named inner functions in page callbacks — tsx/esbuild wraps them in a __name() helper that
  // does not exist in the browser.
  return rows.evaluateAll((els) =>
    els.map((el) => {
      const expanded = el.getAttribute('aria-expanded');
      return {
        label: (el.querySelector('.label-name')?.textContent ?? el.textContent ?? '').trim(),
        description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
        ariaLabel: el.getAttribute('aria-label') ?? '',
        level: Number(el.getAttribute('aria-level') ?? '1'),
        expanded: expanded === null ? undefined : expanded === 'true',
      };
    }),
  );
}

/** The row of view `viewName` (or of the whole side bar) whose label is `rowText`. */
export function treeRow(page: Page, rowText: string, viewName?: string): Locator {
  const scope = viewName ? viewPane(page, viewName) : page.locator(SELECTORS.sidebar);
  return scope
    .locator(SELECTORS.listRow)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegex(rowText)}\\s*$`) }) })
    .first();
}

/** Right-clicks the tree row `rowText` and picks `itemLabel` from its context menu. */
export async function contextMenu(page: Page, rowText: string, itemLabel: string, opts: { viewName?: string; timeoutMs?: number } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 10_000;
  const menu = page.locator(SELECTORS.contextMenu).first();
  const row = treeRow(page, rowText, opts.viewName);
  await row.waitFor({ state: 'visible', timeout });
  await clickUntil(row, () => menu.isVisible(), { what: `right-click on "${rowText}"`, click: { button: 'right' } });
  // The menu lives in a shadow root; Playwright's CSS engine pierces open shadow roots.
  const item = page
    .locator(SELECTORS.contextMenuItem)
    .filter({ has: page.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegex(itemLabel)}\\s*$`) }) })
    .first();
  await item.waitFor({ state: 'visible', timeout });
  // VS Code's menu ignores a mouse-up that comes right after it opened (so the releasing right-click
  // cannot pick an item): hover, pause, click, and click again if the menu is still open.
  await clickUntil(item, async () => !(await menu.isVisible()), {
    what: `context menu item "${itemLabel}"`,
    attempts: 4,
    settleMs: 2000,
    beforeClick: async () => {
      await item.hover({ timeout: 5000 }).catch(() => undefined);
      await sleep(200);
    },
  });
}

/** Labels of the items of the open context menu (after a right-click). */
export async function contextMenuItems(page: Page): Promise<string[]> {
  await page.locator(SELECTORS.contextMenu).first().waitFor({ state: 'visible' });
  return (await page.locator(`${SELECTORS.contextMenuItem} .action-label`).allInnerTexts()).map((s) => s.trim()).filter(Boolean);
}

// ------------------------------------------------------------------------------------------------
// Extension-host tests: mocha inside the real extension host
// ------------------------------------------------------------------------------------------------
//
// How it works: the workbench URL payload sets extensionDevelopmentPath and extensionTestsPath (both
// vscode-remote:// URIs). The remote extension host then loads the extension under development, requires
// the tests module and awaits its run(); afterwards it calls $onExtensionHostExit(code) on the workbench
// (extHostExtensionService._gracefulExit: remote + tests => forward the code instead of exiting), and the
// browser workbench calls `window.codeAutomationExit(code, logs)` if defined — the hook VS Code's own
// web integration tests use. We define it with page.exposeFunction. The tests module is a runner that we
// generate: it runs mocha over the given files and writes per-test results to a JSON file.

export interface ExtensionHostTestOptions {
  /** A test file (.js/.cjs/.ts) or a folder searched recursively for files matching `pattern`. */
  testsPath: string;
  /** File-name pattern when testsPath is a folder (default /\.test\.(c?js|ts)$/). */
  pattern?: RegExp;
  /** Extension to load under development (default: the server's, else an empty placeholder extension). */
  extensionDevelopmentPath?: string;
  /** Folder to open (default: the server's workspace). */
  folder?: string;
  /** mocha interface: 'bdd' (describe/it, default) or 'tdd' (suite/test). */
  ui?: 'bdd' | 'tdd';
  /** Per-test timeout inside mocha (default 20 s). */
  mochaTimeoutMs?: number;
  /** Only run tests whose full title matches. */
  grep?: string;
  /** Whole run timeout (default 90 s). */
  timeoutMs?: number;
  /** Screenshot the workbench when the run ends (name for screenshot()). */
  screenshotName?: string;
}

export interface ExtensionHostTestCase {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface ExtensionHostTestResult {
  /** Exit code the extension host reported (0 = all passed). */
  exitCode: number;
  passed: number;
  failed: number;
  pending: number;
  tests: ExtensionHostTestCase[];
  /** Runner log lines and console output of the tests. */
  output: string[];
  /** Browser console of the test window (extension-host console output is forwarded there). */
  browserConsole: string[];
  /** Runner-level error (tests module failed to load, mocha crashed…). */
  error?: string;
  durationMs: number;
}

function findTestFiles(path: string, pattern = /\.test\.(c?js|ts)$/): string[] {
  if (!statSync(path).isDirectory()) return [resolve(path)];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTestFiles(join(path, e.name), pattern) : pattern.test(e.name) ? [resolve(path, e.name)] : []))
    .sort();
}

/** The runner module (CommonJS) the extension host requires as extensionTestsPath. */
function runnerSource(config: Record<string, unknown>): string {
  return `'use strict';
// Generated by test/e2e/harness.ts. Runs mocha inside the VS Code extension host and writes the
// results to CONFIG.resultsPath; the returned promise decides the extension host's exit code.
const fs = require('fs');
const util = require('util');
const CONFIG = ${JSON.stringify(config, null, 2)};

exports.run = function run() {
  const tests = [];
  const output = [];
  const write = (extra) => {
    const tmp = CONFIG.resultsPath + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify(Object.assign({ tests, output }, extra)));
    fs.renameSync(tmp, CONFIG.resultsPath);
  };
  const log = (line) => { output.push(line); };
  // Capture what the tests print and keep forwarding it. The extension host turns console.* into
  // accessors whose setter ignores assignments, so the methods must be redefined, not assigned.
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const forward = console[level];
    try {
      Object.defineProperty(console, level, { configurable: true, enumerable: true, writable: true,
        value: function (...args) { log('[console.' + level + '] ' + util.format(...args)); return forward.apply(console, args); } });
    } catch (err) { log('cannot capture console.' + level + ': ' + err); }
  }
  return new Promise((resolve, reject) => {
    try {
      if (CONFIG.tsxApiPath) require(CONFIG.tsxApiPath).register();
      const Mocha = require(CONFIG.mochaPath);
      const mocha = new Mocha({ ui: CONFIG.ui, timeout: CONFIG.timeout, color: false, grep: CONFIG.grep || undefined,
        // A silent reporter: results are collected from the runner's events below.
        reporter: function SilentReporter() {} });
      for (const f of CONFIG.files) mocha.addFile(f);
      const runner = mocha.run((failures) => {
        write({ failures });
        if (failures) reject(new Error(failures + ' test(s) failed')); else resolve();
      });
      runner.on('pass', (t) => { tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration }); log('passed: ' + t.fullTitle()); });
      runner.on('pending', (t) => { tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending' }); log('pending: ' + t.fullTitle()); });
      runner.on('fail', (t, err) => {
        const error = String((err && (err.stack || err.message)) || err);
        tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration, error });
        log('failed: ' + t.fullTitle() + '\\n' + error);
      });
    } catch (err) {
      const error = String((err && err.stack) || err);
      log('runner error: ' + error);
      write({ error });
      reject(err);
    }
  });
};
`;
}

/**
 * Runs mocha test files inside the real extension host of `server` and resolves with the results (it does
 * not throw on test failures; check `failed`/`exitCode`). Each call opens its own browser page, i.e. a
 * fresh extension host.
 */
export async function runExtensionHostTests(server: CodeServer, opts: ExtensionHostTestOptions): Promise<ExtensionHostTestResult> {
  const started = Date.now();
  const files = findTestFiles(opts.testsPath, opts.pattern);
  if (files.length === 0) throw new Error(`no test files in ${opts.testsPath}`);
  const mochaPath = resolveFromProjectOrTools('mocha');
  if (!mochaPath) throw new Error('mocha not found: add it as a devDependency or run scripts/e2e/install-editors.sh');
  const needsTsx = files.some((f) => f.endsWith('.ts'));
  const tsxApiPath = needsTsx ? resolveFromProjectOrTools('tsx/cjs/api') : undefined;
  if (needsTsx && !tsxApiPath) throw new Error('TypeScript test files need tsx in node_modules');

  const runDir = await mkdtemp(join(server.tempRoot, 'exthost-tests-'));
  const resultsPath = join(runDir, 'results.json');
  const runnerPath = join(runDir, 'runner.cjs');
  writeFileSync(
    runnerPath,
    runnerSource({ mochaPath, tsxApiPath, files, resultsPath, ui: opts.ui ?? 'bdd', timeout: opts.mochaTimeoutMs ?? 20_000, grep: opts.grep }),
  );
  let devPath = opts.extensionDevelopmentPath ?? server.extensionDevelopmentPath;
  if (!devPath) {
    // The extension host only runs tests with an extension under development: use an empty one.
    devPath = join(runDir, 'placeholder-extension');
    mkdirSync(devPath);
    writeFileSync(
      join(devPath, 'package.json'),
      JSON.stringify({ name: 'e2e-placeholder', publisher: 'e2e', version: '0.0.0', engines: { vscode: '*' } }),
    );
  }

  let onExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (onExit = r));
  const payload: [string, string][] = [
    ['extensionDevelopmentPath', server.remoteUri(devPath)],
    ['extensionTestsPath', server.remoteUri(runnerPath)],
  ];
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const wb = await openWorkbench(server, {
    folder: opts.folder,
    payload,
    timeoutMs,
    beforeLoad: async (page) => {
      // Called by the workbench when the extension host finishes the tests (see the comment above).
      await page.exposeFunction('codeAutomationExit', (code: number) => onExit(Number(code)));
    },
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs - (Date.now() - started))));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (opts.screenshotName) await screenshot(wb.page, opts.screenshotName).catch(() => undefined);
    let raw: { tests?: ExtensionHostTestCase[]; output?: string[]; error?: string } = {};
    try {
      raw = JSON.parse(readFileSync(resultsPath, 'utf8'));
    } catch {
      // no results: reported below
    }
    const tests = raw.tests ?? [];
    const count = (s: ExtensionHostTestCase['state']) => tests.filter((t) => t.state === s).length;
    const consoleTail = wb.consoleLines.slice(-40).join('\n');
    if (outcome === 'timeout') {
      throw new Error(`extension-host tests did not finish in ${timeoutMs} ms (results: ${tests.length} tests so far)\nbrowser console:\n${consoleTail}`);
    }
    if (!existsSync(resultsPath)) {
      raw.error ??= `the extension host exited with ${outcome} without running the runner\nbrowser console:\n${consoleTail}`;
    }
    return {
      exitCode: outcome,
      passed: count('passed'),
      failed: count('failed'),
      pending: count('pending'),
      tests,
      output: raw.output ?? [],
      browserConsole: wb.consoleLines,
      error: raw.error,
      durationMs: Date.now() - started,
    };
  } finally {
    await wb.close();
  }
}

// ------------------------------------------------------------------------------------------------
// Packaging
// ------------------------------------------------------------------------------------------------

/**
 * Packages an extension folder into a .vsix with the project's @vscode/vsce (no dependency scan, no
 * repository/license checks) and returns its path.
 */
export function packageVsix(extensionDir: string, outFile = join(extensionDir, 'extension.vsix')): string {
  const vsce = resolveFromProjectOrTools('@vscode/vsce/vsce');
  if (!vsce) throw new Error('@vscode/vsce not found in node_modules');
  const r = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', outFile],
    { cwd: extensionDir, encoding: 'utf8', env: childEnv() },
  );
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}${r.stderr}`);
  return outFile;
}
