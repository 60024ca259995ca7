/**
 * The agent hosts whose MCP config files we can edit, as one table. Everything here is a pure
 * function of its inputs (platform, environment, workspace folder) so every platform's paths can be
 * tested from any machine; only `defaultHostContext` and the default `exists` touch the real system.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { JsonObject } from './json';
import type { FileFormat } from './official-entry';

export type HostId = 'claude' | 'claude-code' | 'codex' | 'gemini' | 'zed' | 'cursor' | 'windsurf' | 'vscode';
export type TopKey = 'mcpServers' | 'servers' | 'context_servers' | 'mcp_servers';
export type ConfigScope = 'global' | 'workspace';

/** The only environment variables that decide where config files live. */
export interface HostEnv {
  HOME?: string;
  USERPROFILE?: string;
  APPDATA?: string;
  XDG_CONFIG_HOME?: string;
  /** Codex keeps its config in $CODEX_HOME (default ~/.codex). */
  CODEX_HOME?: string;
  /** Claude Code keeps its user file in $CLAUDE_CONFIG_DIR/.claude.json when set (default ~/.claude.json). */
  CLAUDE_CONFIG_DIR?: string;
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
  /** Property of the root object (TOML: the table) that maps server names to entries. */
  readonly topKey: TopKey;
  /** The config file's syntax. */
  readonly format: FileFormat;
  /** Scopes this host reads, the default first (init without --workspace uses it when it is 'global'). */
  readonly scopes: readonly ConfigScope[];
  /** Words for each scope in a picker ("All projects", "This folder"). */
  readonly scopeLabels?: Partial<Record<ConfigScope, string>>;
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
  /** Commands that mean the host is installed when found on PATH (agents installed but never run yet). */
  readonly binaries?: readonly string[];
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
  format: 'jsonc',
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
  format: 'jsonc',
  displayName: 'Cursor',
  topKey: 'mcpServers',
  scopes: ['global', 'workspace'],
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
  format: 'jsonc',
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
  format: 'jsonc',
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


/** Codex's home: $CODEX_HOME when absolute, else ~/.codex (developers.openai.com/codex/config-reference). */
function codexHome(env: HostEnv, platform: NodeJS.Platform): string | undefined {
  const custom = nonEmpty(env.CODEX_HOME);
  if (custom !== undefined && pathFor(platform).isAbsolute(custom)) return custom;
  return underHome(env, platform, '.codex');
}

/** Zed's config folder: ~/.config/zed on Linux (XDG) and macOS, %APPDATA%\Zed on Windows (zed crates/paths). */
function zedConfigDir(env: HostEnv, platform: NodeJS.Platform): string | undefined {
  const p = pathFor(platform);
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? underHome(env, platform, 'AppData', 'Roaming');
    return appData === undefined ? undefined : p.join(appData, 'Zed');
  }
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const base = platform !== 'darwin' && xdg !== undefined && p.isAbsolute(xdg) ? xdg : underHome(env, platform, '.config');
  return base === undefined ? undefined : p.join(base, 'zed');
}

/** Claude Code's user file: $CLAUDE_CONFIG_DIR/.claude.json when set and absolute, else ~/.claude.json. */
function claudeCodeUserFile(env: HostEnv, platform: NodeJS.Platform): string | undefined {
  const custom = nonEmpty(env.CLAUDE_CONFIG_DIR);
  if (custom !== undefined && pathFor(platform).isAbsolute(custom)) return pathFor(platform).join(custom, '.claude.json');
  return underHome(env, platform, '.claude.json');
}

/** A user file plus, with a workspace folder, the project file relative to it. */
function userAndProject(ctx: HostContext, user: string | undefined, project: string[]): ConfigLocation[] {
  const out: ConfigLocation[] = [];
  if (user !== undefined) out.push({ scope: 'global', path: user });
  if (ctx.workspaceDir !== undefined) out.push({ scope: 'workspace', path: pathFor(ctx.platform).join(ctx.workspaceDir, ...project) });
  return out;
}

const claudeCode: HostTarget = {
  id: 'claude-code',
  displayName: 'Claude Code',
  topKey: 'mcpServers',
  format: 'jsonc',
  scopes: ['global', 'workspace'],
  scopeLabels: { global: 'All projects (user scope)', workspace: 'This project (.mcp.json, shared with the repository)' },
  // .mcp.json expands ${VAR}, not ${env:VAR}; ~/.claude.json does not expand at all.
  supportsEnvInterpolation: false,
  supportsHttp: true,
  binaries: ['claude'],
  configPaths: (ctx) => userAndProject(ctx, claudeCodeUserFile(ctx.env, ctx.platform), ['.mcp.json']),
  // What `claude mcp add -s user` writes (type first); env only when there is one.
  stdioEntry: (s) => withEnv({ type: 'stdio', command: s.command, args: [...s.args] }, s.env),
  httpEntry: (s) => withHeaders({ type: 'http', url: s.url }, s.headers),
  nextSteps: (name) =>
    `Start a new Claude Code session (or run /mcp in a running one); "claude mcp list" shows "${name}" as Connected. ` +
    'A project-scope server in .mcp.json asks for approval the first time.',
  detectInstalled(env, platform, exists = defaultExists) {
    const user = claudeCodeUserFile(env, platform);
    const dir = underHome(env, platform, '.claude');
    return [user, dir].some((path) => path !== undefined && exists(path));
  },
};

