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
    const total = store.totalCount === undefined ? undefined : groupSandboxes(store.sandboxes, 'none', '', store.homeOf)[0]!.sandboxes.length;
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

/** Every value on the page comes from files and API answers: escaped, never markup. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The facts as label/value pairs, in the order the page shows them. */
export function statusRows(facts: StatusFacts, store: StoreView): Array<[string, string]> {
  return [
    ['Acting as', facts.where ?? 'no credential yet (Set API Key, or log in with the Daytona CLI)'],
    ['API key', facts.keyOrigin],
    ['API', `${facts.apiUrl}${facts.target ? ` (target ${facts.target})` : ''} — ${describeStore(store)}`],
    ['This editor', facts.editor],
    ['Server for file-based agents', facts.stableServer ?? 'not installed yet (run Init MCP)'],
    ['Audit log', facts.auditLog],
  ];
}

/**
 * The page as HTML for a webview (rendered tables, not Markdown source). No scripts; the CSP allows only
 * the inline style below.
 */
export function statusHtml(facts: StatusFacts, store: StoreView, checkedAt: string): string {
  const rows = statusRows(facts, store).map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`);
  const agents = facts.agents.map((a) => `<tr><td>${esc(a.agent)}</td><td>${esc(a.scope)}</td><td>${esc(describeAgent(a))}</td><td><code>${esc(a.path)}</code></td></tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>Daytona MCP Status</title>
<style>
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1.5em 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { text-align: left; vertical-align: top; padding: 0.25em 1em 0.25em 0; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
th[scope=row] { white-space: nowrap; }
code { font-family: var(--vscode-editor-font-family); }
.checked { color: var(--vscode-descriptionForeground); }
</style></head>
<body>
<h1>Daytona MCP status</h1>
<p class="checked">Read ${esc(checkedAt)}; re-read each time this page is shown and after Init MCP.</p>
<table id="facts">${rows.join('')}</table>
<h2>Agents</h2>
<table id="agents"><thead><tr><th>agent</th><th>scope</th><th>state</th><th>config file</th></tr></thead><tbody>${agents.join('')}</tbody></table>
</body></html>
`;
}
