/**
 * The "Daytona" output channel with every line passed through the one scrubber (core/scrub): the
 * API key, bearer tokens and echoed Authorization values never reach the channel (or a bug report
 * pasted from it). Notifications carry ToolError texts, which are scrubbed when they are made.
 */
import type * as vscode from 'vscode';
import { scrub } from '../core/scrub';

const WRITERS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

export function scrubbedLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !WRITERS.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => unknown).apply(target, args.map((a) => (typeof a === 'string' ? scrub(a) : a instanceof Error ? scrub(a.message) : a)));
    },
  });
}