const codex: HostTarget = {
  id: 'codex',
  displayName: 'Codex CLI',
  topKey: 'mcp_servers',
  format: 'toml',
  scopes: ['global'],
  binaries: ['codex'],
  supportsEnvInterpolation: false,
  // Codex reaches remote servers with a bearer token from an environment variable, not a header value.
  supportsHttp: false,
  configPaths(ctx) {
    const home = codexHome(ctx.env, ctx.platform);
    return home === undefined ? [] : [{ scope: 'global', path: pathFor(ctx.platform).join(home, 'config.toml') }];
  },
  stdioEntry: (s) => withEnv({ command: s.command, args: [...s.args] }, s.env),
  httpEntry: () => undefined,
  nextSteps: (name) => `Start a new Codex session; "codex mcp get ${name}" shows the entry and /mcp in a session lists its tools.`,
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = codexHome(env, platform);
    return dir !== undefined && exists(dir);
  },
};

const gemini: HostTarget = {
  id: 'gemini',
  displayName: 'Gemini CLI',
  topKey: 'mcpServers',
  format: 'jsonc',
  scopes: ['global', 'workspace'],
  scopeLabels: { global: 'All folders (~/.gemini/settings.json)', workspace: 'This folder (.gemini/settings.json)' },
  supportsEnvInterpolation: false,
  supportsHttp: true,
  binaries: ['gemini'],
  configPaths: (ctx) => userAndProject(ctx, underHome(ctx.env, ctx.platform, '.gemini', 'settings.json'), ['.gemini', 'settings.json']),
  stdioEntry: (s) => withEnv({ command: s.command, args: [...s.args] }, s.env),
  // Gemini CLI's Streamable HTTP key is httpUrl (url means SSE).
  httpEntry: (s) => withHeaders({ httpUrl: s.url }, s.headers),
  nextSteps: (name) =>
    `Start Gemini CLI again in a trusted folder (servers stay disabled in untrusted ones); "gemini mcp list" shows "${name}" as Connected.`,
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = underHome(env, platform, '.gemini');
    return dir !== undefined && exists(dir);
  },
};

const zed: HostTarget = {
  id: 'zed',
  displayName: 'Zed',
  topKey: 'context_servers',
  format: 'jsonc',
  scopes: ['global'],
  // Some Linux packages name the CLI zeditor.
  binaries: ['zed', 'zeditor'],
  supportsEnvInterpolation: false,
  supportsHttp: false,
  configPaths(ctx) {
    const dir = zedConfigDir(ctx.env, ctx.platform);
    return dir === undefined ? [] : [{ scope: 'global', path: pathFor(ctx.platform).join(dir, 'settings.json') }];
  },
  // Zed's custom-server shape (zed docs/src/ai/mcp.md): source "custom", command, args, env.
  stdioEntry: (s) => ({ source: 'custom', command: s.command, args: [...s.args], env: { ...s.env } }),
  httpEntry: () => undefined,
  nextSteps: (name) =>
    `Zed reloads its settings by itself: open the Agent Panel's settings (agent: open configuration); "${name}" shows a green dot when it runs.`,
  detectInstalled(env, platform, exists = defaultExists) {
    const dir = zedConfigDir(env, platform);
    return (dir !== undefined && exists(dir)) || (platform === 'darwin' && exists('/Applications/Zed.app'));
  },
};

export const HOSTS: Readonly<Record<HostId, HostTarget>> = { claude, 'claude-code': claudeCode, codex, gemini, zed, cursor, windsurf, vscode };
export const HOST_IDS: readonly HostId[] = ['claude', 'claude-code', 'codex', 'gemini', 'zed', 'cursor', 'windsurf', 'vscode'];

export function isHostId(value: string): value is HostId {
  return (HOST_IDS as readonly string[]).includes(value);
}

/** Whether a file called `name` is in one of PATH's absolute folders (Windows: also with .exe/.cmd/.bat). */
export function onPath(name: string, path: string | undefined, platform: NodeJS.Platform, exists: FileExists = defaultExists): boolean {
  if (path === undefined || path === '') return false;
  const p = pathFor(platform);
  const suffixes = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  return path
    .split(platform === 'win32' ? ';' : ':')
    .filter((dir) => dir !== '' && p.isAbsolute(dir))
    .some((dir) => suffixes.some((s) => exists(p.join(dir, name + s))));
}

/**
 * The scope init uses: the workspace when a folder was named (refused by hosts without one), else
 * the host's first scope; a host with only a workspace scope uses the current folder.
 */
export function scopeFor(id: HostId, workspaceNamed: boolean): ConfigScope {
  const host = HOSTS[id];
  if (workspaceNamed && host.scopes.includes('workspace')) return 'workspace';
  return host.scopes[0]!;
}

/** Convenience for callers outside tests: the real platform and environment. */
export function defaultHostContext(workspaceDir?: string): HostContext {
  const { HOME, USERPROFILE, APPDATA, XDG_CONFIG_HOME, CODEX_HOME, CLAUDE_CONFIG_DIR } = process.env;
  const ctx: HostContext = { platform: process.platform, env: { HOME, USERPROFILE, APPDATA, XDG_CONFIG_HOME, CODEX_HOME, CLAUDE_CONFIG_DIR } };
  if (workspaceDir !== undefined) ctx.workspaceDir = workspaceDir;
  return ctx;
}
