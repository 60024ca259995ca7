/**
 * Shared helpers for the reliability and security suites: running CLI verbs with input. (Calling tools and
 * reading their results: test/helpers/mcp-client.ts; waiting for a condition: test/helpers/wait.ts.)
 */
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/mcp-client';
import { prng } from '../helpers/prng';

export { prng };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js <args>` with a minimal explicit environment. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
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

