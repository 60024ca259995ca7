/**
 * Spawns the built server (`node dist/cli.js start`) and connects the official MCP client over stdio,
 * with a throwaway HOME so the audit log and any config land in a temp folder.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ClientCapabilities, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

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
  close(): Promise<void>;
}

export async function spawnServer(opts: {
  env?: Record<string, string>;
  args?: string[];
  capabilities?: ClientCapabilities;
  home?: string;
  /** The name the client gives in `initialize` (default "contract-test"). */
  clientName?: string;
} = {}): Promise<SpawnedServer> {
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
  return {
    client,
    transport,
    received,
    home,
    logPath,
    stderr: () => stderr,
    log: read,
    logEntries: () => read().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => client.close(),
  };
}
