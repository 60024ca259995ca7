// Process plumbing for the harness: free ports, child environments, process groups killed on exit.
import { type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

// ------------------------------------------------------------------------------------------------
// Small utilities
// ------------------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints harness diagnostics when E2E_DEBUG=1. */
export function debug(message: string): void {
  if (process.env.E2E_DEBUG === '1') console.log(`[e2e:debug] ${message}`);
}

/** A free TCP port on 127.0.0.1 (released right before code-server binds it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Environment for child processes: ours minus variables that would make code-server misbehave. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // VSCODE_* (e.g. VSCODE_IPC_HOOK_CLI inside a VS Code terminal) makes code-server talk to another
    // instance; NODE_OPTIONS / NODE_TEST_CONTEXT would leak tsx and node:test into the server.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Process groups still alive; killed on exit (or Ctrl+C) so a crashed test never leaves a server behind. */
export const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveGroups.clear();
}
process.on('exit', killLiveGroups);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The servers run in their own process groups, so a terminal's Ctrl+C does not reach them: kill them,
  // then die of the same signal as we would have without this handler.
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
