/**
 * Everything MCP in the editor, wired once: the built-in registration (MCP provider / Cursor API),
 * the three MCP commands (through the same error wrapper as every command), the status page, and
 * the files file-launched agents use (~/.daytona/mcp server copy and credentials) kept in step.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { apiUrlToStore, resolveCredentials, type Credentials } from '../core/credentials';
import { credentialsFilePath, removeCredentialsFile, stableServerPath, writeCredentialsFile } from '../core/daytona-home';
import { installServerCopy } from '../registration/install';
import { initMcp, showMcpConfig, statusFacts, type McpCommandHost } from './mcp-commands';
import { bundledServerPath, McpRegistration } from './mcp-registration';
import { registerCommands } from './register-command';
import type { SandboxStore } from './sandbox-store';
import { readSettings } from './settings';
import { McpStatusPage } from './status-document';

export interface McpWiringHost {
  log: vscode.LogOutputChannel;
  extensionPath: string;
  store: SandboxStore;
  credentials(): Credentials;
  onInitialised(): void;
}

export interface McpWiring {
  registration: McpRegistration;
  disposables: vscode.Disposable[];
  /** The editor's key (or its API URL / target setting) changed: the credentials file and the registered server follow it. */
  keyChanged(key: string | undefined): void;
}

export function wireMcp(h: McpWiringHost): McpWiring {
  const registration = new McpRegistration({ log: h.log, extensionPath: h.extensionPath, credentials: h.credentials });
  refreshStableServer(h.extensionPath, h.log);
  const host: McpCommandHost = {
    log: h.log,
    extensionPath: h.extensionPath,
    credentials: h.credentials,
    registration,
    onInitialised: () => {
      h.onInitialised();
      // The page states which config files exist: an open one shows the file just written.
      void statusPage.refresh();
    },
  };
  const statusPage = new McpStatusPage(h.store, () => statusFacts(host));
  return {
    registration,
    disposables: [
      registration,
      statusPage,
      ...registerCommands({
        'daytona.initMcp': () => initMcp(host),
        'daytona.showMcpConfig': () => showMcpConfig(host),
        'daytona.mcpStatus': () => statusPage.show(),
      }, h.log),
    ],
    keyChanged(key) {
      syncCredentialsFile(key, h.log);
      registration.refresh();
    },
  };
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
      // The key with the URL the editor uses for it (the setting, else DAYTONA_API_URL), never without.
      const s = readSettings();
      const creds = resolveCredentials({ explicit: { apiKey: key, apiUrl: s.apiUrl, target: s.target } });
      writeCredentialsFile({ apiKey: key, apiUrl: apiUrlToStore(creds), target: creds.target });
      log.info(`updated ${credentialsFilePath()} for file-based agents`);
    } else if (removeCredentialsFile()) {
      log.info(`removed ${credentialsFilePath()}: file-based agents are signed out too`);
    }
  } catch (err) {
    log.warn(`could not update ${credentialsFilePath()}: ${(err as Error).message}`);
  }
}
