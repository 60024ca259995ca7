/**
 * The project's Daytona API emulator in its own process (test/emulator/main.ts via tsx), driven over
 * its control API. A separate process keeps the emulator's work off the event loop being measured,
 * so "through MCP" and "raw SDK" both pay one process hop to the API, as they would in real use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_API_KEY, type EmulatorStats, type FaultSpec, type SeedSandbox } from '../../test/emulator/emulator';
import { PROJECT_ROOT } from './build';

export interface EmulatorProcess {
  url: string;
  controlUrl: string;
  apiKey: string;
  pid: number;
  reset(seed?: SeedSandbox[]): Promise<void>;
  seed(sandboxes: SeedSandbox[]): Promise<Array<{ id: string; name: string }>>;
  setFaults(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  state(): Promise<Array<{ id: string; name: string; state: string; transition: unknown }>>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(opts: { transitionMs?: number } = {}): Promise<EmulatorProcess> {
  const args = ['--import', 'tsx', join(PROJECT_ROOT, 'test/emulator/main.ts'), '--seed', 'none'];
  if (opts.transitionMs !== undefined) args.push('--transition-ms', String(opts.transitionMs));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const first = await new Promise<{ url: string; controlUrl: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 30 s: ${stderr}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as { url: string; controlUrl: string });
        } catch (e) {
          reject(e as Error);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)));
  });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${first.controlUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  return {
    url: first.url,
    controlUrl: first.controlUrl,
    apiKey: DEFAULT_API_KEY,
    pid: child.pid ?? -1,
    reset: async (seed) => void (await control('POST', '/reset', { seed: seed ?? 'none' })),
    seed: async (sandboxes) => (await control<{ sandboxes: Array<{ id: string; name: string }> }>('POST', '/seed', sandboxes)).sandboxes,
    setFaults: async (spec) => void (await control('POST', '/faults', spec)),
    clearFaults: async () => void (await control('DELETE', '/faults')),
    stats: () => control<EmulatorStats>('GET', '/stats'),
    resetStats: async () => void (await control('POST', '/stats/reset', {})),
    state: async () => (await control<{ sandboxes: Array<{ id: string; name: string; state: string; transition: unknown }> }>('GET', '/state')).sandboxes,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Total requests per route template, e.g. {"GET /api/sandbox": 10, "DELETE /api/sandbox/:idOrName": 200}. */
export function routeCounts(stats: EmulatorStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.byRoute).map(([k, v]) => [k, v.count]));
}

/** Requests answered with the given status, over all routes. */
export function statusCount(stats: EmulatorStats, status: number): number {
  return Object.values(stats.byRoute).reduce((n, r) => n + (r.byStatus[String(status)] ?? 0), 0);
}
