// Seeded snapshot catalogue and GET /snapshots (page-based, unlike the cursor-based sandbox list).
import type { SnapshotWireDto } from './dto';
import { badRequest, notFound } from './errors';
import { parseIntParam } from './query';

export const DEFAULT_SNAPSHOT = 'daytonaio/sandbox:0.5.0';

const DAY = 24 * 60 * 60 * 1000;

export function seedSnapshots(organizationId: string, now: number): SnapshotWireDto[] {
  const at = (daysAgo: number): string => new Date(now - daysAgo * DAY).toISOString();
  const base = {
    gpu: 0,
    entrypoint: null,
    errorReason: null,
    sourceSandboxId: null,
    regionIds: ['us', 'eu'],
    sandboxClass: 'container' as const,
  };
  return [
    {
      ...base,
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      general: true,
      name: DEFAULT_SNAPSHOT,
      imageName: 'daytonaio/sandbox:0.5.0',
      ref: 'registry.daytona.io/daytonaio/sandbox:0.5.0',
      state: 'active',
      size: 1.2,
      cpu: 1,
      mem: 1,
      disk: 3,
      createdAt: at(120),
      updatedAt: at(120),
      lastUsedAt: at(0),
    },
    {
      ...base,
      id: 'a1b2c3d4-0000-4000-8000-000000000002',
      organizationId,
      general: false,
      name: 'python-3.12',
      imageName: 'python:3.12-slim',
      ref: 'registry.daytona.io/org/python-3.12:latest',
      state: 'active',
      size: 0.9,
      entrypoint: ['sleep', 'infinity'],
      cpu: 2,
      mem: 4,
      disk: 5,
      createdAt: at(30),
      updatedAt: at(30),
      lastUsedAt: at(1),
    },
    {
      ...base,
      id: 'a1b2c3d4-0000-4000-8000-000000000003',
      organizationId,
      general: false,
      name: 'node-22',
      imageName: 'node:22-bookworm',
      ref: 'registry.daytona.io/org/node-22:latest',
      state: 'active',
      size: 1.1,
      entrypoint: ['sleep', 'infinity'],
      cpu: 1,
      mem: 2,
      disk: 5,
      createdAt: at(21),
      updatedAt: at(21),
      lastUsedAt: at(2),
    },
    {
      ...base,
      id: 'a1b2c3d4-0000-4000-8000-000000000004',
      organizationId,
      general: false,
      name: 'rust-nightly',
      imageName: 'rustlang/rust:nightly',
      state: 'build_failed',
      size: null,
      errorReason: 'Failed to pull image: manifest unknown',
      cpu: 2,
      mem: 4,
      disk: 10,
      createdAt: at(3),
      updatedAt: at(3),
      lastUsedAt: null,
    },
  ];
}

export function findSnapshot(snapshots: readonly SnapshotWireDto[], idOrName: string): SnapshotWireDto | undefined {
  return snapshots.find((s) => s.id === idOrName || s.name === idOrName);
}

export function getSnapshot(snapshots: readonly SnapshotWireDto[], idOrName: string): SnapshotWireDto {
  const snapshot = findSnapshot(snapshots, idOrName);
  if (!snapshot) throw notFound(`Snapshot ${idOrName} not found`);
  return snapshot;
}

/** GET /snapshots: page (default 1), limit (default 100, max 200), name = partial match. */
export function listSnapshots(snapshots: readonly SnapshotWireDto[], params: URLSearchParams) {
  const page = parseIntParam(params, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const limit = parseIntParam(params, 'limit', 100, 1, 200);
  const name = params.get('name')?.toLowerCase();
  const order = params.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw badRequest('order must be one of the following values: asc, desc');
  }
  const matching = snapshots
    .filter((s) => !name || s.name.toLowerCase().includes(name))
    // Real default sort: lastUsedAt desc, never-used last.
    .sort((a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') * (order === 'asc' ? -1 : 1));
  const total = matching.length;
  return {
    items: matching.slice((page - 1) * limit, page * limit),
    total,
    page,
    totalPages: Math.ceil(total / limit),
  };
}
