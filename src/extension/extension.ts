/**
 * Composition root. Activation wires the key store, settings, the sandbox store, tree, status bar,
 * MCP (mcp-wiring.ts) and commands; nothing here loads @daytonaio/sdk — the gateway imports it on
 * the first API call.
 */
import * as vscode from 'vscode';
import { resolveCredentials, hasCredential, type Credentials } from '../core/credentials';
import { createGatewayProvider, type ManagedGatewayProvider } from '../core/gateway-provider';
import type { GatewayProvider } from '../core/gateway';
import { scrubbedLog } from './scrubbed-log';
import { registerCommands, type CommandServices } from './commands';
import { ConnectionState } from './connection-state';
import { DETAILS_SCHEME, SandboxDetailsProvider } from './details-document';
import { KeyStore } from './key-store';
import { wireMcp } from './mcp-wiring';
import type { McpRegistration } from './mcp-registration';
import { SandboxStore } from './sandbox-store';
import { registerFilterCommands } from './filter-commands';
import { logLoadTimes } from './load-timing';
import { openSandboxEvents } from '../core/sandbox-events';
import { SandboxTreeProvider } from './sandbox-tree';
import { defaultProject, readSettings, SECTION } from './settings';
import { StatusBar } from './status-bar';
import { whereText } from './profile-model';
import type { RunnerHost } from './tool-runner';
import { WalkthroughSync } from './walkthrough-sync';
import { daytonaFolderWarnings, folderWarningNotice } from '../core/file-trust';

const VIEW_ID = 'daytona.sandboxes';

let provider: ManagedGatewayProvider | undefined;

/**
 * Handles for the extension-host tests only (ExtensionMode.Test): other extensions never get a way
 * to the key through our exports.
 */
export interface TestApi {
  keys: KeyStore;
  store: SandboxStore;
  tree: SandboxTreeProvider;
  registrationMode: McpRegistration['mode'];
}

/** With the view hidden at start-up, the first running count waits this long (see activate). */
const HIDDEN_FIRST_COUNT_DELAY_MS = 3_000;

