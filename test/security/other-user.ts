/**
 * A second local user for the security suite (CI runs as root): created idempotently with useradd,
 * commands run as that user with setpriv. Unavailable (not root, no useradd/setpriv) → a reason to skip.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const OTHER_USER = 'daytona-sec-other';

function find(cmd: string): string | undefined {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => `${d}/${cmd}`).find(existsSync);
}

/** Undefined when the other user is ready; otherwise why the test cannot run. */
export function otherUserUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (useradd + setpriv)';
  if (process.getuid?.() !== 0) return 'needs root to create a second local user (CI runs as root)';
  const useradd = find('useradd');
  if (!useradd || !find('setpriv')) return 'useradd or setpriv is not installed';
  if (spawnSync('id', ['-u', OTHER_USER]).status !== 0) {
    const r = spawnSync(useradd, ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER]);
    // Another test file may have created it at the same moment.
    if (r.status !== 0 && spawnSync('id', ['-u', OTHER_USER]).status !== 0) return `useradd failed: ${r.stderr.toString().trim()}`;
  }
  return undefined;
}

export function otherUid(): number {
  return Number(execFileSync('id', ['-u', OTHER_USER]).toString().trim());
}

function asOther(args: string[]): string[] {
  const uid = otherUid();
  return ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--', ...args];
}

/** Runs a command as the other user; its exit code and output. */
export function runAsOther(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(find('setpriv')!, asOther(args), { env: { PATH: '/usr/bin:/bin' } });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Starts a long-running command as the other user. */
export function spawnAsOther(args: string[]): ChildProcess {
  return spawn(find('setpriv')!, asOther(args), { env: { PATH: '/usr/bin:/bin' } });
}
