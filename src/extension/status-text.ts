/**
 * The text of "Daytona: MCP Status" (a read-only Markdown page), computed from the sandbox store the tree
 * shows, so both always give the same counts. No vscode import: unit-tested directly.
 */
import { describeAgent, type AgentStatus } from '../registration';
import type { SandboxStore } from './sandbox-store';
import { groupSandboxes } from './tree-model';

export type StoreView = Pick<SandboxStore, 'status' | 'sandboxes' | 'runningCount' | 'totalCount' | 'homeOf'>;

/** "reachable; 8 sandboxes, 3 running" (the tree's numbers), or what went wrong. */
export function describeStore(store: StoreView): string {
  const s = store.status;
  if (s.kind === 'ready') {
    // Gone sandboxes (destroying, DESTROYED_…) are not in the tree either.
    const total = store.totalCount === undefined ? undefined : groupSandboxes(store.sandboxes, 'none', store.homeOf)[0]!.sandboxes.length;
    return total === undefined ? `reachable; ${store.runningCount} running` : `reachable; ${total} ${total === 1 ? 'sandbox' : 'sandboxes'}, ${store.runningCount} running`;
  }
  if (s.kind === 'error') return `${s.error.kind}: ${s.error.message}`;
  if (s.kind === 'loading') return 'loading…';
  return 'not checked (no API key)';
}

export interface StatusFacts {
  /** Where the editor acts: CLI profile and organisation, or the key's source (profile-model whereText). */
  where: string | undefined;
  keyOrigin: string;
  apiUrl: string;
  target: string | undefined;
  /** How this editor itself registers the server. */
  editor: string;
  /** Path of the server copy for file-based agents, if installed. */
  stableServer: string | undefined;
  auditLog: string;
  agents: AgentStatus[];
}

export function statusMarkdown(facts: StatusFacts, store: StoreView): string {
  const lines = [
    '# Daytona MCP status',
    '',
    `- **Acting as**: ${facts.where ?? 'no credential yet (Set API Key, or log in with the Daytona CLI)'}`,
    `- **API key**: ${facts.keyOrigin}`,
    `- **API**: ${facts.apiUrl}${facts.target ? ` (target ${facts.target})` : ''} — ${describeStore(store)}`,
    `- **This editor**: ${facts.editor}`,
    `- **Server for file-based agents**: ${facts.stableServer ?? 'not installed yet (run Init MCP)'}`,
    `- **Audit log**: ${facts.auditLog}`,
    '',
    '| agent | scope | state | config file |',
    '|---|---|---|---|',
    ...facts.agents.map((a) => `| ${a.agent} | ${a.scope} | ${describeAgent(a)} | \`${a.path}\` |`),
  ];
  return `${lines.join('\n')}\n`;
}
