/** Runs a server under `node --cpu-prof` through spawn → initialize → tools/list → exit. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdioRpc } from './rpc';
import { summariseProfile, type ProfileSummary } from './profile';

export async function profileServerStart(cli: string, env: Record<string, string>, runs = 3, callerOf: readonly string[] = []): Promise<ProfileSummary> {
  const summaries: ProfileSummary[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'daytona-bench-prof-'));
    try {
      const rpc = StdioRpc.spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval', '100', cli, 'start'], env);
      await rpc.handshake();
      await rpc.close();
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error('node --cpu-prof wrote no profile');
      summaries.push(summariseProfile(join(dir, file), cli, callerOf));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Median per owner over the runs.
  const owners = new Set(summaries.flatMap((s) => s.byOwner.map((o) => o.owner)));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const byOwner = [...owners]
    .map((owner) => ({ owner, ms: med(summaries.map((s) => s.byOwner.find((o) => o.owner === owner)?.ms ?? 0)) }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs: med(summaries.map((s) => s.totalMs)), byOwner };
}
