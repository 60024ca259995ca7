// The activity bar, views, tree rows and their context menus.
import type { Locator, Page } from 'playwright-core';
import { debug, sleep } from './processes';
import { SELECTORS, clickUntil, escapeRegex } from './workbench';

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

/**
 * Starts timing, in the page itself, when view `viewName` appears in the side bar and when its first
 * row does: checked every animation frame, so the times are the frames that showed them. Playwright's
 * waits poll at growing intervals (up to 500 ms), which made a row that appeared ~400 ms after the view
 * read as ~850 ms. The returned function reads the times (ms since the watch began; undefined: not yet).
 */
export async function watchFirstRow(page: Page, viewName: string, opts: { timeoutMs?: number } = {}): Promise<() => Promise<{ viewMs?: number; rowMs?: number }>> {
  const key = `__daytonaFirstRow_${Math.random().toString(36).slice(2)}`;
  // A string, not a function: tsx/esbuild would wrap named inner functions in a __name() the page lacks.
  await page.evaluate(`(() => {
    const sel = ${JSON.stringify({ sidebar: SELECTORS.sidebar, header: SELECTORS.paneHeader, row: SELECTORS.listRow, view: viewName, key, timeoutMs: opts.timeoutMs ?? 60_000 })};
    const start = performance.now();
    const found = (window[sel.key] = {});
    function tick() {
      const pane = [...document.querySelectorAll(sel.sidebar + ' .pane')].find((p) => (p.querySelector(sel.header)?.getAttribute('aria-label') || '').startsWith(sel.view));
      const now = Math.round(performance.now() - start);
      if (pane && found.viewMs === undefined) found.viewMs = now;
      if (pane && found.rowMs === undefined && pane.querySelector('.pane-body ' + sel.row)) found.rowMs = now;
      if (found.rowMs === undefined && now < sel.timeoutMs) requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  return async () => (await page.evaluate(`window[${JSON.stringify(key)}]`)) as { viewMs?: number; rowMs?: number };
}

/** The row of view `viewName` (or of the whole side bar) whose label is `rowText`. */
export function treeRow(page: Page, rowText: string, viewName?: string): Locator {
  const scope = viewName ? viewPane(page, viewName) : page.locator(SELECTORS.sidebar);
  return scope
    .locator(SELECTORS.listRow)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegex(rowText)}\\s*$`) }) })
    .first();
}

/**
 * Right-clicks the tree row `rowText` and picks `itemLabel` from its context menu. With `opened`, the
 * pick is judged by it (e.g. the command's own input box is showing): the editor can hand a command
 * no tree element when the tree re-renders under the click (the command then asks which sandbox, in a
 * picker), so it is closed and the whole pick made again, at most 3 times.
 */
export async function contextMenu(page: Page, rowText: string, itemLabel: string, opts: { viewName?: string; timeoutMs?: number; opened?: () => Promise<boolean> } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await pickFromContextMenu(page, rowText, itemLabel, opts);
    if (!opts.opened) return;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !(await opts.opened().catch(() => false))) await sleep(100);
    if (await opts.opened().catch(() => false)) return;
    if (attempt === 3) throw new Error(`context menu "${itemLabel}" on "${rowText}": what it should open did not appear after ${attempt} picks`);
    debug(`contextMenu(${rowText}, ${itemLabel}): not what the pick should open; closing it and picking again`);
    await page.keyboard.press('Escape');
    await sleep(300);
  }
}

async function pickFromContextMenu(page: Page, rowText: string, itemLabel: string, opts: { viewName?: string; timeoutMs?: number }): Promise<void> {
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

/** Right-clicks the row, reads its context menu's item labels, and closes the menu again. */
export async function contextMenuItemsOf(page: Page, rowText: string, opts: { viewName?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const menu = page.locator(SELECTORS.contextMenu).first();
  const row = treeRow(page, rowText, opts.viewName);
  await row.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
  await clickUntil(row, () => menu.isVisible(), { what: `right-click on "${rowText}"`, click: { button: 'right' } });
  const items = await contextMenuItems(page);
  for (let attempt = 0; attempt < 3 && (await menu.isVisible()); attempt++) {
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
  }
  return items;
}
