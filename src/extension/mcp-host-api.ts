/**
 * The editor MCP APIs we use, declared locally: engines.vscode stays low enough for Windsurf's and
 * older bases (whose @types lack them), so everything is feature-detected at run time.
 */
import * as vscode from 'vscode';

/** VS Code ≥ 1.101: vscode.McpStdioServerDefinition. */
export interface McpStdioServerDefinition {
  readonly label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  version?: string;
}
type McpStdioCtor = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;

export interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioServerDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition>;
}

interface VsCodeMcpApi {
  McpStdioServerDefinition: McpStdioCtor;
  registerMcpServerDefinitionProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
}

/** Cursor ≥ 1.x: vscode.cursor.mcp. */
export interface CursorMcpApi {
  registerServer(config: { name: string; server: { command: string; args: string[]; env?: Record<string, string> } }): void;
  unregisterServer(name: string): void;
}

/**
 * Reads a possibly-missing API. Older bases ship some of these as *proposed* APIs, and merely
 * touching a proposed API that the extension has not enabled throws — so every probe is guarded.
 */
function probe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function vscodeMcpApi(): VsCodeMcpApi | undefined {
  const api = vscode as unknown as { McpStdioServerDefinition?: McpStdioCtor; lm?: { registerMcpServerDefinitionProvider?: VsCodeMcpApi['registerMcpServerDefinitionProvider'] } };
  const ctor = probe(() => api.McpStdioServerDefinition);
  const register = probe(() => api.lm?.registerMcpServerDefinitionProvider);
  if (typeof ctor !== 'function' || typeof register !== 'function') return undefined;
  return { McpStdioServerDefinition: ctor, registerMcpServerDefinitionProvider: register.bind(api.lm) };
}

export function cursorMcpApi(): CursorMcpApi | undefined {
  const mcp = probe(() => (vscode as unknown as { cursor?: { mcp?: Partial<CursorMcpApi> } }).cursor?.mcp);
  return typeof mcp?.registerServer === 'function' && typeof mcp.unregisterServer === 'function' ? (mcp as CursorMcpApi) : undefined;
}

/** Which editor this is, from its URI scheme / app name. */
export function currentHost(): 'vscode' | 'cursor' | 'windsurf' | 'other' {
  const id = `${vscode.env.uriScheme} ${vscode.env.appName}`.toLowerCase();
  if (id.includes('cursor')) return 'cursor';
  if (id.includes('windsurf') || id.includes('devin')) return 'windsurf';
  if (id.includes('vscode') || id.includes('visual studio code') || id.includes('code-oss') || id.includes('code-server')) return 'vscode';
  return 'other';
}
