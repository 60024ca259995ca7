/**
 * The agent hosts whose MCP config files we can edit, as one table. Everything here is a pure
 * function of its inputs (platform, environment, workspace folder) so every platform's paths can be
 * tested from any machine; only `defaultHostContext` and the default `exists` touch the real system.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { JsonObject } from './json';

export type HostId = 'claude' | 'cursor' | 'windsurf' | 'vscode';
export type TopKey = 'mcpServers' | 'servers';
export type ConfigScope = 'global' | 'workspace';

/** The only environment variables that decide where config files live. */
export interface HostEnv {
  HOME?: string;
  USERPROFILE?: string;
  APPDATA?: string;
  XDG_CONFIG_HOME?: string;
}

export interface HostContext {
  platform: NodeJS.Platform;
  env: HostEnv;
  workspaceDir?: string;
}

export interface ConfigLocation {
  scope: ConfigScope;
  path: string;
}

/** Host-neutral description of a local (stdio) server. */
export interface StdioServer {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Host-neutral description of a remote (Streamable HTTP) server. */
export interface HttpServer {
  url: string;
  headers?: Record<string, string>;
}

export type FileExists = (path: string) => boolean;

export interface HostTarget {
  readonly id: HostId;
  readonly displayName: string;
  /** Property of the root object that maps server names to entries. */
  readonly topKey: TopKey;
  readonly scopes: readonly ConfigScope[];
  /** Whether `${env:NAME}` in the file is expanded by the host (keeps secrets out of the file). */
  readonly supportsEnvInterpolation: boolean;
  /** Whether a remote server can be declared in this file at all. */
  readonly supportsHttp: boolean;
  /** Candidate files, most specific first; a scope is left out when its base folder is unknown. */
  configPaths(ctx: HostContext): ConfigLocation[];
  stdioEntry(server: StdioServer): JsonObject;
  /** Undefined when the host cannot load remote servers from its file (see supportsHttp). */
  httpEntry(server: HttpServer): JsonObject | undefined;
  /** What the user must do after the file changed, for the server called `serverName`. */
  nextSteps(serverName: string): string;
  /** Heuristic: the host's own folder exists. False negatives are fine; the caller can still offer it. */
  detectInstalled(env: HostEnv, platform: NodeJS.Platform, exists?: FileExists): boolean;
}

function pathFor(platform: NodeJS.Platform): nodePath.PlatformPath {
  return platform === 'win32' ? nodePath.win32 : nodePath.posix;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Home folder as the host itself resolves it: Windows apps use %USERPROFILE%, not %HOME%. */
export function homeDir(env: HostEnv, platform: NodeJS.Platform): string | undefined {
  return platform === 'win32' ? (nonEmpty(env.USERPROFILE) ?? nonEmpty(env.HOME)) : nonEmpty(env.HOME);
}

function underHome(env: HostEnv, platform: NodeJS.Platform, ...parts: string[]): string | undefined {
  const home = homeDir(env, platform);
  return home === undefined ? undefined : pathFor(platform).join(home, ...parts);
}

function claudeConfigDir(env: HostEnv, platform: NodeJS.Platform): string | undefined {
  const p = pathFor(platform);
  if (platform === 'darwin') return underHome(env, platform, 'Library', 'Application Support', 'Claude');
  if (platform === 'win32') {
    // MSIX (Store) installs keep a package-local copy instead; not handled here.
    const appData = nonEmpty(env.APPDATA) ?? underHome(env, platform, 'AppData', 'Roaming');
    return appData === undefined ? undefined : p.join(appData, 'Claude');
  }
  // No official Linux build; community builds follow XDG. A relative XDG_CONFIG_HOME is invalid per spec.
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const base = xdg !== undefined && p.isAbsolute(xdg) ? xdg : underHome(env, platform, '.config');
  return base === undefined ? undefined : p.join(base, 'Claude');
}

function withEnv(base: JsonObject, env: Record<string, string> | undefined): JsonObject {
  // An empty env block is noise in a hand-edited file; leave it out.
  return env !== undefined && Object.keys(env).length > 0 ? { ...base, env: { ...env } } : base;
}

function withHeaders(base: JsonObject, headers: Record<string, string> | undefined): JsonObject {
  return headers !== undefined && Object.keys(headers).length > 0 ? { ...base, headers: { ...headers } } : base;
}

const defaultExists: FileExists = (p) => existsSync(p);

const claude: HostTarget = {
  id: 'claude',
  displayName: 'Claude Desktop',
  topKey: 'mcpServers',
  scopes: ['global'],
  supportsEnvInterpolation: false,
  // Claude Desktop ignores remote servers in this file; they are added under Settings → Connectors.
  supportsHttp: false,
  configPaths(ctx) {
    const dir = claudeConfigDir(ctx.env, ctx.platform);
    return dir === undefined ? [] : [{ scope: 'global', path: pathFor(ctx.platform).join(dir, 'claude_desktop_config.json') }];
  },
  stdioEntry: (s) => withEnv({ command: s.command, args: [...s.args] }, s.env),
  httpEntry: () => undefined,
  nextSteps: (name) =>
    `Quit Claude Desktop completely (closing its window is not enough) and start it again; the "${name}" tools ` +
    'then appear in the tools menu of a new chat.',
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = claudeConfigDir(env, platform);
    return (dir !== undefined && exists(dir)) || (platform === 'darwin' && exists('/Applications/Claude.app'));
  },
};

const cursor: HostTarget = {
  id: 'cursor',
  displayName: 'Cursor',
  topKey: 'mcpServers',
  scopes: ['workspace', 'global'],
  supportsEnvInterpolation: true,
  supportsHttp: true,
  configPaths(ctx) {
    const p = pathFor(ctx.platform);
    const out: ConfigLocation[] = [];
    if (ctx.workspaceDir !== undefined) out.push({ scope: 'workspace', path: p.join(ctx.workspaceDir, '.cursor', 'mcp.json') });
    const global = underHome(ctx.env, ctx.platform, '.cursor', 'mcp.json');
    if (global !== undefined) out.push({ scope: 'global', path: global });
    return out;
  },
  stdioEntry: (s) => withEnv({ command: s.command, args: [...s.args] }, s.env),
  httpEntry: (s) => withHeaders({ url: s.url }, s.headers),
  nextSteps: (name) =>
    `In Cursor, open the MCP server list (Cursor Settings → Tools & MCP; Customize → MCPs in the sidebar of newer ` +
    `versions) and switch "${name}" on; newly added servers can start disabled.`,
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = underHome(env, platform, '.cursor');
    return dir !== undefined && exists(dir);
  },
};

