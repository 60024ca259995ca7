/** The extension's settings (package.json `contributes.configuration`), read in one place. */
import * as vscode from 'vscode';
import type { GroupBy } from './tree-model';

export const SECTION = 'daytona';

export interface Settings {
  apiUrl: string | undefined;
  target: string | undefined;
  autoRefreshSeconds: number;
  statusBarRefreshSeconds: number;
  defaultProject: string | undefined;
  groupBy: GroupBy;
  mcpReadOnly: boolean;
  mcpTools: string[] | undefined;
  /** The editor-registered server's creation limit; undefined = the server's default. */
  mcpMaxCreate: number | undefined;
  /** The Daytona CLI profile to act in ("Daytona: Switch Profile…"); undefined = the stored key, else first found. */
  profile: string | undefined;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const str = (key: string) => (c.get<string>(key) ?? '').trim() || undefined;
  const tools = c.get<string[]>('mcp.tools') ?? [];
  return {
    apiUrl: str('apiUrl'),
    target: str('target'),
    autoRefreshSeconds: Math.max(0, c.get<number>('autoRefreshSeconds') ?? 30),
    statusBarRefreshSeconds: Math.max(0, c.get<number>('statusBarRefreshSeconds') ?? 60),
    defaultProject: str('defaultProject'),
    groupBy: (c.get<string>('groupBy') as GroupBy) ?? 'state',
    mcpReadOnly: c.get<boolean>('mcp.readOnly') ?? false,
    mcpTools: tools.length ? tools : undefined,
    mcpMaxCreate: wholeNumber(c.get<number>('mcp.maxCreate')),
    profile: str('profile'),
  };
}

function wholeNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The project label for new sandboxes: the setting, else the first workspace folder's name. */
export function defaultProject(settings: Settings): string | undefined {
  return settings.defaultProject ?? vscode.workspace.workspaceFolders?.[0]?.name;
}
