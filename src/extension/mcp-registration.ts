/**
 * Registers the bundled MCP server with the editor itself: VS Code's MCP server definition provider
 * (key injected at start time from SecretStorage) and Cursor's extension API. Both re-register when
 * the key or the MCP settings change, and degrade to nothing on hosts without the APIs.
 */
import * as vscode from 'vscode';
import { hasCredential, type Credentials } from '../core/credentials';
import { entryArgs } from '../registration/install';
import { cursorMcpApi, vscodeMcpApi, type McpStdioServerDefinition } from './mcp-host-api';
import { readSettings } from './settings';

export const PROVIDER_ID = 'daytona.mcp';
export const SERVER_LABEL = 'Daytona';
const CURSOR_SERVER_NAME = 'daytona';

export interface RegistrationHost {
  log: vscode.LogOutputChannel;
  extensionPath: string;
  credentials(): Credentials;
}

/** The server shipped in the extension (dist/cli.js, which reads its bundle beside it). */
export function bundledServerPath(extensionPath: string): string {
  return vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist', 'cli.js').fsPath;
}

/** How the editor should launch the bundled server: its own runtime, so no `node` on PATH is needed. */
export function serverLaunch(extensionPath: string): { command: string; args: string[]; env: Record<string, string> } {
  const s = readSettings();
  return {
    command: process.execPath,
    args: [bundledServerPath(extensionPath), ...entryArgs({ readOnly: s.mcpReadOnly, tools: s.mcpTools, maxCreate: s.mcpMaxCreate, profile: s.profile })],
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

function apiEnv(c: Credentials): Record<string, string> {
  return { DAYTONA_API_URL: c.apiUrl, ...(c.target ? { DAYTONA_TARGET: c.target } : {}) };
}

export class McpRegistration implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private version = 1;
  private readonly disposables: vscode.Disposable[] = [];
  private cursorRegistered = false;
  readonly mode: 'vscode-provider' | 'cursor-api' | 'none';

  constructor(private readonly host: RegistrationHost) {
    this.mode = this.registerWithEditor();
    this.refresh();
    host.log.info(`MCP registration: ${this.mode === 'none' ? 'no editor MCP API here; use "Daytona: Init MCP" for file-based agents' : this.mode}`);
  }

  /**
   * VS Code's provider API where it works, else Cursor's. Bases that ship an older, differently
   * contributed variant of the provider API (VS Code 1.100 asks for `modelContextServerCollections`)
   * throw on registration: those fall back to file-based registration, like hosts without any API.
   */
  private registerWithEditor(): McpRegistration['mode'] {
    const vsApi = vscodeMcpApi();
    if (vsApi) {
      try {
        this.disposables.push(
          vsApi.registerMcpServerDefinitionProvider(PROVIDER_ID, {
            onDidChangeMcpServerDefinitions: this.changed.event,
            provideMcpServerDefinitions: () => {
              const launch = serverLaunch(this.host.extensionPath);
              const env = { ...launch.env, ...apiEnv(this.host.credentials()) };
              return [new vsApi.McpStdioServerDefinition(SERVER_LABEL, launch.command, launch.args, env, String(this.version))];
            },
            // Called right before the editor starts the server: the only moment the key is handed over.
            resolveMcpServerDefinition: (server: McpStdioServerDefinition) => {
              const c = this.host.credentials();
              if (c.source === 'editor' && c.apiKey) server.env = { ...server.env, DAYTONA_API_KEY: c.apiKey };
              return server;
            },
          }),
        );
        return 'vscode-provider';
      } catch (err) {
        this.host.log.warn(`this editor's MCP provider API refused the registration (${(err as Error).message})`);
      }
    }
    return cursorMcpApi() ? 'cursor-api' : 'none';
  }

  /** Call when the key or MCP settings change. */
  refresh(): void {
    this.version++;
    this.changed.fire();
    const cursor = this.mode === 'cursor-api' ? cursorMcpApi() : undefined;
    if (!cursor) return;
    if (this.cursorRegistered) cursor.unregisterServer(CURSOR_SERVER_NAME);
    this.cursorRegistered = false;
    const c = this.host.credentials();
    if (!hasCredential(c)) return;
    const launch = serverLaunch(this.host.extensionPath);
    // Cursor's API has no resolve step, so the key travels in the server's env (never in a file).
    const env = { ...launch.env, ...apiEnv(c), ...(c.source === 'editor' && c.apiKey ? { DAYTONA_API_KEY: c.apiKey } : {}) };
    cursor.registerServer({ name: CURSOR_SERVER_NAME, server: { command: launch.command, args: launch.args, env } });
    this.cursorRegistered = true;
  }

  dispose(): void {
    if (this.cursorRegistered) cursorMcpApi()?.unregisterServer(CURSOR_SERVER_NAME);
    this.disposables.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
