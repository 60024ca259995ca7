/**
 * ~/.daytona/mcp/http.json: where the shared HTTP server listens, its pid and its bearer token
 * (0600). The token survives restarts so agent configs written by `init --http` stay valid; a pid
 * that no longer runs marks a stale file, which the next start simply takes over.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { httpStatePath, type Env } from '../core/daytona-home';
import { untrustedFileProblem } from '../core/file-trust';
import { writePrivateFileAtomic } from '../core/private-file';

export const DEFAULT_HTTP_PORT = 47833;

export interface HttpState {
  token: string;
  port: number;
  pid: number | null;
  url: string;
  startedAt: string | null;
  /** Agent config files `init --http` wrote the token into; `token rotate` updates them. */
  configs?: string[];
  /** When and why the token was last replaced (each server start replaces it). */
  rotatedAt?: string | null;
  rotatedWhy?: string | null;
}

export function readHttpState(env: Env = process.env): HttpState | undefined {
  const path = httpStatePath(env);
  if (!existsSync(path)) return undefined;
  // A planted or exposed file (another owner, other users' access) is ignored: it is replaced with a
  // fresh token on the next start or init.
  const problem = untrustedFileProblem(path);
  if (problem) {
    warnOnce(`daytona-mcp: ignoring ${problem}\n`);
    return undefined;
  }
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as Partial<HttpState>;
    if (typeof s.token !== 'string' || typeof s.port !== 'number') return undefined;
    const configs = Array.isArray(s.configs) ? s.configs.filter((c): c is string => typeof c === 'string') : [];
    return { token: s.token, port: s.port, pid: typeof s.pid === 'number' ? s.pid : null, url: s.url ?? `http://127.0.0.1:${s.port}/mcp`, startedAt: s.startedAt ?? null, configs, rotatedAt: s.rotatedAt ?? null, rotatedWhy: s.rotatedWhy ?? null };
  } catch {
    return undefined;
  }
}

/** Writes the state; the list of configs holding the token is kept unless `state` gives one. */
let warned = false;
function warnOnce(text: string): void {
  if (!warned) process.stderr.write(text);
  warned = true;
}

export function writeHttpState(state: HttpState, env: Env = process.env): void {
  const prev = state.configs && state.rotatedAt !== undefined ? undefined : readHttpState(env);
  const configs = state.configs ?? prev?.configs ?? [];
  const rotated = { rotatedAt: state.rotatedAt ?? prev?.rotatedAt ?? null, rotatedWhy: state.rotatedWhy ?? prev?.rotatedWhy ?? null };
  writePrivateFileAtomic(httpStatePath(env), `${JSON.stringify({ ...state, configs, ...rotated }, null, 2)}\n`);
}

/** Records that `path` now holds the token (for `token rotate`). */
export function rememberTokenConfig(path: string, env: Env = process.env): void {
  const s = readHttpState(env);
  if (!s || s.configs?.includes(path)) return;
  writeHttpState({ ...s, configs: [...(s.configs ?? []), path] }, env);
}

/** The saved token, or a new random one. */
export function httpToken(env: Env = process.env): string {
  // globalThis.crypto (the same CSPRNG as node:crypto) loads only when used: the stdio server never does.
  return readHttpState(env)?.token ?? Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/**
 * The token as http.json says now, re-read whenever the file changes: `token rotate` takes effect
 * on the running server without a restart. Falls back to the last good token if the file is gone.
 */
export function watchHttpToken(initial: string, env: Env = process.env): () => string {
  let token = initial;
  let seen = '';
  return () => {
    try {
      const st = statSync(httpStatePath(env));
      const stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (stamp !== seen) {
        seen = stamp;
        token = readHttpState(env)?.token ?? token;
      }
    } catch {
      // no file: keep the token we serve with
    }
    return token;
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** The running shared server, if its recorded pid lives and its port answers. */
export async function runningHttpServer(env: Env = process.env): Promise<HttpState | undefined> {
  const s = readHttpState(env);
  if (!s?.pid || s.pid === process.pid || !pidAlive(s.pid)) return undefined;
  return (await portOpen(s.port)) ? s : undefined;
}
