/**
 * The tree's commands for the rest of the lifecycle: Fork…, Save as Snapshot…, Resize…, Auto-stop…,
 * Open Preview… / Copy Preview URL…, Show Build Log. Each runs the same core tool agents call
 * (fork_sandbox, snapshot_sandbox, update_sandbox, get_preview_url, get_sandbox) through
 * tool-runner.ts, with its cancellable progress and error notices.
 */
import * as vscode from 'vscode';
import type { SandboxLimits } from '../core/gateway';
import { readLimitsFor } from '../core/sandbox-update';
import type { SandboxDetails, SandboxState } from '../core/types';
import { TOOLS } from '../core/tools';
import { NAME_PATTERN, NAME_RULE } from '../core/tools/schemas';
import { AUTO_STOP_CHOICES, parseMinutes, parsePort, parseResize, sizeText } from './change-input';
import type { SandboxStore } from './sandbox-store';
import { reportOutcome, runTool, type RunnerHost } from './tool-runner';

/** What these commands use of commands.ts's services: the runner's host, and the store for the tree's transitional states. */
export interface ChangeServices extends RunnerHost {
  store: SandboxStore;
}

type Pick1 = (item: unknown) => Promise<SandboxDetails | undefined>;

const firstLine = (text: string): string => text.split('\n')[0] ?? text;

/** Runs `tool` on one sandbox with the tree showing `shown` meanwhile, then refreshes and says what happened. */
async function change<T extends { summary: string } | undefined>(s: ChangeServices, x: SandboxDetails, shown: SandboxState | undefined, run: () => Promise<T>): Promise<T> {
  if (shown) s.store.markTransition([x.id], shown);
  const outcome = await run();
  if (shown) void s.store.settleTransition([x.id]);
  void s.store.refresh();
  if (outcome) void reportOutcome({ level: 'info', text: firstLine(outcome.summary) }, s.log);
  return outcome;
}

async function fork(s: ChangeServices, x: SandboxDetails): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: `Daytona: Fork ${x.name}`,
    prompt: 'Name of the copy (same files, copy-on-write). Leave empty for a generated name.',
    value: `${x.name}-fork`.slice(0, 63),
    validateInput: (v) => (v.trim() && !NAME_PATTERN.test(v.trim()) ? NAME_RULE : undefined),
  });
  if (name === undefined) return;
  await change(s, x, 'forking', () =>
    runTool(s, TOOLS.forkSandboxTool, { sandbox: x.id, ...(name.trim() ? { name: name.trim() } : {}) }, `Forking ${x.name}…`, `fork ${x.name}`),
  );
}

async function snapshot(s: ChangeServices, x: SandboxDetails): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: `Daytona: Save ${x.name} as Snapshot`,
    prompt: 'Snapshot name; new sandboxes can then be created from it.',
    value: `${x.name}-snapshot`,
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/.test(v.trim()) ? undefined : 'Letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit.'),
  });
  if (!name?.trim()) return;
  await change(s, x, 'snapshotting', () => runTool(s, TOOLS.snapshotSandboxTool, { sandbox: x.id, name: name.trim() }, `Saving ${x.name} as ${name.trim()}…`, `save ${x.name} as a snapshot`));
}

async function resize(s: ChangeServices, x: SandboxDetails): Promise<void> {
  const rule = x.state === 'started' ? 'Running: CPU and memory can only grow; stop it to change the disk.' : 'Stopped: disk can only grow.';
  // The organisation's per-sandbox maxima, read while the box is open (cached by the gateway); until
  // they arrive, or when they cannot be read, the box checks the other rules only.
  let limits: SandboxLimits | undefined;
  const reading = new AbortController();
  void s
    .context(reading.signal)
    .gateway()
    .then((g) => readLimitsFor(g, x, reading.signal))
    .then(
      (l) => (limits = l),
      () => undefined,
    );
  const text = await vscode.window.showInputBox({
    title: `Daytona: Resize ${x.name}`,
    prompt: `CPU, memory GiB, disk GiB. ${rule}`,
    value: sizeText(x),
    validateInput: (v) => {
      const r = parseResize(v, x, limits);
      return r.ok ? undefined : r.error;
    },
  });
  reading.abort();
  if (text === undefined) return;
  const parsed = parseResize(text, x, limits);
  if (!parsed.ok) return;
  await change(s, x, 'resizing', () => runTool(s, TOOLS.updateSandboxTool, { sandbox: x.id, ...parsed.value }, `Resizing ${x.name}…`, `resize ${x.name}`));
}

