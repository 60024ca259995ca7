/**
 * Says in the Daytona log how long the Sandboxes view took to show its first rows and its whole list
 * after it was opened (the benchmark and the 10,000-sandbox editor test read these lines).
 */
import type * as vscode from 'vscode';
import type { SandboxStore } from './sandbox-store';

export function logLoadTimes(store: SandboxStore, view: vscode.TreeView<unknown>, log: vscode.LogOutputChannel): vscode.Disposable {
  let openedAt: number | undefined;
  let firstShown = false;
  const start = (): void => {
    if (store.totalCount !== undefined) return; // the list is already whole: nothing to wait for
    openedAt = Date.now();
    firstShown = store.sandboxes.length > 0;
  };
  if (view.visible) start();
  const subs = [
    view.onDidChangeVisibility((e) => (e.visible ? start() : (openedAt = undefined))),
    store.onDidChange(() => {
      if (openedAt === undefined) return;
      const ms = Date.now() - openedAt;
      if (!firstShown && store.sandboxes.length > 0) {
        firstShown = true;
        log.info(`Sandboxes view: first ${store.sandboxes.length} rows shown ${ms} ms after it opened`);
      }
      if (store.totalCount !== undefined) {
        log.info(`Sandboxes view: all ${store.totalCount} sandboxes in ${ms} ms after it opened`);
        openedAt = undefined;
      }
    }),
  ];
  return { dispose: () => subs.forEach((d) => d.dispose()) };
}
