/** What the CLI's `config`/`status` and the editor's "Show MCP Config"/"MCP Status" both print. */
import { existsSync } from 'node:fs';
import { readServerEntries } from './config-edit';
import { buildStdioEntry, isOfficialDaytonaEntry, SERVER_NAME } from './entry';
import { HOSTS, HOST_IDS, type HostContext, type HostId } from './hosts';
import { stableServerPath } from '../core/daytona-home';
import { entryArgs, type ServerLaunch } from './install';
import type { JsonObject } from './json';

/** The paste-able JSON for a host, wrapper included, launching the stable copy; never a key. */
export function configSnippet(host: HostId, launch: Pick<ServerLaunch, 'runtimePath' | 'runAsNode'>, o: { readOnly?: boolean; tools?: string[] } = {}): JsonObject {
  const entry = buildStdioEntry({ hostId: host, runtimePath: launch.runtimePath, runAsNode: launch.runAsNode, serverPath: stableServerPath(), args: entryArgs(o) });
  return { [HOSTS[host].topKey]: { [SERVER_NAME]: entry } };
}

export interface AgentStatus {
  host: HostId;
  agent: string;
  scope: 'global' | 'workspace';
  path: string;
  state: 'configured' | 'not configured' | 'no config file' | 'unreadable';
  officialEntry: boolean;
  detail?: string;
}

export async function agentStatuses(ctx: HostContext): Promise<AgentStatus[]> {
  const out: AgentStatus[] = [];
  for (const host of HOST_IDS) {
    for (const loc of HOSTS[host].configPaths(ctx)) {
      const base = { host, agent: HOSTS[host].displayName, scope: loc.scope, path: loc.path, officialEntry: false };
      if (!existsSync(loc.path)) {
        out.push({ ...base, state: 'no config file' });
        continue;
      }
      try {
        const entries = await readServerEntries(loc.path, HOSTS[host].topKey);
        const officialEntry = Object.entries(entries).some(([n, v]) => isOfficialDaytonaEntry(n, v));
        out.push({ ...base, officialEntry, state: entries[SERVER_NAME] ? 'configured' : 'not configured' });
      } catch (err) {
        out.push({ ...base, state: 'unreadable', detail: (err as Error).message });
      }
    }
  }
  return out;
}

export function describeAgent(a: AgentStatus): string {
  return `${a.state}${a.officialEntry ? ' (official daytona-mcp entry present too)' : ''}${a.detail ? `: ${a.detail}` : ''}`;
}
