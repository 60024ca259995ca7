// The 'demo' seed: a realistic organisation with sandboxes in every settled state and
// project labels, for manual runs, editor e2e tests and screenshots. One is a linux-vm (it can fork).
import type { SeedSandbox } from './types';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export function demoSeed(now: number): SeedSandbox[] {
  const ago = (ms: number): number => now - ms;
  return [
    {
      name: 'storefront-web',
      state: 'started',
      // A VM, so the demo has one sandbox that can fork (containers, the rest, cannot).
      sandboxClass: 'linux-vm',
      snapshot: 'node-22',
      labels: { project: 'storefront', env: 'dev', owner: 'maria' },
      createdAt: ago(3 * DAY),
      lastActivityAt: ago(10 * 60 * 1000),
    },
    {
      name: 'storefront-api',
      state: 'started',
      snapshot: 'python-3.12',
      labels: { project: 'storefront', env: 'staging', owner: 'maria' },
      createdAt: ago(5 * DAY),
      lastActivityAt: ago(2 * HOUR),
    },
    {
      name: 'analytics-etl',
      state: 'stopped',
      snapshot: 'python-3.12',
      labels: { project: 'analytics', env: 'dev', owner: 'li' },
      createdAt: ago(9 * DAY),
      lastActivityAt: ago(2 * DAY),
    },
    {
      name: 'analytics-notebook',
      state: 'archived',
      snapshot: 'python-3.12',
      labels: { project: 'analytics', owner: 'li' },
      createdAt: ago(40 * DAY),
      lastActivityAt: ago(20 * DAY),
    },
    {
      name: 'legacy-worker',
      state: 'error',
      errorReason: 'Failed to start sandbox: container exited with code 137 (out of memory)',
      recoverable: false,
      labels: { project: 'legacy' },
      createdAt: ago(14 * DAY),
      lastActivityAt: ago(6 * DAY),
    },
    {
      name: 'docs-preview',
      state: 'stopped',
      snapshot: 'node-22',
      public: true,
      labels: { project: 'docs' },
      createdAt: ago(2 * DAY),
      lastActivityAt: ago(20 * HOUR),
    },
    {
      name: 'scratch',
      state: 'started',
      createdAt: ago(6 * HOUR),
      lastActivityAt: ago(5 * 60 * 1000),
    },
    {
      name: 'ml-experiment-7',
      state: 'archived',
      labels: { project: 'research', owner: 'sam' },
      createdAt: ago(60 * DAY),
      lastActivityAt: ago(45 * DAY),
    },
  ];
}
