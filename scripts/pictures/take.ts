// `npm run pictures`: takes the README's and the walkthrough's pictures in a real editor — the packaged
// .vsix in code-server (VS Code 1.139) in Chromium, on the Daytona API emulator's demo sandboxes — so
// every picture shows the product as it is. Writes docs/images/*.png (1400×900) and
// media/walkthrough/*.png (1.5× crops of a 900×580 window, shown beside the walkthrough's steps).
// Needs `npm run package` and the editors (`npm run e2e:install`); takes about a minute.
// On the way it reads the Command Palette's "Daytona:" commands and the Init MCP choices from the running
// editor, fails when they differ from the packaged build's (the .vsix's package.json, the host table), and
// writes them to docs/images/pictures.json (see manifest.ts), which a unit test holds against the source.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { readZip } from '../publish-check.mjs';
import { startEmulator } from '../../test/emulator/emulator';
import {
  REPO_ROOT,
  SELECTORS,
  contextMenu,
  missingPrerequisite,
  moveMouseAway,
  openActivityBarContainer,
  openCommandPalette,
  openWorkbench,
  runCommand,
  startCodeServer,
  treeRow,
  typeInQuickInput,
  viewPane,
} from '../../test/e2e/harness';
import { expectedLists, hostChoiceLabels, listDifference, manifestText, MANIFEST_PATH, paletteCommands, type PackageJson, type PicturesManifest } from './manifest';

const VSIX = resolve(REPO_ROOT, 'dist', 'daytona-sandboxes.vsix');
const DOCS = resolve(REPO_ROOT, 'docs', 'images');
const WALKTHROUGH = resolve(REPO_ROOT, 'media', 'walkthrough');
const LARGE = { width: 1400, height: 900 };
const SMALL = { width: 900, height: 580 };
const DEVICE_SCALE = 1.5;
const VIEW = 'Sandboxes';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Clip = { x: number; y: number; width: number; height: number };
/**
 * The walkthrough shows its pictures at 1.5× density (VS Code sets srcset "… 1.5x") in a column about
 * 450 CSS px wide: each is a crop, in CSS px of the 900×580 window, taken at 1.5 device pixels per px.
 */
const WALKTHROUGH_CLIPS: Record<string, Clip> = {
  'set-key': { x: 0, y: 0, width: 760, height: 260 },
  'open-view': { x: 0, y: 30, width: 520, height: 340 },
  'init-mcp': { x: 140, y: 0, width: 620, height: 330 },
  'ask-agent': { x: 0, y: 30, width: 900, height: 420 },
};

/**
 * Saves the page as docs/images/<docs>.png (the whole 1400×900 window, 1 px per CSS px) and/or
 * media/walkthrough/<walkthrough>.png (a crop of a 900×580 window, see WALKTHROUGH_CLIPS).
 */
async function photograph(page: Page, names: { docs?: string; walkthrough?: string }, settle: () => Promise<void> = async () => undefined): Promise<void> {
  const saved: string[] = [];
  const save = async (file: string, scale: 'css' | 'device', clip?: Clip) => {
    await page.screenshot({ path: file, clip, scale });
    saved.push(`${relative(REPO_ROOT, file)} (${Math.round(statSync(file).size / 1024)} KB)`);
  };
  if (names.docs) await save(join(DOCS, `${names.docs}.png`), 'css');
  if (names.walkthrough) {
    await page.setViewportSize(SMALL);
    await sleep(600);
    await settle();
    await save(join(WALKTHROUGH, `${names.walkthrough}.png`), 'device', WALKTHROUGH_CLIPS[names.walkthrough]);
    await page.setViewportSize(LARGE);
    await sleep(600);
  }
  console.log(`  ${saved.join(', ')}`);
}

/** The package.json inside the .vsix the editor installs: the build the pictures show. */
function packagedManifest(): PackageJson {
  const entry = readZip(readFileSync(VSIX)).find((e) => e.name === 'extension/package.json');
  if (!entry) throw new Error(`${VSIX} has no extension/package.json`);
  return JSON.parse(entry.data.toString('utf8'));
}

/** The built-in views' palette entries the workbench adds for our view container, not in package.json. */
const WORKBENCH_GENERATED = [/^Daytona: Focus on .+ View$/];

/** Label texts (icons dropped) of the open quick pick's rows that lie fully inside its list's viewport. */
async function quickPickRowsInView(page: Page): Promise<string[]> {
  // The list is clipped by more than one of these (a max-height on one, the widget's own edge): what is
  // in view is what lies inside all of them.
  let top = -Infinity;
  let bottom = Infinity;
  for (const selector of ['.quick-input-widget', '.quick-input-widget .quick-input-list', '.quick-input-widget .quick-input-list .monaco-list', '.quick-input-widget .quick-input-list .monaco-scrollable-element']) {
    const box = await page.locator(selector).first().boundingBox();
    if (!box) throw new Error(`the quick pick has no ${selector}`);
    top = Math.max(top, box.y);
    bottom = Math.min(bottom, box.y + box.height);
  }
  const labels: string[] = [];
  for (const row of await page.locator(SELECTORS.quickInputRow).all()) {
    const box = await row.boundingBox();
    if (!box || box.y < top - 1 || box.y + box.height > bottom + 1) continue;
    labels.push((await row.locator('.label-name').first().innerText()).trim());
  }
  return labels;
}

