// Wire shapes, typed against the api-client models the SDK deserialises (type-only import, so
// the emulator never loads the SDK). `Wire<T>` turns the models' `Date` fields into the ISO
// strings that actually travel over HTTP.
import type {
  DaytonaConfiguration,
  Sandbox,
  SandboxListItem,
  SandboxState,
  SnapshotDto,
} from '@daytona/api-client';
import { SANDBOX_STATES, type SandboxRecord } from './types';

export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type SandboxDto = Wire<Sandbox>;
export type SandboxListItemDto = Wire<SandboxListItem>;
export type SnapshotWireDto = Wire<SnapshotDto>;
export type ConfigDto = Wire<DaytonaConfiguration>;

// Compile-time guard: our state list must stay within the api-client's enum.
const _statesMatchApiClient: readonly SandboxState[] = SANDBOX_STATES;
void _statesMatchApiClient;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Full DTO, as returned by GET /sandbox/{id} and every lifecycle action. */
export function toSandboxDto(rec: SandboxRecord, toolboxProxyUrl: string): SandboxDto {
  return {
    id: rec.id,
    organizationId: rec.organizationId,
    name: rec.name,
    ...(rec.snapshot !== undefined && { snapshot: rec.snapshot }),
    user: rec.user,
    env: { ...rec.env },
    labels: { ...rec.labels },
    public: rec.public,
    networkBlockAll: rec.networkBlockAll,
    target: rec.target,
    cpu: rec.cpu,
    gpu: rec.gpu,
    memory: rec.memory,
    disk: rec.disk,
    state: rec.state,
    desiredState: rec.desiredState,
    ...(rec.errorReason !== undefined && { errorReason: rec.errorReason }),
    ...(rec.recoverable !== undefined && { recoverable: rec.recoverable }),
    backupState: 'None',
    autoStopInterval: rec.autoStopInterval,
    autoArchiveInterval: rec.autoArchiveInterval,
    autoDeleteInterval: rec.autoDeleteInterval,
    volumes: rec.volumes.map((v) => ({ ...v })),
    ...(rec.buildInfo && {
      buildInfo: {
        ...(rec.buildInfo.dockerfileContent !== undefined && { dockerfileContent: rec.buildInfo.dockerfileContent }),
        ...(rec.buildInfo.contextHashes && { contextHashes: [...rec.buildInfo.contextHashes] }),
        snapshotRef: rec.buildInfo.snapshotRef,
        createdAt: iso(rec.buildInfo.createdAt),
        updatedAt: iso(rec.buildInfo.updatedAt),
      },
    }),
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.updatedAt),
    lastActivityAt: iso(rec.lastActivityAt),
    sandboxClass: rec.sandboxClass,
    daemonVersion: rec.daemonVersion,
    runnerId: rec.runnerId,
    toolboxProxyUrl,
  };
}

/**
 * List item, as returned by GET /sandbox. Like the real API it omits env, volumes and buildInfo
 * (the SDK documents that callers must refreshData() to see them).
 */
export function toListItem(rec: SandboxRecord, toolboxProxyUrl: string): SandboxListItemDto {
  return {
    id: rec.id,
    organizationId: rec.organizationId,
    name: rec.name,
    target: rec.target,
    runnerId: rec.runnerId,
    sandboxClass: rec.sandboxClass,
    state: rec.state,
    desiredState: rec.desiredState,
    ...(rec.snapshot !== undefined && { snapshot: rec.snapshot }),
    user: rec.user,
    ...(rec.errorReason !== undefined && { errorReason: rec.errorReason }),
    ...(rec.recoverable !== undefined && { recoverable: rec.recoverable }),
    public: rec.public,
    networkBlockAll: rec.networkBlockAll,
    cpu: rec.cpu,
    gpu: rec.gpu,
    memory: rec.memory,
    disk: rec.disk,
    labels: { ...rec.labels },
    backupState: 'None',
    autoStopInterval: rec.autoStopInterval,
    autoArchiveInterval: rec.autoArchiveInterval,
    autoDeleteInterval: rec.autoDeleteInterval,
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.updatedAt),
    lastActivityAt: iso(rec.lastActivityAt),
    daemonVersion: rec.daemonVersion,
    toolboxProxyUrl,
  };
}

export function configDto(origin: string, defaultSnapshot: string, maxAutoArchiveInterval: number): ConfigDto {
  return {
    version: '0.218.0-emulator',
    oidc: { issuer: `${origin}/oidc`, clientId: 'emulator', audience: 'daytona', provider: 'auth0' },
    linkedAccountsEnabled: false,
    announcements: {},
    proxyTemplateUrl: `${origin}/preview/{{PORT}}-{{sandboxId}}`,
    proxyToolboxUrl: `${origin}/toolbox`,
    defaultSnapshot,
    dashboardUrl: `${origin}/dashboard`,
    maxAutoArchiveInterval,
    maintananceMode: false,
    environment: 'emulator',
  };
}
