import { lifecycleTool } from './lifecycle-tool';

export const deleteSandbox = lifecycleTool({
  action: 'delete',
  name: 'delete_sandbox',
  title: 'Delete sandboxes',
  description:
    'Delete sandboxes and their data forever. Confirm the exact ones with the user first (the user may be asked). ' +
    'By state, project or idle time: cleanup_sandboxes.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  verb: 'delete',
  ongoing: 'Deleting',
  pastTense: 'deleted',
  // Deleting one to three named sandboxes is what the agent was just told to do; beyond that it is a
  // batch, where a wrong list costs the most and one confirmation (when the host can ask) is cheap.
  confirmAbove: 3,
});
