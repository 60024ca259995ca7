import { lifecycleTool } from './lifecycle-tool';

export const archiveSandbox = lifecycleTool({
  action: 'archive',
  name: 'archive_sandbox',
  title: 'Archive sandboxes',
  description:
    'Archive stopped sandboxes (stop running ones first): no cost while archived; start_sandbox restores them, slower.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  verb: 'archive',
  ongoing: 'Archiving',
  pastTense: 'archived',
});
