/**
 * A sandbox as the tools return it (`SandboxDetails`), for tests of pure code — the tree, resize rules,
 * input parsing — that need one without an emulator: a 2 CPU / 4 GiB / 8 GiB sandbox named x, with
 * whatever `fields` a test cares about.
 */
import type { SandboxDetails, SandboxState } from '../../src/core/types';

export function sandbox(state: SandboxState, fields: Partial<SandboxDetails> = {}): SandboxDetails {
  return {
    id: 'id-x', name: 'x', state, snapshot: null, cpu: 2, memory: 4, disk: 8, gpu: 0, target: 'us', labels: {},
    public: false, createdAt: null, updatedAt: null, lastActivityAt: null, autoStopMinutes: 15, autoArchiveMinutes: 10080,
    autoDeleteMinutes: -1, errorReason: null, envNames: [], user: null, desiredState: null,
    backupState: null, recoverable: null, organizationId: null, dockerfile: null,
    ...fields,
  };
}
