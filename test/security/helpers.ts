/** Shared helpers for the security suite: the shared HTTP server in a throwaway HOME, raw requests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { CLI } from '../helpers/mcp-client';

export interface HttpServerProcess {
  child: ChildProcess;
  state: { url: string; token: string; port: number; pid: number };
  output(): string;
  stop(): Promise<number | null>;
}

export function startHttpServer(home: string, env: Record<string, string>, args: string[] = ['--port', '0']): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [CLI, 'start', '--http', ...args], { env: { PATH: '/usr/bin:/bin', HOME: home, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c;
      if (output.includes('serving')) {
        const state = JSON.parse(readFileSync(join(home, '.daytona', 'mcp', 'http.json'), 'utf8'));
        resolve({
          child,
          state,
          output: () => output,
          stop: () => new Promise((r) => {
            if (child.exitCode !== null) return r(child.exitCode);
            child.once('exit', (code) => r(code));
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (output += c));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One POST to the server; resolves with the status. */
export function rawPost(port: number, headers: Record<string, string>, body = '{}', path = '/mcp'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function logLines(path: string): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every run of `n` consecutive characters of `secret` (half a key is still a key). */
export function keyPieces(secret: string, n = 12): string[] {
  return Array.from({ length: Math.max(0, secret.length - n + 1) }, (_, i) => secret.slice(i, i + n));
}

/** Fails when `text` holds any 12 consecutive characters of one of `secrets`. */
export function assertNoKeyPiece(text: string, where: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    const piece = keyPieces(secret).find((p) => text.includes(p));
    if (piece !== undefined) throw new Error(`${where} holds 12 consecutive characters of a secret (…${piece.slice(0, 3)}…)`);
  }
}
