/**
 * Spawns the built server (`node dist/cli.js start`) and connects the official MCP client over stdio,
 * with a throwaway HOME so the audit log and any config land in a temp folder; calls its tools and
 * reads their results the way an agent sees them.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_KINDS } from '../../src/core/errors';
import { assertNoSecret, SENTINEL_KEY } from './secrets';

export const CLI = resolve(__dirname, '../../dist/cli.js');

export interface SpawnedServer {
  client: Client;
  transport: StdioClientTransport;
  home: string;
  logPath: string;
  /** Every JSON-RPC message the client received, in arrival order. */
  received: Array<Record<string, unknown>>;
  stderr(): string;
  log(): string;
  logEntries(): Array<Record<string, unknown>>;
  /**
   * The audit log once the server has written the line of every call answered so far: it writes a
   * call's line right after the answer (AuditLog.writeSoon), before it reads its next message, so one
   * ping round trip is the barrier.
   */
  settledLogEntries(): Promise<Array<Record<string, unknown>>>;
  /** The audit log's text, settled the same way. */
  settledLog(): Promise<string>;
  close(): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  args?: string[];
  capabilities?: ClientCapabilities;
  home?: string;
  /** The name the client gives in `initialize` (default "contract-test"). */
  clientName?: string;
}

export async function spawnServer(opts: SpawnOptions = {}): Promise<SpawnedServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'daytona-mcp-home-'));
  const logPath = join(home, '.daytona', 'daytona-mcp.log');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'start', ...(opts.args ?? [])],
    // A minimal, explicit environment: nothing from the developer's shell leaks into the server.
    env: { PATH: '/usr/bin:/bin', HOME: home, ...opts.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: opts.clientName ?? 'contract-test', version: '1.0.0' }, { capabilities: opts.capabilities ?? {} });
  await client.connect(transport);
  // Tap the transport to see the raw stream, in arrival order.
  const received: Array<Record<string, unknown>> = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    received.push(message as unknown as Record<string, unknown>);
    // The SDK client (1.32) runs a notification's handler a microtask later but a response's at once,
    // and a response retires its request's progress handler: progress read in the same chunk as the
    // result — routine when the machine is busy — is dropped as "unknown token"
    // (modelcontextprotocol/typescript-sdk#2580). Handing responses over one microtask later, after
    // the handlers already queued, lets the client see messages in the order the server sent them.
    if ('id' in message && !('method' in message)) queueMicrotask(() => deliver?.(message));
    else deliver?.(message);
  };
  const read = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const entries = () => read().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    client,
    transport,
    received,
    home,
    logPath,
    stderr: () => stderr,
    log: read,
    logEntries: () => entries(),
    settledLogEntries: async () => {
      await client.ping();
      return entries();
    },
    settledLog: async () => {
      await client.ping();
      return read();
    },
    close: () => client.close(),
  };
}

/** The server with the test key, talking to the emulator at `apiUrl`; `opts.env` adds to or overrides that. */
export function spawnAgainst(apiUrl: string, opts: SpawnOptions = {}): Promise<SpawnedServer> {
  return spawnServer({ ...opts, env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: apiUrl, ...opts.env } });
}

/** Closes the servers, then checks that no test key reached their stderr or audit log. */
export async function closeAndCheck(servers: readonly SpawnedServer[]): Promise<void> {
  for (const s of servers) {
    await s.close();
    assertNoSecret(s.stderr(), 'server stderr');
    assertNoSecret(s.log(), 'audit log');
  }
}

/**
 * The servers one suite spawns against its emulator (`apiUrl()`, read when spawning, as the emulator
 * starts in `before`): `spawn` is spawnAgainst, and `closeAll` (in `after`) closes every one of them,
 * also those `add`ed, and checks them for leaked keys.
 */
export function serverPool(apiUrl: () => string) {
  const servers: SpawnedServer[] = [];
  const add = (s: SpawnedServer): SpawnedServer => {
    servers.push(s);
    return s;
  };
  return {
    spawn: async (opts: SpawnOptions = {}): Promise<SpawnedServer> => add(await spawnAgainst(apiUrl(), opts)),
    add,
    closeAll: () => closeAndCheck(servers),
  };
}

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