/**
 * The Init MCP choices on screen now must be exactly the build's (the host table and the built-in
 * entry), every one in view without scrolling.
 */
async function checkInitMcpChoices(page: Page): Promise<string[]> {
  const shown = await quickPickRowsInView(page);
  const diff = listDifference(hostChoiceLabels(), shown);
  if (diff) throw new Error(`Init MCP's choices in view (${shown.join(' | ')}) are not the build's: ${diff}. Either a choice does not fit in one view at 1400×900, or the host table changed without the picker.`);
  return shown;
}

/**
 * Every "Daytona: …" row of the Command Palette (paged through, as the list only renders what is in
 * view) must be a command the .vsix contributes to the palette, and each one it always shows must be there.
 */
async function checkPaletteCommands(page: Page, pkg: PackageJson): Promise<void> {
  const input = await openCommandPalette(page);
  await input.fill('>Daytona: ');
  await page.locator(SELECTORS.quickInputRow).first().waitFor({ timeout: 10_000 });
  const seen = new Set<string>();
  for (let unchanged = 0, presses = 0; unchanged < 3 && presses < 200; presses++) {
    const before = seen.size;
    for (const label of await page.locator(`${SELECTORS.quickInputRow} .label-name`).allInnerTexts()) {
      if (label.trim().startsWith('Daytona: ')) seen.add(label.trim());
    }
    unchanged = seen.size === before ? unchanged + 1 : 0;
    await page.keyboard.press('PageDown');
    await sleep(150);
  }
  await page.keyboard.press('Escape');
  const packaged = paletteCommands(pkg);
  const missing = packaged.filter((c) => !c.conditional && !seen.has(c.title)).map((c) => `"${c.title}"`);
  const unexpected = [...seen].filter((t) => !packaged.some((c) => c.title === t) && !WORKBENCH_GENERATED.some((re) => re.test(t))).map((t) => `"${t}"`);
  if (missing.length || unexpected.length) {
    throw new Error(`the Command Palette's Daytona commands are not the .vsix's: ${[missing.length ? `missing ${missing.join(', ')}` : '', unexpected.length ? `not in its package.json ${unexpected.join(', ')}` : ''].filter(Boolean).join('; ')}`);
  }
  console.log(`  Command Palette: ${seen.size} "Daytona:" commands, as packaged`);
}

