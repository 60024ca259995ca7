/** Every tool the product offers, in the order agents see them. */
import type { AnyTool } from '../tool';
import type { LifecycleAction } from '../types';
import type { LifecycleTool } from './lifecycle-tool';
import { listSandboxes } from './list_sandboxes';
import { getSandbox } from './get_sandbox';
import { createSandbox } from './create_sandbox';
import { startSandbox } from './start_sandbox';
import { stopSandbox } from './stop_sandbox';
import { archiveSandbox } from './archive_sandbox';
import { deleteSandbox } from './delete_sandbox';
import { setSandboxLabels } from './set_sandbox_labels';
import { cleanupSandboxes } from './cleanup_sandboxes';
import { listSnapshots } from './list_snapshots';
import { updateSandboxTool } from './update_sandbox';
import { forkSandboxTool } from './fork_sandbox';
import { snapshotSandboxTool } from './snapshot_sandbox';
import { getPreviewUrlTool } from './get_preview_url';

/**
 * The registry: every tool the product offers, once, in the order agents see them. Hosts that call a
 * tool by hand (the editor's commands) take it from here by name (`TOOLS.getSandbox`), keeping its types.
 */
export const TOOLS = {
  listSandboxes,
  getSandbox,
  createSandbox,
  startSandbox,
  stopSandbox,
  archiveSandbox,
  deleteSandbox,
  setSandboxLabels,
  cleanupSandboxes,
  listSnapshots,
  updateSandboxTool,
  forkSandboxTool,
  snapshotSandboxTool,
  getPreviewUrlTool,
} satisfies Record<string, AnyTool>;

export const ALL_TOOLS: readonly AnyTool[] = Object.values(TOOLS);

/** The bulk lifecycle tools by action; each carries its words (see lifecycle-tool.ts). */
export const LIFECYCLE_TOOLS: Readonly<Record<LifecycleAction, LifecycleTool>> = {
  start: startSandbox,
  stop: stopSandbox,
  archive: archiveSandbox,
  delete: deleteSandbox,
};

export const TOOL_NAMES = ALL_TOOLS.map((t) => t.name);

/** Applies --read-only and --tools allow-lists; unknown names are an error, not silently ignored. */
export function selectTools(opts: { readOnly?: boolean; allow?: readonly string[] }): AnyTool[] {
  if (opts.allow) {
    const unknown = opts.allow.filter((n) => !TOOL_NAMES.includes(n));
    if (unknown.length) throw new Error(`Unknown tool name(s): ${unknown.join(', ')}. Valid: ${TOOL_NAMES.join(', ')}`);
  }
  return ALL_TOOLS.filter((t) => (!opts.readOnly || t.annotations.readOnlyHint) && (!opts.allow || opts.allow.includes(t.name)));
}
