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
//
// This file is the harness's public face, shared with scripts/demo.ts, scripts/pictures/ and bench/; the
// code lives in driver/, one module per concern:
//   driver/install.ts      where the editors, Chromium and Playwright are; packaging a .vsix
//   driver/processes.ts    ports, child environments, process groups killed on exit
//   driver/code-server.ts  installing the .vsix into a private code-server and launching it
//   driver/browser.ts      Chromium and the workbench page (incl. the smoke-test-driver window)
//   driver/workbench.ts    driving the workbench: palette, quick input, notifications, clicks judged by state
//   driver/views.ts        activity bar, views, tree rows, context menus
//   driver/exthost.ts      mocha runs inside the real extension host
export * from './driver/install';
export * from './driver/code-server';
export * from './driver/browser';
export * from './driver/workbench';
export * from './driver/views';
export * from './driver/exthost';
export { freePort } from './driver/processes';
