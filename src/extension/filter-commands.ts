/**
 * "Filter…" and "Clear Filter" in the Sandboxes view's title: narrow a big tree by name, label value,
 * project, or `key=value`. The view's message says what is filtered and how many match.
 */
import * as vscode from 'vscode';
import { registerCommands } from './register-command';
import type { SandboxTreeProvider } from './sandbox-tree';

export function registerFilterCommands(tree: SandboxTreeProvider, changed: () => void, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const apply = (text: string): void => {
    tree.setFilter(text);
    void vscode.commands.executeCommand('setContext', 'daytona.filtered', Boolean(tree.filter));
    changed();
  };
  return registerCommands(
    {
      'daytona.filterSandboxes': async () => {
        const text = await vscode.window.showInputBox({
          title: 'Filter sandboxes',
          value: tree.filter,
          prompt: 'Part of a name, a label value or a project; key=value for one label. Empty shows all.',
          placeHolder: 'e.g. run-1  or  project=autoviral',
        });
        if (text !== undefined) apply(text);
      },
      'daytona.clearFilter': () => apply(''),
    },
    log,
  );
}
