/**
 * "Daytona: Init MCP", "Daytona: Show MCP Config" and "Daytona: MCP Status": the palette twins of
 * the CLI's init / config / status, sharing src/registration with it.
 */
import { whereText } from './profile-model';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { apiUrlToStore, type Credentials } from '../core/credentials';
import { stableServerPath, writeCredentialsFile, auditLogPath } from '../core/daytona-home';
import {
  agentStatuses,
  configSnippetText,
  defaultHostContext,
  displayPath,
  HOSTS,
  hostChoices,
  initHost,
  RegistrationError,
  type ConfigScope,
  type HostContext,
  type HostId,
} from '../registration';
import { BUILT_IN_CHOICE } from './init-mcp-choices';
import { currentHost } from './mcp-host-api';
import { bundledServerPath, type McpRegistration } from './mcp-registration';
import { readSettings } from './settings';
import type { StatusFacts } from './status-text';

export interface McpCommandHost {
  log: vscode.LogOutputChannel;
  extensionPath: string;
  credentials(): Credentials;
  registration: McpRegistration;
  /** Init MCP succeeded (for the walkthrough's "done" mark). */
  onInitialised?(): void;
}

function launch(extensionPath: string) {
  return {
    runtimePath: process.execPath,
    runAsNode: Boolean(process.versions.electron),
    serverSource: bundledServerPath(extensionPath),
  };
}

const workspaceDir = () => vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;

