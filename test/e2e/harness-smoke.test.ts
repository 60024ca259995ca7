// Proves the real-editor harness (test/e2e/harness.ts) in both editors — code-server 4.100.3 (VS Code
// 1.100) and 4.139.x (VS Code 1.139) — with a throwaway extension generated here: UI steps driven through
// Chromium, and extension-host mocha runs (one passing, one failing on purpose).
//
// Skipped, with the reason printed, when the editors are not installed (bash scripts/e2e/install-editors.sh),
// so the rest of the suite runs without them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  clickNotificationButton,
  contextMenu,
  missingPrerequisite,
  openActivityBarContainer,
  openWorkbench,
  packageVsix,
  runCommand,
  runExtensionHostTests,
  screenshot,
  startCodeServer,
  treeRows,
  typeInQuickInput,
  waitForNotification,
  type CodeServer,
  type EditorVersion,
} from './harness';
import { HELLO, writeHelloExtension, writeHelloExtensionTests } from './hello-extension';

// E2E_VERSIONS=old (or new) runs one editor only.
const versions = (process.env.E2E_VERSIONS?.split(',') ?? ['old', 'new']) as EditorVersion[];
const skipReason = missingPrerequisite(versions);
if (skipReason) console.log(`[e2e] skipping the real-editor harness smoke test: ${skipReason}`);

// The throwaway extension, its .vsix and the extension-host test files: built once for both editors.
interface Fixture {
  extDir: string;
  vsix: string;
  passDir: string;
  failDir: string;
}
let fixtureDir: string | undefined;
let fixtureCache: Fixture | undefined;
function fixture(): Fixture {
  if (!fixtureCache) {
    fixtureDir = mkdtempSync(join(tmpdir(), 'e2e-hello-ext-'));
    const extDir = writeHelloExtension(join(fixtureDir, 'harness-hello'));
    const vsix = packageVsix(extDir, join(fixtureDir, 'harness-hello.vsix'));
    fixtureCache = { extDir, vsix, ...writeHelloExtensionTests(join(fixtureDir, 'exthost-tests')) };
  }
  return fixtureCache;
}

after(() => {
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

/** Logs how long a step took (the numbers in test/e2e/README.md come from these lines). */
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    console.log(`[e2e] ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

for (const version of versions) {
  // Skipped per test (not per suite) so the runner counts them as skipped.
  describe(`harness smoke on code-server "${version}"`, { timeout: 600_000 }, () => {
    let server: CodeServer | undefined;
    const shot = (page: Parameters<typeof screenshot>[0], step: string) => screenshot(page, `harness-${version}-${step}`);

    before(async () => {
      if (skipReason) return;
      const { vsix } = fixture();
      server = await timed(`${version}: start code-server (install vsix + wait for HTTP)`, () =>
        startCodeServer({
          version,
          vsixPath: vsix,
          env: { [HELLO.envVar]: `hello from ${version}` },
        }),
      );
      console.log(`[e2e] ${version}: code-server ${server.info.codeServerVersion} (VS Code ${server.info.vscodeVersion}) at ${server.url}`);
    });

    after(async () => {
      await server?.close();
    });

    test('UI: activity bar, tree rows, palette command, notification + button, input box, context menu', { skip: skipReason }, async () => {
      assert.ok(server);
      const wb = await timed(`${version}: open workbench`, () => openWorkbench(server!));
      try {
        const { page } = wb;
        await shot(page, '01-workbench');

        await timed(`${version}: activity bar + tree rows`, async () => {
          await openActivityBarContainer(page, HELLO.containerTitle);
          assert.deepEqual(await treeRows(page, HELLO.viewName, { minRows: HELLO.items.length }), [...HELLO.items]);
        });
        await shot(page, '02-tree-view');

        await timed(`${version}: palette command + notification + button`, async () => {
          await runCommand(page, HELLO.helloCommand);
          const text = await waitForNotification(page, /Hello from the harness/);
          // The extension host inherited the env passed to startCodeServer.
          assert.equal(text, `Hello from the harness! (hello from ${version})`);
          await shot(page, '03-notification');
          await clickNotificationButton(page, 'Again', { notification: /Hello from the harness/ });
          await waitForNotification(page, 'Clicked Again');
        });

        await timed(`${version}: input box`, async () => {
          await runCommand(page, HELLO.askCommand);
          await typeInQuickInput(page, 'Ada');
          await waitForNotification(page, 'Nice to meet you, Ada');
        });

        await timed(`${version}: context menu`, async () => {
          await contextMenu(page, HELLO.items[1], HELLO.inspectMenuItem, { viewName: HELLO.viewName });
          await waitForNotification(page, `Inspected ${HELLO.items[1]}`);
        });
        await shot(page, '04-context-menu-result');
      } catch (err) {
        await shot(wb.page, 'failure').catch(() => undefined);
        throw err;
      } finally {
        await wb.close();
      }
    });

    test('UI with extensionDevelopmentPath (smoke-test-driver window): notifications via the center', { skip: skipReason }, async () => {
      assert.ok(server);
      const { extDir } = fixture();
      const wb = await timed(`${version}: open workbench with the extension under development`, () =>
        openWorkbench(server!, { extensionDevelopmentPath: extDir }),
      );
      try {
        const { page } = wb;
        await timed(`${version}: dev window command + notification center + button`, async () => {
          await runCommand(page, HELLO.helloCommand);
          assert.equal(await waitForNotification(page, /Hello from the harness/), `Hello from the harness! (hello from ${version})`);
          await clickNotificationButton(page, 'Again', { notification: /Hello from the harness/ });
          await waitForNotification(page, 'Clicked Again');
        });
        await shot(page, '05-dev-window-notification-center');
      } catch (err) {
        await shot(wb.page, 'failure-dev-window').catch(() => undefined);
        throw err;
      } finally {
        await wb.close();
      }
    });

    test('extension host: a passing mocha run reports 1 passed', { skip: skipReason }, async () => {
      assert.ok(server);
      const { extDir, passDir } = fixture();
      const r = await timed(`${version}: extension-host run (passing)`, () =>
        runExtensionHostTests(server!, { testsPath: passDir, extensionDevelopmentPath: extDir, screenshotName: `harness-${version}-06-exthost-pass` }),
      );
      assert.equal(r.error, undefined, r.error);
      assert.deepEqual({ exitCode: r.exitCode, passed: r.passed, failed: r.failed }, { exitCode: 0, passed: 1, failed: 0 }, r.output.join('\n'));
      assert.ok(r.output.some((l) => l.includes(`running in VS Code ${server!.info.vscodeVersion}`)), r.output.join('\n'));
    });

    test('extension host: a failing mocha run is detected', { skip: skipReason }, async () => {
      assert.ok(server);
      const { extDir, failDir } = fixture();
      const r = await timed(`${version}: extension-host run (failing on purpose)`, () =>
        runExtensionHostTests(server!, { testsPath: failDir, extensionDevelopmentPath: extDir }),
      );
      assert.equal(r.error, undefined, r.error);
      assert.deepEqual({ exitCode: r.exitCode, passed: r.passed, failed: r.failed }, { exitCode: 1, passed: 0, failed: 1 });
      assert.match(r.tests[0]?.error ?? '', /arithmetic is broken on purpose/);
    });
  });
}