async function main(): Promise<void> {
  const missing = missingPrerequisite(['new']) ?? (existsSync(VSIX) ? undefined : `${VSIX} is missing (npm run package)`);
  if (missing) throw new Error(missing);
  mkdirSync(DOCS, { recursive: true });
  mkdirSync(WALKTHROUGH, { recursive: true });
  const apiKey = `demo-${randomBytes(12).toString('hex')}`;
  const emulator = await startEmulator({ seed: 'demo', transitionMs: 1500, apiKeys: [apiKey] });
  const pkg = packagedManifest();
  // The workspace lives in the picture HOME, so that every path on screen reads ~/… or my-project/…
  // and no temporary folder's name shows.
  const root = mkdtempSync(join(tmpdir(), 'daytona-pictures-'));
  const home = join(root, 'home');
  const workspaceDir = join(home, 'my-project');
  const handshake = join(root, 'handshake');
  for (const dir of [home, workspaceDir, handshake]) mkdirSync(dir);
  let hosts: string[] | undefined;
  const server = await startCodeServer({
    version: 'new',
    vsixPath: VSIX,
    workspaceDir,
    // No key anywhere at first: the first picture is "Set API Key".
    env: { HOME: home, DAYTONA_API_URL: emulator.url, PICTURES_HANDSHAKE_DIR: handshake, PICTURES_API_KEY: apiKey },
    userSettings: { 'workbench.startupEditor': 'none', 'daytona.autoRefreshSeconds': 2, 'workbench.colorTheme': 'Default Dark Modern', 'editor.wordWrap': 'on', 'editor.minimap.enabled': false,
      // The breadcrumbs would spell out the temporary folder the picture HOME lives in.
      'breadcrumbs.enabled': false,
    },
  });
  try {
    console.log(`VS Code ${server.info.vscodeVersion} (code-server ${server.info.codeServerVersion})`);
    const wb = await openWorkbench(server, { viewport: LARGE, deviceScaleFactor: DEVICE_SCALE });
    try {
      const { page } = wb;
      await openActivityBarContainer(page, 'Daytona');
      await runCommand(page, 'Daytona: Set API Key');
      await typeInQuickInput(page, apiKey, { submit: false });
      await photograph(page, { docs: 'set-api-key', walkthrough: 'set-key' });
      await page.keyboard.press('Enter');
      await treeRow(page, 'storefront-api', VIEW).waitFor({ timeout: 20_000 });
      // "Your sandboxes are loading" is no longer true once they show.
      await runCommand(page, 'Notifications: Clear All Notifications');
      await sleep(500);

      // The tree with a tooltip open on a running sandbox.
      const hoverRow = async () => {
        await treeRow(page, 'storefront-api', VIEW).hover();
        await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ timeout: 5000 }).catch(() => undefined);
        await sleep(400);
      };
      await hoverRow();
      await photograph(page, { docs: 'sandboxes-view' });
      await moveMouseAway(page);
      await photograph(page, { walkthrough: 'open-view' });

      await runCommand(page, 'Daytona: Init MCP');
      await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 10_000 });
      await sleep(300);
      hosts = await checkInitMcpChoices(page);
      await photograph(page, { docs: 'init-mcp', walkthrough: 'init-mcp' });
      await page.keyboard.press('Escape');

      await treeRow(page, 'analytics-notebook', VIEW).click();
      await treeRow(page, 'ml-experiment-7', VIEW).click({ modifiers: ['Control'] });
      await contextMenu(page, 'ml-experiment-7', 'Delete Sandbox', { viewName: VIEW });
      await page.locator('.monaco-dialog-box').waitFor({ timeout: 10_000 });
      await sleep(300);
      await photograph(page, { docs: 'delete-confirmation' });
      await page.keyboard.press('Escape');
      // Escape in the focused tree clears its selection, so that later pictures show no picked rows.
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
      await viewPane(page, VIEW).locator('.monaco-list').first().focus();
      await page.keyboard.press('Escape');
      await checkPaletteCommands(page, pkg);

      // The agent: VS Code's own MCP client calls create_sandbox on the server the extension registered
      // (scripts/pictures/agent.cjs runs inside the extension host of a second window and waits while we
      // take the picture). The picture is of this window, an ordinary one, not the test-run window.
      let exitCode: number | undefined;
      const agentWindow = await openWorkbench(server, {
        viewport: LARGE,
        deviceScaleFactor: DEVICE_SCALE,
        payload: [
          ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
          ['extensionTestsPath', server.remoteUri(resolve(REPO_ROOT, 'scripts', 'pictures', 'agent.cjs'))],
        ],
        beforeLoad: async (p) => {
          await p.exposeFunction('codeAutomationExit', (code: number) => void (exitCode = Number(code)));
        },
      });
      try {
        const end = Date.now() + 90_000;
        while (!existsSync(join(handshake, 'agent.ready'))) {
          if (exitCode !== undefined) throw new Error(`the agent run ended (exit ${exitCode}) before its picture; see the browser console:\n${agentWindow.consoleLines.slice(-30).join('\n')}`);
          if (Date.now() > end) throw new Error('the agent run did not reach its picture in 90 s');
          await sleep(200);
        }
        const created = emulator.sandboxes().find((s) => s.name === 'test-environment');
        if (!created) throw new Error('the emulator has no sandbox named test-environment');
        await runCommand(page, 'Daytona: Show MCP Log');
        await page.locator('.editor-instance .view-line', { hasText: 'create_sandbox' }).last().waitFor({ timeout: 20_000 });
        const settle = async () => {
          await viewPane(page, VIEW).locator('.monaco-list-row', { hasText: 'test-environment' }).first().waitFor({ timeout: 20_000 });
          // The log's end in view: the create_sandbox call, also in the walkthrough's smaller window.
          await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
          await page.keyboard.press('Control+End');
          await sleep(500);
        };
        await settle();
        await moveMouseAway(page);
        await photograph(page, { docs: 'agent-create-sandbox', walkthrough: 'ask-agent' }, settle);
      } finally {
        writeFileSync(join(handshake, 'agent.done'), '');
        await sleep(1000);
        await agentWindow.close();
      }
    } finally {
      await wb.close();
    }
    if (!hosts) throw new Error('the Init MCP choices were not read');
    const manifest: PicturesManifest = {
      ...expectedLists(pkg),
      hosts,
      takenWith: { vscode: server.info.vscodeVersion, codeServer: server.info.codeServerVersion },
    };
    writeFileSync(MANIFEST_PATH, manifestText(manifest));
    console.log(`  ${relative(REPO_ROOT, MANIFEST_PATH)}: ${manifest.commands.length} commands, ${manifest.hosts.length} Init MCP choices`);
  } finally {
    await server.close();
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`pictures failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
