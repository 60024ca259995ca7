import { lifecycleTool } from './lifecycle-tool';

export const stopSandbox = lifecycleTool({
  action: 'stop',
  name: 'stop_sandbox',
  title: 'Stop sandboxes',
  description:
    'Stop one or more running sandboxes (ids or names), in parallel. Their disk is kept; start them again with ' +
    'start_sandbox. force=true stops immediately. Already stopped (or archived) counts as success.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  force: true,
  verb: 'stop',
  pastTense: 'stopped',
});
