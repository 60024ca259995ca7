/** What the CLI's `config`/`status` and the editor's "Show MCP Config"/"MCP Status" both print. */
import { existsSync } from 'node:fs';
import { readServerEntries } from './config-edit';
import { buildStdioEntry, SERVER_NAME } from './entry';
import { isOfficialDaytonaEntry } from './official-entry';
import { HOSTS, HOST_IDS, onPath, type FileExists, type HostContext, type HostId } from './hosts';
import { renderTomlTable } from './toml-text';
import { stableServerPath } from '../core/daytona-home';
import { entryArgs, type InitOptions, type ServerLaunch } from './install';

/** What an entry's arguments say besides the server itself (entryArgs). */
type EntryOptions = Pick<InitOptions, 'readOnly' | 'tools' | 'maxCreate' | 'profile'>;
import type { JsonObject } from './json';

/** The paste-able text for a host: JSON with its wrapper, or Codex's TOML table. */
export function configSnippetText(host: HostId, launch: Pick<ServerLaunch, 'runtimePath' | 'runAsNode'>, o: EntryOptions = {}): string {
  const snippet = configSnippet(host, launch, o);
  if (HOSTS[host].format !== 'toml') return `${JSON.stringify(snippet, null, 2)}\n`;
  const servers = snippet[HOSTS[host].topKey] as JsonObject;
  return renderTomlTable([HOSTS[host].topKey, SERVER_NAME], servers[SERVER_NAME] as JsonObject, '\n');
}

export interface HostChoice {
  host: HostId;
  /** This editor is that host. */
  here: boolean;
  /** The host's own folder exists (HOSTS[id].detectInstalled). */
  installed: boolean;
}

/**
 * Every host for a picker: this editor first, then the ones found installed (their folder exists, or
 * their command is on `path`), then the rest, in table order within each.
 */
export function hostChoices(ctx: HostContext, here?: HostId, opts: { exists?: FileExists; path?: string } = {}): HostChoice[] {
  const rank = (c: HostChoice) => (c.here ? 0 : c.installed ? 1 : 2);
  const installed = (host: HostId) =>
    HOSTS[host].detectInstalled(ctx.env, ctx.platform, opts.exists) || (HOSTS[host].binaries ?? []).some((b) => onPath(b, opts.path, ctx.platform, opts.exists));
  return HOST_IDS.map((host) => ({ host, here: host === here, installed: installed(host) })).sort((a, b) => rank(a) - rank(b));
}

/** The paste-able JSON for a host, wrapper included, launching the stable copy; never a key. */
export function configSnippet(host: HostId, launch: Pick<ServerLaunch, 'runtimePath' | 'runAsNode'>, o: EntryOptions = {}): JsonObject {
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
        const entries = await readServerEntries(loc.path, HOSTS[host].topKey, undefined, HOSTS[host].format);
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
