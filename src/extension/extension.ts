/**
 * Composition root. Activation wires the key store, settings, the sandbox store, tree, status bar
 * and commands; nothing here loads @daytonaio/sdk — the gateway imports it on the first API call.
 */
import * as vscode from 'vscode';
import { resolveCredentials, hasCredential, type Credentials } from '../core/credentials';
import { createGatewayProvider, type ManagedGatewayProvider } from '../core/gateway-provider';
import { scrubbedLog } from './scrubbed-log';
import type { ToolContext } from '../core/tool';
import { registerCommands, type CommandServices } from './commands';
import { DETAILS_SCHEME, SandboxDetailsProvider } from './details-document';
import { KeyStore } from './key-store';
import { SandboxStore } from './sandbox-store';
import { SandboxTreeProvider } from './sandbox-tree';
import { defaultProject, readSettings, SECTION } from './settings';
import { StatusBar } from './status-bar';
import { WalkthroughSync } from './walkthrough-sync';
import { showToolError } from './tool-runner';
import { ToolError } from '../core/errors';
import { initMcp, mcpStatus, showMcpConfig, statusFacts, type McpCommandHost } from './mcp-commands';
import { McpStatusProvider, STATUS_SCHEME } from './status-document';
import { bundledServerPath, McpRegistration } from './mcp-registration';
import { credentialsFilePath, removeCredentialsFile, stableServerPath, writeCredentialsFile } from '../core/daytona-home';
import { installServerCopy } from '../registration/install';
import { existsSync } from 'node:fs';
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

