/**
 * Shared helpers for the reliability suite: calling tools through a spawned server, checking error
 * results, reaching the server's child process, running CLI verbs, and waiting for conditions.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_KINDS } from '../../src/core/errors';
import { CLI, type SpawnedServer } from '../helpers/mcp-client';
import { prng } from '../helpers/prng';

export { prng };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export async function callTool(
  s: SpawnedServer,
  name: string,
  args: Record<string, unknown>,
  opts: { timeout?: number; signal?: AbortSignal } = {},
): Promise<CallToolResult> {
  return (await s.client.callTool({ name, arguments: args }, undefined, opts)) as CallToolResult;
}

export const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

// Tool results are checked against the tools' output schemas by the MCP client; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dataOf = (r: CallToolResult): any => r.structuredContent;

const KIND_RE = new RegExp(`^Error \\[(${ERROR_KINDS.join('|')})\\]: `);

/** An error result as the server promises it: isError, "Error [kind]: message", then a hint. Returns the kind. */
export function assertErrorResult(r: CallToolResult, where: string): string {
  assert.equal(r.isError, true, `${where}: expected isError`);
  const t = textOf(r);
  const m = KIND_RE.exec(t);
  assert.ok(m, `${where}: error text must start with "Error [<kind>]: ", got ${JSON.stringify(t.slice(0, 200))}`);
  assert.match(t, /\nHint: \S/, `${where}: error has a hint`);
  return m[1]!;
}

/** The server's child process (the SDK keeps it private; tests need its exit code). */
export function childOf(s: SpawnedServer): ChildProcess {
  const child = (s.transport as unknown as { _process?: ChildProcess })._process;
  assert.ok(child, 'the transport exposes its child process');
  return child;
}

export async function waitFor(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

