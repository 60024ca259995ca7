/**
 * The built server driven by the official MCP client over stdio, as an agent host would: same as
 * test/helpers/mcp-client.ts, but for any build (the benchmarks use the production bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface McpServer {
  client: Client;
  pid: number;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }>;
  stderr(): string;
  close(): Promise<void>;
}

/** A throwaway HOME (audit log, no CLI config) and the emulator's credentials; nothing else leaks in. */
export function serverEnv(api: { url: string; apiKey: string } | undefined, home: string): Record<string, string> {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    ...(api ? { DAYTONA_API_KEY: api.apiKey, DAYTONA_API_URL: api.url, DAYTONA_TARGET: 'us' } : {}),
  };
}

export async function startMcpServer(cli: string, api: { url: string; apiKey: string }, extraArgs: string[] = []): Promise<McpServer> {
  const home = mkdtempSync(join(tmpdir(), 'daytona-bench-home-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, 'start', ...extraArgs],
    env: serverEnv(api, home),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name: 'daytona-mcp-bench', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  // As agent hosts do before any call: the client then validates every structuredContent against its
  // tool's output schema (compiled here), so that cost is in what the benchmarks measure.
  await client.listTools();
  return {
    client,
    pid: transport.pid ?? -1,
    call: async (name, args) => {
      const res = (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as CallToolResult & { structuredContent?: Record<string, unknown> };
      return res;
    },
    stderr: () => stderr,
    close: async () => {
      await client.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The text of a result, for error messages. */
export function resultText(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n').slice(0, 500);
}
