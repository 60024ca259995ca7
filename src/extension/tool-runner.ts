/**
 * Runs a core tool from an editor command: a cancellable progress notification, a modal dialog
 * where the tool asks for confirmation, the outcome logged, and errors turned into notifications
 * with the action that fixes them ("Set API Key" after an auth error).
 */
import * as vscode from 'vscode';
import type { z } from 'zod';
import { toToolError, type ToolError } from '../core/errors';
import type { ToolContext, ToolDefinition, ToolOutcome } from '../core/tool';
import { callTool } from './tool-invoker';
import type { OutcomeText } from './outcome-text';

export interface RunnerHost {
  log: vscode.LogOutputChannel;
  /** A ToolContext for one call; the runner supplies progress and confirm (without them: none, and 'unsupported'). */
  context(signal: AbortSignal, hooks?: Partial<Pick<ToolContext, 'progress' | 'confirm'>>): ToolContext;
  /** Called after an auth error so the status bar and tree can show it. */
  onAuthError?(err: ToolError): void;
  /** Called after any failed run (not a cancel): what the editor may learn from it (e.g. no resizing here). */
  onToolError?(err: ToolError): void;
}

/** `failedTo`, when given, names what failed: "Could not stop web and api: <message> <hint>". */
export async function showToolError(err: ToolError, log: vscode.LogOutputChannel, failedTo?: string): Promise<void> {
  log.error(`${err.kind}: ${err.message}`);
  const actions = err.kind === 'auth' ? ['Set API Key', 'Show Output'] : ['Show Output'];
  const choice = await vscode.window.showErrorMessage(`Daytona: ${failedTo ? `Could not ${failedTo}: ` : ''}${err.message} ${err.hint}`, ...actions);
  if (choice === 'Set API Key') await vscode.commands.executeCommand('daytona.setApiKey');
  if (choice === 'Show Output') log.show(true);
}

export async function runTool<I extends z.ZodObject, O extends z.ZodObject>(
  host: RunnerHost,
  tool: ToolDefinition<I, O>,
  input: z.input<I>,
  title: string,
  failedTo?: string,
  /** What the user saw when choosing (core/fresh-check.ts): a bulk stop or delete skips what changed since. */
  extra?: Pick<ToolContext, 'seen'>,
): Promise<ToolOutcome<z.input<O>> | undefined> {
  host.log.info(`${tool.name} ${JSON.stringify(input, (k, v) => (k === 'env' ? '[redacted]' : v))}`);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Daytona: ${title}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        const ctx = host.context(controller.signal, {
          progress(done, total, message) {
            const pct = total ? Math.round((done / total) * 100) : reported;
            progress.report({ message, increment: Math.max(0, pct - reported) });
            reported = pct;
          },
          async confirm(message) {
            const answer = await vscode.window.showWarningMessage(message, { modal: true }, 'Delete');
            return answer === 'Delete' ? 'accepted' : 'declined';
          },
        });
        try {
          const outcome = await callTool(tool, input, extra ? { ...ctx, ...extra } : ctx);
          const said = tool.sensitiveResult ? '(result not logged: it holds a preview token)' : outcome.summary.split('\n')[0];
          host.log.info(`${tool.name}: ${outcome.isError ? 'failed' : 'ok'} — ${said}`);
          return outcome;
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (raw) {
    const err = toToolError(raw);
    if (err.kind === 'auth') host.onAuthError?.(err);
    if (err.kind !== 'cancelled') host.onToolError?.(err);
    // Not awaited: a notification stays until dismissed, and the command should finish with the work.
    if (err.kind !== 'cancelled') void showToolError(err, host.log, failedTo);
    else host.log.info(`${tool.name}: cancelled`);
    return undefined;
  }
}

/** An outcome (see outcome-text.ts) as a notification: info when all went well, warning on partial, error when all failed. */
export async function reportOutcome(outcome: OutcomeText, log: vscode.LogOutputChannel): Promise<void> {
  const show = outcome.level === 'error' ? vscode.window.showErrorMessage : outcome.level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(`Daytona: ${outcome.text}`, ...(outcome.level === 'info' ? [] : ['Show Output']));
  if (choice === 'Show Output') log.show(true);
}