/** Runs a function once after `ms`, unless disposed first (e.g. the view's visibility changed meanwhile). */
function deferredOnce(ms: number): { start(fn: () => void): void; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  return {
    start(fn) {
      if (done) return;
      timer = setTimeout(() => {
        done = true;
        fn();
      }, ms);
    },
    dispose() {
      done = true;
      clearTimeout(timer);
    },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<TestApi | undefined> {
  const log = scrubbedLog(vscode.window.createOutputChannel('Daytona', { log: true }));
  const keys = new KeyStore(context.secrets);
  await keys.load();

  const credentials = (apiKey = keys.current): Credentials => {
    const s = readSettings();
    return resolveCredentials({ explicit: { apiKey, apiUrl: s.apiUrl, target: s.target }, profile: s.profile });
  };
  provider = createGatewayProvider({ resolveCredentials: () => credentials() });
  const gateways = provider;
  // The one tool context of the editor; every command, the store and the details page use it.
  const toolContext = toolContextFor(gateways.get);

  const firstCount = deferredOnce(HIDDEN_FIRST_COUNT_DELAY_MS);
  context.subscriptions.push(firstCount);
  const store = new SandboxStore({
    context: (signal) => toolContext(signal),
    intervalMs: () => readSettings().autoRefreshSeconds * 1000,
    hiddenIntervalMs: () => readSettings().statusBarRefreshSeconds * 1000,
    hasCredential: () => hasCredential(credentials()),
    // Live changes while the view is visible; without the stream the store polls with lastEventAfter.
    events: (handlers) => openSandboxEvents(credentials(), handlers),
  });
  const tree = new SandboxTreeProvider(store, () => readSettings().groupBy);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const statusBar = new StatusBar(store, () => hasCredential(credentials()), () => {
    const c = credentials();
    return { text: whereText(c), profile: c.source === 'daytona-cli' || Boolean(c.profileProblem) };
  });
  const walkthrough = new WalkthroughSync(context.globalState, view);
  const mcp = wireMcp({ log, extensionPath: context.extensionPath, store, credentials: () => credentials(), onInitialised: () => void walkthrough.mcpInitialised() });
  const connection = new ConnectionState({ store, view, statusBar, log, credentials: () => credentials(), filterMessage: () => tree.filterMessage() });

  const services: CommandServices = {
    log,
    keys,
    store,
    credentials: () => credentials(),
    context: toolContext,
    async withKey(apiKey, use) {
      // A provider for this one check, disposed after it (it holds an SDK client and registers the key with the scrubber).
      const once = createGatewayProvider({ resolveCredentials: () => credentials(apiKey) });
      try {
        return await use(toolContextFor(once.get)(new AbortController().signal));
      } finally {
        await once.dispose();
      }
    },
    onAuthError: () => connection.sync(),
    onToolError: (err) => connection.noteToolError(err),
    revealView: async () => {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    },
  };

  context.subscriptions.push(
    ...mcp.disposables,
    log,
    keys,
    store,
    tree,
    view,
    statusBar,
    walkthrough,
    { dispose: () => void gateways.dispose() },
    connection,
    logLoadTimes(store, view, log),
    view.onDidChangeVisibility((e) => {
      firstCount.dispose();
      store.setVisible(e.visible);
    }),
    keys.onDidChange(() => {
      log.info(`credentials changed; now using ${credentials().origin}`);
      mcp.keyChanged(keys.current);
      connection.keyChanged();
      store.reset();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.groupBy`)) tree.refresh();
      if (e.affectsConfiguration(`${SECTION}.apiUrl`) || e.affectsConfiguration(`${SECTION}.target`)) store.reset();
      if (e.affectsConfiguration(`${SECTION}.apiUrl`) || e.affectsConfiguration(`${SECTION}.target`)) {
        // File-launched agents keep the editor's key with its URL: a new URL reaches them too.
        if (keys.current) mcp.keyChanged(keys.current);
        else mcp.registration.refresh();
      } else if (e.affectsConfiguration(`${SECTION}.mcp`)) mcp.registration.refresh();
      if (e.affectsConfiguration(`${SECTION}.profile`)) {
        // Another place to act in: the tree, the status bar and the registered MCP server follow.
        log.info(`profile switched; now using ${credentials().origin}`);
        mcp.registration.refresh();
        connection.keyChanged();
        store.reset();
        return;
      }
      connection.sync();
    }),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, new SandboxDetailsProvider((signal) => toolContext(signal))),
    ...registerCommands(services),
    ...registerFilterCommands(tree, () => connection.sync(), log),
  );
  connection.sync();
  // Shown: the list now. Hidden: the status bar's running count needs the SDK (~100 ms to evaluate)
  // and an API call, which wait until the editor's own start-up is over.
  if (view.visible) store.setVisible(true);
  else firstCount.start(() => store.setVisible(view.visible));
  log.info(`activated in ${vscode.env.appName} ${vscode.version}; key: ${credentials().origin}`);
  warnAboutUnsafeFolders(log);
  return context.extensionMode === vscode.ExtensionMode.Test ? { keys, store, tree, registrationMode: mcp.registration.mode } : undefined;
}

/**
 * Like `status`: a ~/.daytona others can write lets them swap what the MCP server reads. Said once
 * per session (activation), as one notification carrying the chmod fix, and in the output channel.
 */
function warnAboutUnsafeFolders(log: vscode.LogOutputChannel): void {
  const notice = folderWarningNotice(daytonaFolderWarnings());
  if (!notice) return;
  log.warn(notice);
  void vscode.window.showWarningMessage(notice);
}

/** Tool contexts over one gateway: the editor's defaults, and no progress or confirmation unless a command supplies them. */
function toolContextFor(gateway: GatewayProvider): RunnerHost['context'] {
  return (signal, hooks) => ({
    gateway,
    signal,
    defaults: { project: defaultProject(readSettings()) },
    progress: hooks?.progress ?? (() => undefined),
    confirm: hooks?.confirm ?? (async () => 'unsupported'),
  });
}

export async function deactivate(): Promise<void> {
  await provider?.dispose();
}