const windsurf: HostTarget = {
  id: 'windsurf',
  displayName: 'Windsurf',
  topKey: 'mcpServers',
  scopes: ['global'],
  supportsEnvInterpolation: true,
  supportsHttp: true,
  configPaths(ctx) {
    const file = underHome(ctx.env, ctx.platform, '.codeium', 'windsurf', 'mcp_config.json');
    return file === undefined ? [] : [{ scope: 'global', path: file }];
  },
  stdioEntry: (s) => withEnv({ command: s.command, args: [...s.args] }, s.env),
  // Windsurf reads remote servers from `serverUrl`; a Cursor-style `url` does not connect.
  httpEntry: (s) => withHeaders({ serverUrl: s.url }, s.headers),
  nextSteps: (name) => `Open Windsurf's MCP panel (Cascade → MCP servers) and press Refresh so it loads "${name}".`,
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = underHome(env, platform, '.codeium', 'windsurf');
    return dir !== undefined && exists(dir);
  },
};

const vscode: HostTarget = {
  id: 'vscode',
  displayName: 'VS Code',
  topKey: 'servers',
  // The user-level mcp.json lives in the profile folder; the extension API covers that case instead.
  scopes: ['workspace'],
  supportsEnvInterpolation: true,
  supportsHttp: true,
  configPaths(ctx) {
    return ctx.workspaceDir === undefined
      ? []
      : [{ scope: 'workspace', path: pathFor(ctx.platform).join(ctx.workspaceDir, '.vscode', 'mcp.json') }];
  },
  stdioEntry: (s) => withEnv({ type: 'stdio', command: s.command, args: [...s.args] }, s.env),
  httpEntry: (s) => withHeaders({ type: 'http', url: s.url }, s.headers),
  nextSteps: (name) =>
    `Run "MCP: List Servers" from the Command Palette, pick "${name}" and choose Start Server (or use the Start ` +
    'action shown above the entry in .vscode/mcp.json).',
  detectInstalled(env, platform, exists = defaultExists) {
    return ['.vscode', '.vscode-insiders'].some((d) => {
      const dir = underHome(env, platform, d);
      return dir !== undefined && exists(dir);
    });
  },
};

export const HOSTS: Readonly<Record<HostId, HostTarget>> = { claude, cursor, windsurf, vscode };
export const HOST_IDS: readonly HostId[] = ['claude', 'cursor', 'windsurf', 'vscode'];

export function isHostId(value: string): value is HostId {
  return (HOST_IDS as readonly string[]).includes(value);
}

/** Convenience for callers outside tests: the real platform and environment. */
export function defaultHostContext(workspaceDir?: string): HostContext {
  const { HOME, USERPROFILE, APPDATA, XDG_CONFIG_HOME } = process.env;
  const ctx: HostContext = { platform: process.platform, env: { HOME, USERPROFILE, APPDATA, XDG_CONFIG_HOME } };
  if (workspaceDir !== undefined) ctx.workspaceDir = workspaceDir;
  return ctx;
}
