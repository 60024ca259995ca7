import { lifecycleTool } from './lifecycle-tool';

export const deleteSandbox = lifecycleTool({
  action: 'delete',
  name: 'delete_sandbox',
  title: 'Delete sandboxes',
  description:
    'Permanently delete one or more sandboxes (ids or names) and everything in them, in parallel. This cannot ' +
    'be undone. Confirm the exact sandboxes with the user first. To delete many by state, project or idle time ' +
    'use cleanup_sandboxes.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  verb: 'delete',
  pastTense: 'deleted',
});
