/**
 * Runs the built CLI (dist/cli.js) with only PATH, HOME and the given variables, asynchronously (an
 * emulator in the test process must keep answering), and checks that no test key reached its output.
 */
import { spawn } from 'node:child_process';
import { CLI } from './mcp-client';
import { assertNoSecret } from './secrets';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(home: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { PATH: '/usr/bin:/bin', HOME: home, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c));
    p.stderr.on('data', (c: Buffer) => (stderr += c));
    p.on('error', reject);
    p.on('close', (status) => {
      assertNoSecret(`${stdout}${stderr}`, `output of ${args.join(' ')}`);
      resolve({ status, stdout, stderr });
    });
  });
}

/** An API URL on 127.0.0.1 where nothing listens (a port the OS just handed out and took back). */
export async function unreachableApiUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api`;
}

/** What runCliWithInput returns. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js <args>` with only PATH and `env` (no HOME unless `env` has one), `stdin` piped
 * in; what it prints is returned as it is, for tests that look at it themselves.
 */
export function runCliWithInput(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { PATH: '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(stdin);
  });
}
