// The Sandboxes view at 10,000 sandboxes, with 30 ms of API latency, in the real editor (the packaged
// .vsix in code-server, driven in Chromium): the first page shows without waiting for the other 49, names
// in natural order, the counts final once the last page is in, a quiet minute costs at most 2 list
// requests, and a change made through the API reaches the tree from the event stream, not from a poll.
// Times are printed (bench/ reports them); the assertions are on state and request counts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { numberedSeed, startEmulator, type Emulator } from '../emulator/emulator';
import { SENTINEL_KEY } from '../helpers/secrets';
import { missingPrerequisite, openActivityBarContainer, openWorkbench, REPO_ROOT, screenshot, startCodeServer, treeRowDetails, watchFirstRow, type CodeServer, type EditorVersion, type Workbench } from './harness';

// E2E_VSIX: measure another build (e.g. the one before this change) with the same scenario.
const VSIX = process.env.E2E_VSIX ?? resolve(REPO_ROOT, 'dist', 'daytona-sandboxes.vsix');
const versions = (process.env.E2E_VERSIONS?.split(',') ?? ['new']) as EditorVersion[];
const missing = missingPrerequisite(versions) ?? (existsSync(VSIX) ? undefined : `${VSIX} is missing (npm run package)`);
if (missing && process.env.E2E_REQUIRED === '1') throw new Error(`E2E prerequisites missing: ${missing}`);
if (missing) console.log(`[e2e] skipping scale scenarios: ${missing}`);

const VIEW = 'Sandboxes';
const COUNT = 10_000;
const RUNNING = COUNT / 10;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** What the extension itself logged about the view's load (load-timing.ts): the editor's side of the clock. */
export function loadTimesLogged(logsDir: string): string[] {
  return filesUnder(logsDir)
    .filter((f) => /Daytona\.log$/.test(f))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => /Sandboxes view: (first|all) /.test(l))
    .map((l) => l.replace(/^.*Sandboxes view: /, ''));
}

const listRequests = (emu: Emulator) => emu.stats().requests.filter((r) => r.method === 'GET' && r.path === '/api/sandbox');

for (const version of versions) {
  describe(`Sandboxes view at ${COUNT.toLocaleString('en')} sandboxes in code-server "${version}"`, { timeout: 600_000 }, () => {
    let emu: Emulator;
    let server: CodeServer;
    let wb: Workbench;

    before(async () => {
      if (missing) return;
      // A quota that lets a thousand run and one more start.
      emu = await startEmulator({ apiKeys: [SENTINEL_KEY], latencyMs: 30, transitionMs: 500, seed: numberedSeed(COUNT, Date.now()), quota: { cpu: 100_000, memory: 100_000, disk: 1_000_000 } });
      server = await startCodeServer({
        version,
        vsixPath: VSIX,
        env: { HOME: mkdtempSync(join(tmpdir(), `e2e-scale-${version}-`)), DAYTONA_API_URL: emu.url, DAYTONA_API_KEY: SENTINEL_KEY },
        // The defaults (30 s refresh), flat list so the rows are the sandboxes.
        userSettings: { 'daytona.groupBy': 'none' },
      });
      wb = await openWorkbench(server);
    });

    after(async () => {
      if (missing) return;
      if (wb) await screenshot(wb.page, `scale-${version}-zz-last`).catch(() => undefined);
      await wb?.close();
      await server?.close();
      await emu?.close();
    });

    test('first rows at once in natural order, counts final with the last page, a quiet minute, a change shown live', { skip: missing }, async () => {
      const page = wb.page;
      // Activation (onStartupFinished) is done once the status bar item is there; the view is still closed.
      await page.locator('.part.statusbar [aria-label^="Daytona"]').first().waitFor({ timeout: 90_000 });

      const firstRow = await watchFirstRow(page, VIEW);
      await openActivityBarContainer(page, 'Daytona');
      const opened = Date.now();
      const first = await treeRowDetails(page, VIEW, { minRows: 1, timeoutMs: 60_000 });
      const seen = await firstRow();
      console.log(`[e2e-scale] ${version}: first row ${(seen.rowMs ?? NaN) - (seen.viewMs ?? NaN)} ms after the view was shown (in the page), ${seen.rowMs} ms after the click (${first.length} rows rendered)`);

      // Counts are right once the last page is in.
      const loaded = Date.now();
      await page.locator(`.part.statusbar [aria-label="Daytona: ${RUNNING} running of ${COUNT} sandboxes"]`).first().waitFor({ timeout: 120_000 });
      console.log(`[e2e-scale] ${version}: all ${COUNT} in ${Date.now() - opened} ms after opening (status bar final ${Date.now() - loaded} ms after the first rows were read)`);
      await screenshot(page, `scale-${version}-01-loaded`);
      for (const line of loadTimesLogged(server.logsDir)) console.log(`[e2e-scale] ${version}: extension logged: ${line}`);

      // Natural order: run-1, run-2, … run-10, not run-1, run-10, run-100.
      // The tree redraws 10,000 rows a moment after the status bar: wait for the whole list's first row
      // (a hang guard; read too early, the rows are the last streamed redraw's, without the oldest pages).
      let names: string[] = [];
      for (const end = Date.now() + 15_000; names[0] !== 'run-1' && Date.now() < end; ) {
        names = (await treeRowDetails(page, VIEW, { minRows: 10 })).map((r) => r.label);
        if (names[0] !== 'run-1') await page.waitForTimeout(100);
      }
      assert.deepEqual(names.slice(0, 11), ['run-1', 'run-2', 'run-3', 'run-4', 'run-5', 'run-6', 'run-7', 'run-8', 'run-9', 'run-10', 'run-11']);

      // A quiet minute with the view open: at most 2 list requests, whatever the number of sandboxes.
      emu.resetStats();
      await page.waitForTimeout(60_000);
      const quiet = listRequests(emu).length;
      console.log(`[e2e-scale] ${version}: ${quiet} list requests in a quiet minute`);
      assert.ok(quiet <= 2, `${quiet} list requests in a quiet minute`);

      // A change made through the API (as the dashboard or an agent would) reaches the tree from the event
      // stream: no list request in between, and long before the 30 s poll.
      emu.resetStats();
      const res = await fetch(`${emu.url}/sandbox/run-2/start`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}` } });
      assert.equal(res.status, 200);
      const changed = Date.now();
      let description = '';
      while (!/^start/.test(description)) {
        assert.ok(Date.now() - changed < 10_000, `run-2 never showed starting/started (last: "${description}")`);
        description = (await treeRowDetails(page, VIEW)).find((r) => r.label === 'run-2')?.description ?? '';
        if (!/^start/.test(description)) await page.waitForTimeout(50);
      }
      console.log(`[e2e-scale] ${version}: a state change made through the API shown after ${Date.now() - changed} ms (${description.split(' · ')[0]})`);
      assert.equal(listRequests(emu).length, 0, 'the change came from the event stream, not a list poll');
      await screenshot(page, `scale-${version}-02-live-change`);
    });
  });
}
