/**
 * Lets the walkthrough check off steps done before it was opened. VS Code counts a step's completion
 * events only while its walkthrough service lives (created when the walkthrough is first shown), and an
 * `onContext` expression already true when the step is registered never completes it. So each step also
 * completes on "<done> && daytona.walkthroughSync": the extension keeps what was done (key present,
 * view opened, Init MCP run) in context keys from persisted state, and briefly sets
 * daytona.walkthroughSync whenever an editor without a text input (the walkthrough page) opens.
 */
import * as vscode from 'vscode';

const VIEW_OPENED = 'daytona.walkthrough.viewOpened';
const MCP_INITIALISED = 'daytona.walkthrough.mcpInitialised';

const setContext = (key: string, value: unknown) => vscode.commands.executeCommand('setContext', key, value);

export class WalkthroughSync implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly state: vscode.Memento, view: vscode.TreeView<unknown>) {
    void setContext('daytona.viewOpened', Boolean(state.get(VIEW_OPENED)));
    void setContext('daytona.mcpInitialised', Boolean(state.get(MCP_INITIALISED)));
    if (view.visible) void this.remember(VIEW_OPENED, 'daytona.viewOpened');
    this.disposables.push(
      view.onDidChangeVisibility((e) => e.visible && void this.remember(VIEW_OPENED, 'daytona.viewOpened')),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        // The walkthrough page is a webview-like editor: the API shows it as a tab without an input.
        if ([...e.opened, ...e.changed].some((t) => t.input === undefined)) void this.pulse();
      }),
    );
    void this.pulse(); // a walkthrough opened before activation (the Welcome page at startup)
  }

  /** Init MCP wrote a config or the editor's built-in registration was chosen. */
  mcpInitialised(): Promise<void> {
    return this.remember(MCP_INITIALISED, 'daytona.mcpInitialised');
  }

  private async remember(stateKey: string, contextKey: string): Promise<void> {
    if (!this.state.get(stateKey)) await this.state.update(stateKey, true);
    await setContext(contextKey, true);
    await this.pulse();
  }

  private async pulse(): Promise<void> {
    await setContext('daytona.walkthroughSync', true);
    await setContext('daytona.walkthroughSync', false);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
