/**
 * The one way a command is registered: whatever a command throws becomes a notification with the
 * fix (see showToolError), never an unhandled rejection the user does not see.
 */
import * as vscode from 'vscode';
import { toToolError } from '../core/errors';
import { showToolError } from './tool-runner';

export type CommandHandler = (...args: unknown[]) => unknown;

export function registerCommand(id: string, fn: CommandHandler, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      await fn(...args);
    } catch (err) {
      void showToolError(toToolError(err), log);
    }
  });
}

/** Registers a table of commands (id → handler) through `registerCommand`. */
export function registerCommands(table: Record<string, CommandHandler>, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return Object.entries(table).map(([id, fn]) => registerCommand(id, fn, log));
}
