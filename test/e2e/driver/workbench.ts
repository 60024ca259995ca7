// Driving the workbench as a user does: Command Palette, quick input, notifications, screenshots.
// Clicks are judged by their effect (clickUntil), never by Playwright's acknowledgement alone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { RESULTS_DIR } from './install';
import { debug, sleep } from './processes';
import { smokeDriverPages } from './browser';

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

export function escapeRegex(s: string): string {
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
export async function openCommandPalette(page: Page): Promise<Locator> {
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
  if (!(opts.submit ?? true)) return;
  // Judged by state, like a click (see clickUntil): the input was taken once the box is gone, or shows
  // another step (value or title changed). On a loaded machine an Enter can be lost while the widget
  // is still wiring itself up (seen in 4b: the Fork… name stayed in its box); press it again then.
  const title = page.locator(`${SELECTORS.quickInput} .quick-input-title`);
  const message = page.locator(`${SELECTORS.quickInput} .quick-input-message`);
  const titleBefore = await title.innerText().catch(() => '');
  const messageBefore = await message.innerText().catch(() => '');
  const taken = async () => !(await input.isVisible()) || (await input.inputValue()) !== text || (await title.innerText().catch(() => '')) !== titleBefore;
  for (let attempt = 1; attempt <= 3; attempt++) {
    await input.press('Enter', { timeout: 10_000, noWaitAfter: true }).catch(() => debug(`typeInQuickInput: Enter ${attempt} not confirmed`));
    if (await pollUntil(taken, 3_000)) return;
    // The message changed (the prompt became a validation error): the Enter arrived and the text was
    // refused; pressing again changes nothing, the caller's own check decides.
    if ((await message.innerText().catch(() => '')) !== messageBefore) return;
    debug(`typeInQuickInput: "${text}" still in the box after Enter ${attempt}`);
  }
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
