/**
 * Every palette and menu command. Each one that touches sandboxes runs a core tool through
 * tool-runner.ts — the same implementation agents call over MCP — and then refreshes the store.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { auditLogPath } from '../core/daytona-home';
import { daytonaCliConfigPath, listDaytonaCliProfiles, type Credentials } from '../core/credentials';
import { toToolError } from '../core/errors';
import type { ToolContext } from '../core/tool';
import { ONGOING_STATE } from '../core/lifecycle';
import type { LifecycleAction, SandboxDetails, SandboxState } from '../core/types';
import { LIFECYCLE_TOOLS, TOOLS } from '../core/tools';
import { NAME_PATTERN, NAME_RULE } from '../core/tools/schemas';
import { detailsUri } from './details-document';
import type { KeyStore } from './key-store';
import type { SandboxStore } from './sandbox-store';
import type { Node } from './sandbox-tree';
import { defaultProject, readSettings, SECTION } from './settings';
import { reportOutcome, runTool, type RunnerHost } from './tool-runner';
import { registerCommands as registerTable } from './register-command';
import { callTool } from './tool-invoker';
import { contextValueFor } from './tree-model';
import { cleanupOutcome, createOutcome, lifecycleOutcome, nameList } from './outcome-text';
import { changeCommands } from './change-commands';
import { takenNameError } from './change-input';
import { profileItems } from './profile-model';

export interface CommandServices extends RunnerHost {
  keys: KeyStore;
  store: SandboxStore;
  credentials(): Credentials;
  /** Runs `use` with a context that uses `apiKey` instead of the stored one (to check a key before saving it). */
  withKey<T>(apiKey: string, use: (ctx: ToolContext) => Promise<T>): Promise<T>;
  revealView(): Promise<void>;
}

// The verbs and past tenses come from the tools themselves (LIFECYCLE_TOOLS[action].lifecycle).
type Action = LifecycleAction;
/** The tree item's context flag that allows the action (see tree-model.ts). */
const actionFlag = (action: Action) => `can-${action}`;
/** Shown in the tree from the moment the action is requested (deletes are left alone: the row goes when the API says). */

function selectedSandboxes(item: unknown, selected: unknown): SandboxDetails[] {
  const nodes = (Array.isArray(selected) && selected.length ? selected : item ? [item] : []) as Node[];
  return nodes.flatMap((n) => (n?.type === 'sandbox' ? [n.sandbox] : n?.type === 'group' ? n.group.sandboxes : []));
}

