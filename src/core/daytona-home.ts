/**
 * What we keep under ~/.daytona, in one place. Every path is a pure function of the environment (so
 * tests point HOME at a temp folder), and the one file two layers share — the credentials file the
 * server reads and "Init MCP" writes — is read, written and removed only here.
 *
 *   ~/.daytona/daytona-mcp.log          audit log (DAYTONA_MCP_LOG overrides; src/core/audit-log.ts)
 *   ~/.daytona/mcp/credentials.json     API key for file-launched agents, 0600 (DAYTONA_MCP_CREDENTIALS overrides)
 *   ~/.daytona/mcp/http.json            the shared HTTP server's port, pid and token, 0600 (src/registration/http-state.ts)
 *   ~/.daytona/mcp/daytona-mcp.js       stable copy of the server that agent configs launch (src/registration/install.ts),
 *   ~/.daytona/mcp/daytona-mcp.bundle-<hash>.js   with the bundle it reads (src/cli/loader.ts)
 *   ~/.daytona/mcp/cache/               V8 code cache of the CLI (DAYTONA_MCP_CACHE_DIR overrides; src/cli/compile-cache.ts)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writePrivateFileAtomic } from './private-file';
import { statMemo } from './stat-memo';

export interface Env {
  [name: string]: string | undefined;
}

export function daytonaHome(env: Env = process.env): string {
  return join(env.HOME || env.USERPROFILE || homedir(), '.daytona');
}

function mcpFolder(env: Env): string {
  return join(daytonaHome(env), 'mcp');
}

export function auditLogPath(env: Env = process.env): string {
  return env.DAYTONA_MCP_LOG || join(daytonaHome(env), 'daytona-mcp.log');
}

/** Our own credentials file for file-launched agents (DAYTONA_MCP_CREDENTIALS overrides). */
export function credentialsFilePath(env: Env = process.env): string {
  return env.DAYTONA_MCP_CREDENTIALS || join(mcpFolder(env), 'credentials.json');
}

export function httpStatePath(env: Env = process.env): string {
  return join(mcpFolder(env), 'http.json');
}

/** Where init copies the server (its bundle goes beside it): extension folders are versioned and vanish on update. */
export function stableServerPath(env: Env = process.env): string {
  return join(mcpFolder(env), 'daytona-mcp.js');
}

/** The bundle a CLI loader reads beside it: its own name with `suffix` (`.bundle-<hash>.js`) for `.js`. */
export function bundleBeside(loaderPath: string, suffix: string): string {
  return join(dirname(loaderPath), basename(loaderPath).replace(/\.[cm]?js$/, '') + suffix);
}

export function compileCacheDir(env: Env = process.env): string {
  return join(mcpFolder(env), 'cache');
}

export interface StoredCredentials {
  apiKey: string;
  apiUrl?: string;
  target?: string;
}

const credentialsReads = statMemo<Readonly<{ creds?: Readonly<StoredCredentials>; problem?: string }>>();

/**
 * Reads the credentials file (parsed again only once it changed: stat-memo.ts). A file other users can
 * read is refused, unread (the key may already be exposed): the result says why, and the caller reports
 * it instead of silently using the key.
 */
export function readCredentialsFile(path: string): { creds?: StoredCredentials; problem?: string } {
  return { ...credentialsReads.get(path, (st) => parseCredentialsFile(path, Number(st.mode)), () => ({})) };
}

function parseCredentialsFile(path: string, mode: number): { creds?: StoredCredentials; problem?: string } {
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    return { problem: `${path} is readable by other users; run "chmod 600 ${path}" (and rotate the key) or delete it` };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<StoredCredentials>;
    if (typeof parsed.apiKey !== 'string' || !parsed.apiKey) return { problem: `${path} holds no apiKey` };
    return { creds: Object.freeze({ apiKey: parsed.apiKey, apiUrl: parsed.apiUrl || undefined, target: parsed.target || undefined }) };
  } catch {
    return { problem: `${path} is not valid JSON` };
  }
}

/** Writes the key for file-launched servers: 0600 file in a 0700 folder, atomically. */
export function writeCredentialsFile(creds: StoredCredentials, env: Env = process.env): { path: string; changed: boolean } {
  const path = credentialsFilePath(env);
  const text = `${JSON.stringify({ apiKey: creds.apiKey, ...(creds.apiUrl ? { apiUrl: creds.apiUrl } : {}), ...(creds.target ? { target: creds.target } : {}) }, null, 2)}\n`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) {
    chmodSync(path, 0o600);
    return { path, changed: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  writePrivateFileAtomic(path, text);
  return { path, changed: true };
}

export function removeCredentialsFile(env: Env = process.env): boolean {
  const path = credentialsFilePath(env);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}
