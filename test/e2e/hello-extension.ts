// A tiny throwaway extension, generated at test time, that exercises what the harness must drive: a
// palette command with a notification (and a button), an input box, an activity-bar view container with
// a two-item tree view and a tree-item context menu. Plus extension-host test files (one passing, one
// failing) for runExtensionHostTests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HELLO = {
  id: 'e2e-harness.harness-hello',
  containerTitle: 'Harness Hello',
  viewName: 'Harness Items',
  items: ['Alpha item', 'Beta item'],
  helloCommand: 'Harness: Hello',
  askCommand: 'Harness: Ask Name',
  inspectMenuItem: 'Inspect Item',
  /** The extension host reads this variable from its environment (proves StartCodeServerOptions.env). */
  envVar: 'HARNESS_GREETING',
} as const;

const packageJson = {
  name: 'harness-hello',
  displayName: 'Harness Hello',
  description: 'Throwaway extension for the e2e harness smoke test',
  publisher: 'e2e-harness',
  version: '0.0.1',
  license: 'MIT',
  engines: { vscode: '^1.90.0' },
  main: './extension.js',
  // Commands and views generate their own activation events (VS Code >= 1.74).
  activationEvents: [],
  capabilities: { untrustedWorkspaces: { supported: true }, virtualWorkspaces: true },
  contributes: {
    commands: [
      { command: 'harnessHello.hello', title: 'Hello', category: 'Harness' },
      { command: 'harnessHello.ask', title: 'Ask Name', category: 'Harness' },
      { command: 'harnessHello.inspect', title: 'Inspect Item', category: 'Harness' },
    ],
    viewsContainers: {
      activitybar: [{ id: 'harnessHello', title: 'Harness Hello', icon: 'media/icon.svg' }],
    },
    views: {
      harnessHello: [{ id: 'harnessHello.items', name: 'Harness Items' }],
    },
    menus: {
      'view/item/context': [{ command: 'harnessHello.inspect', when: 'view == harnessHello.items' }],
      commandPalette: [{ command: 'harnessHello.inspect', when: 'false' }],
    },
  },
};

const extensionJs = `'use strict';
const vscode = require('vscode');

exports.activate = function activate(context) {
  const items = ${JSON.stringify(HELLO.items)};
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('harnessHello.items', {
      getChildren: (element) => (element ? [] : items),
      getTreeItem: (label) => {
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.contextValue = 'harnessItem';
        item.description = 'item #' + (items.indexOf(label) + 1);
        return item;
      },
    }),
    vscode.commands.registerCommand('harnessHello.hello', async () => {
      const greeting = process.env.${HELLO.envVar} || 'no greeting';
      const choice = await vscode.window.showInformationMessage('Hello from the harness! (' + greeting + ')', 'Again');
      if (choice === 'Again') void vscode.window.showInformationMessage('Clicked Again');
    }),
    vscode.commands.registerCommand('harnessHello.ask', async () => {
      const name = await vscode.window.showInputBox({ prompt: 'Your name?' });
      void vscode.window.showInformationMessage('Nice to meet you, ' + name);
    }),
    vscode.commands.registerCommand('harnessHello.inspect', (label) => {
      void vscode.window.showInformationMessage('Inspected ' + label);
    }),
  );
};

exports.deactivate = function deactivate() {};
`;

const iconSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/></svg>\n`;

/** Writes the extension into `dir` (created) and returns `dir`. */
export function writeHelloExtension(dir: string): string {
  mkdirSync(join(dir, 'media'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(join(dir, 'extension.js'), extensionJs);
  writeFileSync(join(dir, 'media', 'icon.svg'), iconSvg);
  writeFileSync(join(dir, 'README.md'), '# Harness Hello\n\nThrowaway extension for the e2e harness smoke test.\n');
  writeFileSync(join(dir, '.vscodeignore'), 'tests/**\n*.vsix\n');
  return dir;
}

/** Writes mocha files for the extension host: tests/pass/ (1 passing test) and tests/fail/ (1 failing). */
export function writeHelloExtensionTests(dir: string): { passDir: string; failDir: string } {
  const passDir = join(dir, 'tests', 'pass');
  const failDir = join(dir, 'tests', 'fail');
  mkdirSync(passDir, { recursive: true });
  mkdirSync(failDir, { recursive: true });
  writeFileSync(
    join(passDir, 'hello.test.js'),
    `'use strict';
const assert = require('assert');
const vscode = require('vscode');

describe('harness hello (extension host)', () => {
  it('registers its commands and runs one', async () => {
    const ext = vscode.extensions.getExtension('${HELLO.id}');
    assert.ok(ext, 'extension under development is loaded');
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('harnessHello.hello'), 'harnessHello.hello is registered');
    console.log('running in VS Code ' + vscode.version);
  });
});
`,
  );
  writeFileSync(
    join(failDir, 'broken.test.js'),
    `'use strict';
const assert = require('assert');

describe('harness hello (deliberately failing)', () => {
  it('fails on purpose', () => {
    assert.strictEqual(1 + 1, 3, 'arithmetic is broken on purpose');
  });
});
`,
  );
  return { passDir, failDir };
}
