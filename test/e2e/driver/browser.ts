// Chromium and the workbench page, including the smoke-test-driver window of extension development.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, loadPlaywright } from './install';
import type { CodeServer } from './code-server';

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
export const smokeDriverPages = new WeakSet<Page>();

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