async function pickSandboxes(s: CommandServices, action: Action | 'any', many: boolean): Promise<SandboxDetails[]> {
  if (s.store.status.kind !== 'ready') await s.store.refresh();
  const fits = (x: SandboxDetails) => action === 'any' || contextValueFor(x).split(' ').includes(actionFlag(action));
  const candidates = s.store.sandboxes.filter(fits);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(action === 'any' ? 'Daytona: no sandboxes.' : `Daytona: no sandbox can be ${LIFECYCLE_TOOLS[action].lifecycle.pastTense} right now.`);
    return [];
  }
  const items = candidates.map((x) => ({ label: x.name, description: `${x.state} · ${x.id}`, sandbox: x }));
  if (many) {
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Daytona: choose sandboxes to ${action === 'any' ? action : LIFECYCLE_TOOLS[action].lifecycle.verb}`, matchOnDescription: true });
    return (picked ?? []).map((p) => p.sandbox);
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Daytona: choose a sandbox', matchOnDescription: true });
  return picked ? [picked.sandbox] : [];
}

async function confirmDeletion(sandboxes: SandboxDetails[]): Promise<boolean> {
  const names = sandboxes.slice(0, 8).map((x) => x.name).join(', ') + (sandboxes.length > 8 ? `, … (${sandboxes.length - 8} more)` : '');
  const what = sandboxes.length === 1 ? `sandbox "${sandboxes[0]!.name}"` : `${sandboxes.length} sandboxes (${names})`;
  const answer = await vscode.window.showWarningMessage(`Delete ${what} permanently? Everything in ${sandboxes.length === 1 ? 'it' : 'them'} is lost.`, { modal: true }, 'Delete');
  return answer === 'Delete';
}

async function lifecycle(s: CommandServices, action: Action, item: unknown, selected: unknown): Promise<void> {
  let targets = selectedSandboxes(item, selected);
  if (!targets.length) targets = await pickSandboxes(s, action, true);
  if (!targets.length) return;
  if (action === 'delete' && !(await confirmDeletion(targets))) return;
  const names = nameList(targets.map((x) => x.name));
  const ids = targets.map((x) => x.id);
  const tool = LIFECYCLE_TOOLS[action];
  const { verb, ongoing, pastTense } = tool.lifecycle;
  // Each row shows its spinner until the API reports the next state (a deleted row stays in its group,
  // spinning, until the API says destroying; then it goes).
  s.store.markTransition(ids.filter((id) => contextValueFor(targets.find((x) => x.id === id)!).includes(actionFlag(action))), ONGOING_STATE[action]);
  // Several at once: each is read again right before acting and skipped if it changed since it was shown.
  const seen = targets.length > 1 ? { seen: new Map(targets.map((x) => [x.id, x.state] as const)) } : undefined;
  const outcome = await runTool(s, tool, { sandboxes: ids }, `${ongoing} ${names}…`, `${verb} ${names}`, seen);
  // What the action read fresh wins over the list, which may lag behind it for a while.
  const reported = new Map((outcome?.data.results ?? []).flatMap((r) => (r.ok && r.id && r.state ? [[r.id, r.state as SandboxState] as const] : [])));
  void s.store.settleTransition(ids, reported);
  // Named as the tree names them, also where the API's answer carries only the id.
  if (outcome) void reportOutcome(lifecycleOutcome(pastTense, verb, outcome.data, new Map(targets.map((x) => [x.id, x.name]))), s.log);
}

async function setApiKey(s: CommandServices): Promise<void> {
  const creds = s.credentials();
  for (;;) {
    const key = await vscode.window.showInputBox({
      title: 'Daytona: Set API Key',
      prompt: `Paste a Daytona API key (from the Daytona dashboard → Keys). It is kept in the editor's secret storage and checked against ${creds.apiUrl}.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'The key cannot be empty.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
    });
    if (key === undefined) return;
    const candidate = key.trim();
    const problem = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Daytona: checking the API key…' }, async () => {
      try {
        await s.withKey(candidate, (ctx) => callTool(TOOLS.listSandboxes, { limit: 1 }, ctx));
        return undefined;
      } catch (err) {
        return toToolError(err);
      }
    });
    if (problem?.kind === 'auth') {
      const again = await vscode.window.showErrorMessage('Daytona: that API key was rejected (401). Check that you copied all of it.', 'Try Again');
      if (again === 'Try Again') continue;
      return;
    }
    if (problem) {
      const choice = await vscode.window.showWarningMessage(`Daytona: could not verify the key (${problem.message}). Save it anyway?`, 'Save', 'Cancel');
      if (choice !== 'Save') return;
    }
    await s.keys.set(candidate);
    // A key just set is where the user means to act: a chosen CLI profile would otherwise still win.
    if (readSettings().profile) await vscode.workspace.getConfiguration(SECTION).update('profile', undefined, vscode.ConfigurationTarget.Global);
    s.log.info('API key stored in secret storage');
    void vscode.window.showInformationMessage('Daytona: API key saved. Your sandboxes are loading.');
    await s.revealView();
    return;
  }
}

/** Whether the API knows a sandbox by that name now (one lookup); undefined when it cannot tell. */
async function nameTakenNow(s: CommandServices, name: string): Promise<string | undefined> {
  try {
    const out = await callTool(TOOLS.getSandbox, { sandbox: name }, s.context(new AbortController().signal));
    const found = out.data.sandbox as { name: string; state: string };
    return found.name === name ? takenNameError(name, [found]) : undefined;
  } catch {
    return undefined; // not found (free), or unknown: create itself will say
  }
}

/** Step 1: a name that is valid and free (checked against the tree's list as typed, and the API on Enter). */
async function askFreeName(s: CommandServices): Promise<string | undefined> {
  if (s.store.status.kind !== 'ready') void s.store.refresh();
  let value = '';
  let taken: string | undefined;
  for (;;) {
    const name = await vscode.window.showInputBox({
      title: 'Daytona: Create Sandbox (1/3) — name',
      prompt: taken ?? 'Leave empty for a generated name.',
      value,
      validateInput: (v) => (v.trim() && !NAME_PATTERN.test(v.trim()) ? NAME_RULE : takenNameError(v, s.store.sandboxes)),
    });
    if (name === undefined || !name.trim()) return name;
    taken = await nameTakenNow(s, name.trim());
    if (!taken) return name;
    value = name;
  }
}