async function autoStop(s: ChangeServices, x: SandboxDetails): Promise<void> {
  const items = [
    ...AUTO_STOP_CHOICES.map((c) => ({ label: c.label, minutes: c.minutes as number | undefined, description: c.minutes === x.autoStopMinutes ? 'current' : undefined })),
    { label: 'Custom…', minutes: undefined, description: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Daytona: Auto-stop ${x.name} after idle…` });
  if (!picked) return;
  let minutes = picked.minutes;
  if (minutes === undefined) {
    const typed = await vscode.window.showInputBox({
      title: `Daytona: Auto-stop ${x.name}`,
      prompt: 'Minutes idle before it stops (0 = never).',
      value: String(x.autoStopMinutes ?? 15),
      validateInput: (v) => {
        const r = parseMinutes(v);
        return r.ok ? undefined : r.error;
      },
    });
    const r = typed === undefined ? undefined : parseMinutes(typed);
    if (!r?.ok) return;
    minutes = r.value;
  }
  await change(s, x, undefined, () => runTool(s, TOOLS.updateSandboxTool, { sandbox: x.id, autoStopMinutes: minutes }, `Setting auto-stop of ${x.name}…`, `set the auto-stop of ${x.name}`));
}

async function preview(s: ChangeServices, x: SandboxDetails, open: boolean): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: `Daytona: ${open ? 'Open Preview of' : 'Copy Preview URL of'} ${x.name}`,
    prompt: 'Port of the sandbox (e.g. 3000). The URL is signed: it opens without extra headers, for an hour.',
    value: '3000',
    validateInput: (v) => {
      const r = parsePort(v);
      return r.ok ? undefined : r.error;
    },
  });
  const port = text === undefined ? undefined : parsePort(text);
  if (!port?.ok) return;
  const outcome = await runTool(s, TOOLS.getPreviewUrlTool, { sandbox: x.id, port: port.value }, `Getting a preview URL for port ${port.value} of ${x.name}…`, `get a preview URL for ${x.name}`);
  if (!outcome) return;
  const { url, expiresAt } = outcome.data as { url: string; expiresAt: string | null };
  if (open) {
    await vscode.env.openExternal(vscode.Uri.parse(url));
  } else {
    await vscode.env.clipboard.writeText(url);
    void vscode.window.setStatusBarMessage(`Copied the preview URL of ${x.name}:${port.value}${expiresAt ? ` (valid until ${expiresAt})` : ''}`, 5000);
  }
}

async function buildLog(s: ChangeServices, x: SandboxDetails): Promise<void> {
  const outcome = await runTool(s, TOOLS.getSandbox, { sandbox: x.id }, `Reading the build log of ${x.name}…`, `read the build log of ${x.name}`);
  if (!outcome) return;
  const tail = (outcome.data as { buildLogTail?: string | null }).buildLogTail;
  const content = tail
    ? `# Build log of ${x.name} (last lines)\n# ${x.errorReason ?? ''}\n\n${tail}\n`
    : `# ${x.name} has no build log (it was not built from an image, or the API did not return one).\n`;
  const doc = await vscode.workspace.openTextDocument({ content, language: 'log' });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** Command id → handler, merged into the table of commands.ts. */
export function changeCommands(s: ChangeServices, one: Pick1): Record<string, (item: unknown) => Promise<void>> {
  const on = (fn: (s: ChangeServices, x: SandboxDetails) => Promise<void>) => async (item: unknown) => {
    const x = await one(item);
    if (x) await fn(s, x);
  };
  return {
    'daytona.forkSandbox': on(fork),
    'daytona.snapshotSandbox': on(snapshot),
    'daytona.resizeSandbox': on(resize),
    'daytona.setAutoStop': on(autoStop),
    'daytona.openPreview': on((s2, x) => preview(s2, x, true)),
    'daytona.copyPreviewUrl': on((s2, x) => preview(s2, x, false)),
    'daytona.showBuildLog': on(buildLog),
  };
}
