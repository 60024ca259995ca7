import { lifecycleTool } from './lifecycle-tool';

export const startSandbox = lifecycleTool({
  action: 'start',
  name: 'start_sandbox',
  title: 'Start sandboxes',
  description:
    'Start one or more stopped, archived or paused sandboxes (ids or names), in parallel. Archived ones take ' +
    'longer (their disk is restored). By default waits until each is started. Already started counts as success.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  verb: 'start',
  pastTense: 'started',
});