async function createSandboxWizard(s: CommandServices): Promise<void> {
  const name = await askFreeName(s);
  if (name === undefined) return;

  type SourceItem = vscode.QuickPickItem & { snapshot?: string; image?: boolean };
  const sourcePick = vscode.window.createQuickPick<SourceItem>();
  sourcePick.title = 'Daytona: Create Sandbox (2/3) — snapshot';
  // Steps after the first keep their place when focus leaves them: the previous step's closing hands
  // focus back to the editor, which would otherwise dismiss the next one as cancelled (Escape still does).
  sourcePick.ignoreFocusOut = true;
  sourcePick.busy = true;
  sourcePick.items = [{ label: '$(star) Default snapshot' }, { label: '$(package) Build from a container image…', description: 'choose CPU, memory and disk', image: true }];
  sourcePick.show();
  const controller = new AbortController();
  callTool(TOOLS.listSnapshots, {}, s.context(controller.signal))
    .then((out) => {
      const snaps = out.data.snapshots.filter((x: { state: string }) => x.state === 'active');
      sourcePick.items = [
        ...sourcePick.items,
        { label: 'Snapshots', kind: vscode.QuickPickItemKind.Separator },
        ...snaps.map((x: { name: string; cpu: number | null; memory: number | null; disk: number | null }) => ({
          label: x.name,
          description: x.cpu !== null ? `${x.cpu} CPU · ${x.memory} GiB · ${x.disk} GiB` : undefined,
          snapshot: x.name,
        })),
      ];
    })
    .catch((err: unknown) => s.log.warn(`list_snapshots failed: ${toToolError(err).message}`))
    .finally(() => (sourcePick.busy = false));
  const source = await new Promise<SourceItem | undefined>((resolve) => {
    sourcePick.onDidAccept(() => resolve(sourcePick.selectedItems[0]));
    sourcePick.onDidHide(() => resolve(undefined));
  });
  controller.abort();
  sourcePick.dispose();
  if (!source) return;

  const input: Record<string, unknown> = {};
  if (name.trim()) input.name = name.trim();
  if (source.snapshot) input.snapshot = source.snapshot;
  if (source.image) {
    const image = await vscode.window.showInputBox({ title: 'Daytona: container image', value: 'python:3.12-slim', prompt: 'Any image reference, e.g. node:22 or ghcr.io/org/app:tag', ignoreFocusOut: true });
    if (!image) return;
    const size = await vscode.window.showQuickPick(
      [
        { label: 'Small', description: '1 CPU · 1 GiB · 3 GiB', r: [1, 1, 3] },
        { label: 'Medium', description: '2 CPU · 4 GiB · 8 GiB', r: [2, 4, 8] },
        { label: 'Large', description: '4 CPU · 8 GiB · 10 GiB', r: [4, 8, 10] },
      ],
      { title: 'Daytona: resources', ignoreFocusOut: true },
    );
    if (!size) return;
    Object.assign(input, { image: image.trim(), cpu: size.r[0], memory: size.r[1], disk: size.r[2] });
  }
  const project = await vscode.window.showInputBox({
    title: 'Daytona: Create Sandbox (3/3) — project label',
    value: defaultProject(readSettings()) ?? '',
    prompt: 'Groups sandboxes in the sidebar and lets agents find them (label "project"). Empty for none.',
    ignoreFocusOut: true,
  });
  if (project === undefined) return;
  if (project.trim()) input.project = project.trim();

  const outcome = await runTool(s, TOOLS.createSandbox, input, `Creating ${input.name ?? 'a sandbox'}…`, `create ${input.name ?? 'a sandbox'}`);
  void s.store.refresh();
  if (outcome) void reportOutcome(createOutcome(outcome.data as Parameters<typeof createOutcome>[0]), s.log);
}

async function deleteAllStopped(s: CommandServices): Promise<void> {
  // cleanup_sandboxes lists what matches and asks through ctx.confirm (a modal naming them) before
  // deleting anything: the same flow an agent triggers.
  const outcome = await runTool(s, TOOLS.cleanupSandboxes, {}, 'Deleting stopped sandboxes…', 'delete the stopped sandboxes');
  void s.store.refresh();
  if (!outcome) return;
  if (outcome.data.matched.length === 0) void vscode.window.showInformationMessage('Daytona: there are no stopped sandboxes.');
  else if (!outcome.data.cancelled) void reportOutcome(cleanupOutcome(outcome.data as Parameters<typeof cleanupOutcome>[0]), s.log);
}

/** Every state a sandbox can be deleted from without waiting (running ones too: the modal names them). */
const DELETABLE_STATES = ['started', 'stopped', 'archived', 'paused', 'error', 'build_failed'] as const;

