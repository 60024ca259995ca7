/**
 * Reads the entry `init` wrote for an agent (JSONC or TOML, per the host table) and launches it the
 * way the agent does: its command, args and env, with nothing but PATH=/usr/bin:/bin and HOME.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readServerEntries } from '../../src/registration/config-edit';
import { HOSTS, type HostId } from '../../src/registration/hosts';

export interface WrittenEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
  [key: string]: unknown;
}

export async function readWrittenEntry(host: HostId, path: string): Promise<WrittenEntry> {
  const entries = await readServerEntries(path, HOSTS[host].topKey, undefined, HOSTS[host].format);
  return entries.daytona as unknown as WrittenEntry;
}

export async function listToolsAndSandboxes(entry: WrittenEntry, home: string) {
  const client = new Client({ name: 'as-configured', version: '1' });
  await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/usr/bin:/bin', HOME: home, ...entry.env }, stderr: 'ignore' }));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const listed = await client.callTool({ name: 'list_sandboxes', arguments: {} });
    return { tools, listed: listed as { isError?: boolean; structuredContent?: { sandboxes: Array<{ name: string }> } } };
  } finally {
    await client.close();
  }
}