export async function activate(context: vscode.ExtensionContext): Promise<TestApi | undefined> {
  const log = scrubbedLog(vscode.window.createOutputChannel('Daytona', { log: true }));
  const keys = new KeyStore(context.secrets);
  await keys.load();

  const credentials = (apiKey = keys.current): Credentials => {
    const s = readSettings();
    return resolveCredentials({ explicit: { apiKey, apiUrl: s.apiUrl, target: s.target } });
  };
  provider = createGatewayProvider({ resolveCredentials: () => credentials() });
  const gateways = provider;

  const makeContext = (gateway: ToolContext['gateway'], signal: AbortSignal, hooks?: Partial<Pick<ToolContext, 'progress' | 'confirm'>>): ToolContext => ({
    gateway,
    signal,
    defaults: { project: defaultProject(readSettings()) },
    progress: hooks?.progress ?? (() => undefined),
    confirm: hooks?.confirm ?? (async () => 'unsupported'),
  });

  const store = new SandboxStore({
    context: (signal) => makeContext(gateways.get, signal),
    intervalMs: () => readSettings().autoRefreshSeconds * 1000,
    hiddenIntervalMs: () => readSettings().statusBarRefreshSeconds * 1000,
    hasCredential: () => hasCredential(credentials()),
  });
  const tree = new SandboxTreeProvider(store, () => readSettings().groupBy);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const statusBar = new StatusBar(store, () => hasCredential(credentials()));
  const walkthrough = new WalkthroughSync(context.globalState, view);

  // A rejected key is said once, as a notification with the fix, not on every poll.
  let notifiedAuthFor: string | undefined;
  const notifyAuthError = () => {
    const s = store.status;
    if (s.kind !== 'error' || s.error.kind !== 'auth') return;
    const origin = credentials().origin;
    if (notifiedAuthFor === origin) return;
    notifiedAuthFor = origin;
    void showToolError(new ToolError('auth', `The Daytona API rejected the key from ${origin}.`), log);
  };

  const syncContext = () => {
    const c = credentials();
    void vscode.commands.executeCommand('setContext', 'daytona.hasKey', hasCredential(c));
    void vscode.commands.executeCommand('setContext', 'daytona.keySource', c.source);
    void vscode.commands.executeCommand('setContext', 'daytona.loaded', store.status.kind === 'ready');
    view.message = store.status.kind === 'error' ? `${store.status.error.message}` : undefined;
    view.badge = store.runningCount ? { value: store.runningCount, tooltip: `${store.runningCount} running` } : undefined;
    statusBar.update();
  };

  const services: CommandServices = {
    log,
    keys,
    store,
    credentials: () => credentials(),
    context: (signal, hooks) => makeContext(gateways.get, signal, hooks),
    contextWithKey: (apiKey, signal) => {
      const once = createGatewayProvider({ resolveCredentials: () => credentials(apiKey) });
      return makeContext(async () => once.get(), signal);
    },
    simpleContext: (signal) => makeContext(gateways.get, signal),
    onAuthError: () => syncContext(),
    revealView: async () => {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    },
  };

  const registration = new McpRegistration({ log, extensionPath: context.extensionPath, credentials: () => credentials() });
  refreshStableServer(context.extensionPath, log);
  const mcpHost: McpCommandHost = { log, extensionPath: context.extensionPath, credentials: () => credentials(), registration, onInitialised: () => void walkthrough.mcpInitialised() };
  const statusPage = new McpStatusProvider(store, () => statusFacts(mcpHost));

  context.subscriptions.push(
    registration,
    vscode.commands.registerCommand('daytona.initMcp', () => initMcp(mcpHost)),
    vscode.commands.registerCommand('daytona.showMcpConfig', () => showMcpConfig(mcpHost)),
    vscode.commands.registerCommand('daytona.mcpStatus', () => mcpStatus()),
    statusPage,
    vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, statusPage),
    log,
    keys,
    store,
    tree,
    view,
    statusBar,
    walkthrough,
    { dispose: () => void gateways.dispose() },
    store.onDidChange(syncContext),
    store.onDidChange(notifyAuthError),
    view.onDidChangeVisibility((e) => store.setVisible(e.visible)),
    keys.onDidChange(() => {
      notifiedAuthFor = undefined;
      log.info(`credentials changed; now using ${credentials().origin}`);
      syncCredentialsFile(keys.current, log);
      registration.refresh();
      syncContext();
      store.reset();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.groupBy`)) tree.refresh();
      if (e.affectsConfiguration(`${SECTION}.apiUrl`) || e.affectsConfiguration(`${SECTION}.target`)) store.reset();
      if (e.affectsConfiguration(`${SECTION}.mcp`) || e.affectsConfiguration(`${SECTION}.apiUrl`) || e.affectsConfiguration(`${SECTION}.target`)) registration.refresh();
      syncContext();
    }),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, new SandboxDetailsProvider((signal) => makeContext(gateways.get, signal))),
    ...registerCommands(services),
  );
  syncContext();
  store.setVisible(view.visible);
  log.info(`activated in ${vscode.env.appName} ${vscode.version}; key: ${credentials().origin}`);
  warnAboutUnsafeFolders(log);
  return context.extensionMode === vscode.ExtensionMode.Test ? { keys, store, tree, registrationMode: registration.mode } : undefined;
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

/**
 * File-launched agents run the copy at ~/.daytona/mcp; once the user has set that up (Init MCP),
 * keep it in step with this extension version so updates reach them. Off the activation path.
 */
function refreshStableServer(extensionPath: string, log: vscode.LogOutputChannel): void {
  if (!existsSync(stableServerPath())) return;
  setTimeout(() => {
    try {
      const r = installServerCopy(bundledServerPath(extensionPath));
      if (r.changed) log.info(`updated the MCP server for file-based agents at ${r.path}`);
    } catch (err) {
      log.warn(`could not update ${stableServerPath()}: ${(err as Error).message}`);
    }
  }, 2_000);
}

/** A credentials file written by Init MCP follows the editor's key: replaced on change, removed on sign-out. */
function syncCredentialsFile(key: string | undefined, log: vscode.LogOutputChannel): void {
  if (!existsSync(credentialsFilePath())) return;
  try {
    if (key) {
      const s = readSettings();
      writeCredentialsFile({ apiKey: key, apiUrl: s.apiUrl, target: s.target });
      log.info(`updated ${credentialsFilePath()} for file-based agents`);
    } else if (removeCredentialsFile()) {
      log.info(`removed ${credentialsFilePath()}: file-based agents are signed out too`);
    }
  } catch (err) {
    log.warn(`could not update ${credentialsFilePath()}: ${(err as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await provider?.dispose();
}