async function deleteAgentMade(s: CommandServices): Promise<void> {
  // The provenance filter agents use too (byAgent); cleanup_sandboxes asks through the same modal.
  const outcome = await runTool(s, TOOLS.cleanupSandboxes, { byAgent: true, states: [...DELETABLE_STATES] }, 'Deleting sandboxes made by agents…', 'delete the sandboxes made by agents');
  void s.store.refresh();
  if (!outcome) return;
  if (outcome.data.matched.length === 0) void vscode.window.showInformationMessage('Daytona: no sandbox was made by an agent through this MCP server.');
  else if (!outcome.data.cancelled) void reportOutcome(cleanupOutcome(outcome.data as Parameters<typeof cleanupOutcome>[0]), s.log);
}

/** "Daytona: Switch Profile…": a Daytona CLI profile, or the stored key; the tree, status bar and MCP server follow the setting. */
async function switchProfile(s: CommandServices): Promise<void> {
  const path = daytonaCliConfigPath();
  const items = profileItems(listDaytonaCliProfiles(path), readSettings().profile, Boolean(s.keys.current));
  const picked = await vscode.window.showQuickPick(
    items.map((i) => ({ ...i, label: `${i.label}${i.picked ? ' $(check)' : ''}` })),
    { title: 'Daytona: act in which profile?', placeHolder: items.length > 1 ? `Daytona CLI profiles from ${path}` : `No Daytona CLI profiles in ${path} ("daytona login" adds one)` },
  );
  if (!picked) return;
  await vscode.workspace.getConfiguration(SECTION).update('profile', picked.value || undefined, vscode.ConfigurationTarget.Global);
  s.log.info(`switched to ${picked.value ? `Daytona CLI profile "${picked.value}"` : 'the stored key (else the first credential found)'}`);
}

function dashboardUrl(apiUrl: string): string {
  try {
    return `${new URL(apiUrl).origin}/dashboard/sandboxes`;
  } catch {
    return 'https://app.daytona.io/dashboard/sandboxes';
  }
}

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const one = async (item: unknown): Promise<SandboxDetails | undefined> => selectedSandboxes(item, undefined)[0] ?? (await pickSandboxes(s, 'any', false))[0];
  return registerTable({
    'daytona.setApiKey': () => setApiKey(s),
    'daytona.signOut': async () => {
      await s.keys.clear();
      s.log.info('API key removed from secret storage');
      const c = s.credentials();
      void vscode.window.showInformationMessage(
        c.source === 'none' ? 'Daytona: signed out.' : `Daytona: removed the stored key; now using ${c.origin}.`,
      );
    },
    'daytona.refresh': () => s.store.reconcile(),
    'daytona.createSandbox': () => createSandboxWizard(s),
    'daytona.startSandbox': (item, selected) => lifecycle(s, 'start', item, selected),
    'daytona.stopSandbox': (item, selected) => lifecycle(s, 'stop', item, selected),
    'daytona.archiveSandbox': (item, selected) => lifecycle(s, 'archive', item, selected),
    'daytona.deleteSandbox': (item, selected) => lifecycle(s, 'delete', item, selected),
    'daytona.deleteAllStopped': () => deleteAllStopped(s),
    'daytona.deleteAgentMade': () => deleteAgentMade(s),
    'daytona.switchProfile': () => switchProfile(s),
    'daytona.copyId': async (item) => {
      const x = await one(item);
      if (!x) return;
      await vscode.env.clipboard.writeText(x.id);
      void vscode.window.setStatusBarMessage(`Copied sandbox id ${x.id}`, 3000);
    },
    'daytona.openDashboard': async () => {
      await vscode.env.openExternal(vscode.Uri.parse(dashboardUrl(s.credentials().apiUrl)));
    },
    'daytona.showDetails': async (item) => {
      const x = await one(item);
      if (!x) return;
      const doc = await vscode.workspace.openTextDocument(detailsUri(x.name, x.id));
      await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    },
    'daytona.showMcpLog': async () => {
      const path = auditLogPath();
      if (!existsSync(path)) {
        void vscode.window.showInformationMessage(`Daytona: no MCP activity yet; the audit log will appear at ${path}.`);
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true });
    },
    'daytona.showOutput': () => s.log.show(),
    'daytona.groupByState': () => vscode.workspace.getConfiguration(SECTION).update('groupBy', 'state', vscode.ConfigurationTarget.Global),
    'daytona.groupByProject': () => vscode.workspace.getConfiguration(SECTION).update('groupBy', 'project', vscode.ConfigurationTarget.Global),
    ...changeCommands(s, one),
  }, s.log);
}