async function pickHost(title: string, h: McpCommandHost): Promise<{ host: HostId | 'editor'; scope?: ConfigScope } | undefined> {
  const here = currentHost();
  const ctx = defaultHostContext(workspaceDir());
  type Item = vscode.QuickPickItem & { host: HostId | 'editor'; rank: number };
  // One line per choice, so that all nine fit in one view: the paths go in the description, short
  // (~/…, <folder>/…); typing part of a path still finds its row (matchOnDescription).
  const items: Item[] = hostChoices(ctx, here === 'other' ? undefined : here, { path: process.env.PATH }).map(({ host: id, here: isHere, installed }, rank) => {
    const paths = HOSTS[id].configPaths(ctx).map((l) => displayPath(l.path, ctx));
    return {
      host: id,
      label: `${isHere ? '$(star-full) ' : ''}${HOSTS[id].displayName}`,
      description: [isHere ? 'this editor' : '', installed ? 'detected' : '', paths.join(' or ') || 'needs an open workspace folder'].filter(Boolean).join(' · '),
      rank,
    };
  });
  if (h.registration.mode !== 'none') {
    items.push({
      host: 'editor',
      label: `$(check) ${BUILT_IN_CHOICE}`,
      description: `already registered as "Daytona" through ${h.registration.mode === 'vscode-provider' ? "the editor's" : "Cursor's"} MCP API`,
      rank: -1,
    });
  }
  const picked = await vscode.window.showQuickPick(items.sort((a, b) => a.rank - b.rank), { title, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.host === 'editor') return { host: 'editor' };
  return pickScope(picked.host, ctx);
}

/** The host's scopes as the table lists them (HOSTS[id].scopes); asks only when there is a choice. */
async function pickScope(id: HostId, ctx: HostContext): Promise<{ host: HostId; scope: ConfigScope } | undefined> {
  const host = HOSTS[id];
  const available = host.configPaths(ctx);
  const scopes = host.scopes.filter((s) => available.some((l) => l.scope === s));
  if (scopes.length === 0) {
    // initHost explains what is missing (an open folder, a home folder).
    return { host: id, scope: host.scopes[0]! };
  }
  if (scopes.length === 1) return { host: id, scope: scopes[0]! };
  const fallback: Record<ConfigScope, string> = { global: 'All projects', workspace: 'This workspace' };
  const pathOf = (scope: ConfigScope) => {
    const path = available.find((l) => l.scope === scope)?.path;
    return path === undefined ? undefined : displayPath(path, ctx);
  };
  const choice = await vscode.window.showQuickPick(
    scopes.map((scope) => ({
      label: host.scopeLabels?.[scope] ?? fallback[scope],
      description: pathOf(scope),
      scope,
    })),
    // The second step of one command: the first picker's closing hands focus back to the editor, which
    // must not dismiss this one as cancelled (Escape still does). Under load it did: Init MCP wrote nothing.
    { title: `${host.displayName}: where should the server be registered?`, ignoreFocusOut: true },
  );
  return choice ? { host: id, scope: choice.scope } : undefined;
}

/** The editor's own "list MCP servers" command, when this editor has one (VS Code's; not every build). */
export const LIST_SERVERS_COMMAND = 'workbench.mcp.listServer';

/**
 * What to do next after choosing "This editor, built in": only commands this editor really has (asked
 * of vscode.commands.getCommands), and the key's real source.
 */
async function editorFollowUp(h: McpCommandHost): Promise<void> {
  const creds = h.credentials();
  const hasList = (await vscode.commands.getCommands(true)).includes(LIST_SERVERS_COMMAND);
  const where = h.registration.mode === 'cursor-api' ? ' Cursor lists it under Settings → MCP, where it can be turned on.' : hasList ? ' Agents in chat start it when they need it.' : '';
  const text = `Daytona: the server is registered with this editor as "Daytona"; it uses the key from ${creds.origin} and the API ${creds.apiUrl}.${where}`;
  const buttons = [...(hasList ? ['List MCP Servers'] : []), 'MCP Status'];
  const choice = await vscode.window.showInformationMessage(text, ...buttons);
  if (choice === 'List MCP Servers') await vscode.commands.executeCommand(LIST_SERVERS_COMMAND);
  if (choice === 'MCP Status') await vscode.commands.executeCommand('daytona.mcpStatus');
}

export async function initMcp(h: McpCommandHost): Promise<void> {
  const choice = await pickHost('Daytona: Init MCP — register the sandbox tools with', h);
  if (!choice) return;
  if (choice.host === 'editor') {
    h.registration.refresh();
    h.onInitialised?.();
    await editorFollowUp(h);
    return;
  }
  if (choice.scope === 'workspace' && !vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Daytona: trust this workspace before writing MCP config into it, or choose a global config.');
    return;
  }
  const settings = readSettings();
  const creds = h.credentials();
  try {
    const report = await initHost({
      host: choice.host,
      ctx: defaultHostContext(workspaceDir()),
      scope: choice.scope,
      launch: launch(h.extensionPath),
      readOnly: settings.mcpReadOnly,
      tools: settings.mcpTools,
      maxCreate: settings.mcpMaxCreate,
      // The profile the editor acts in is the one the agent's server uses.
      profile: settings.profile,
    });
    let keyNote = '';
    if (settings.profile) {
      keyNote = ` The server uses the Daytona CLI profile "${settings.profile}".`;
    } else if ((creds.source === 'editor' || creds.source === 'env') && creds.apiKey) {
      // The URL the editor is using, wherever it came from (setting, DAYTONA_API_URL): the agent must
      // talk to the same API the key belongs to.
      const written = writeCredentialsFile({ apiKey: creds.apiKey, apiUrl: apiUrlToStore(creds), target: creds.target });
      keyNote = ` The key (from ${creds.origin}) and its API URL ${creds.apiUrl} are in ${written.path} (readable only by you), not in the config.`;
    } else if (creds.source === 'none') {
      keyNote = ' No API key is set yet: run "Daytona: Set API Key" first, then Init MCP again.';
    }
    h.onInitialised?.();
    h.log.info(`Init MCP: ${report.displayName} ${report.edit.changed ? 'updated' : 'unchanged'} ${report.configPath}`);
    const head = report.edit.changed ? `${report.edit.created ? 'Created' : 'Updated'} ${report.configPath}.` : `${report.configPath} already had the Daytona server.`;
    const official = report.edit.officialEntryPresent ? ' The official "daytona-mcp" entry is also there and was left alone.' : '';
    const action = await vscode.window.showInformationMessage(`Daytona → ${report.displayName}: ${head}${keyNote}${official} Next: ${report.nextSteps}`, 'Open Config', 'MCP Status');
    if (action === 'Open Config') await vscode.window.showTextDocument(vscode.Uri.file(report.configPath));
    if (action === 'MCP Status') await vscode.commands.executeCommand('daytona.mcpStatus');
  } catch (err) {
    const message = err instanceof RegistrationError ? err.message : (err as Error).message;
    h.log.error(`Init MCP failed: ${message}`);
    const path = err instanceof RegistrationError ? err.path : undefined;
    const action = await vscode.window.showErrorMessage(`Daytona: Init MCP failed. ${message}`, ...(path && existsSync(path) ? ['Open Config'] : []));
    if (action === 'Open Config' && path) await vscode.window.showTextDocument(vscode.Uri.file(path));
  }
}

export async function showMcpConfig(h: McpCommandHost): Promise<void> {
  const choice = await pickHost('Daytona: Show MCP Config for', h);
  if (!choice || choice.host === 'editor') return;
  const s = readSettings();
  const text = configSnippetText(choice.host, launch(h.extensionPath), { readOnly: s.mcpReadOnly, tools: s.mcpTools });
  const toml = HOSTS[choice.host].format === 'toml';
  const c = toml ? '#' : '//';
  const doc = await vscode.workspace.openTextDocument({ language: toml ? 'toml' : 'jsonc', content: `${c} Paste into ${HOSTS[choice.host].displayName}'s MCP config. Run "Daytona: Init MCP" once so that\n${c} ${stableServerPath()} exists. No API key is included.\n${text}` });
  await vscode.window.showTextDocument(doc);
}

/** What MCP Status shows besides the store's counts (see status-text.ts). */
export async function statusFacts(h: McpCommandHost): Promise<StatusFacts> {
  const creds = h.credentials();
  return {
    where: whereText(creds),
    keyOrigin: creds.origin,
    apiUrl: creds.apiUrl,
    target: creds.target,
    editor: h.registration.mode === 'vscode-provider' ? 'registered (MCP server definition provider)' : h.registration.mode === 'cursor-api' ? 'registered (Cursor MCP API)' : 'no built-in MCP API; use Init MCP for file-based agents',
    stableServer: existsSync(stableServerPath()) ? stableServerPath() : undefined,
    auditLog: auditLogPath(),
    agents: await agentStatuses(defaultHostContext(workspaceDir())),
  };
}

