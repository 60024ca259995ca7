import { lifecycleTool } from './lifecycle-tool';

export const stopSandbox = lifecycleTool({
  action: 'stop',
  name: 'stop_sandbox',
  title: 'Stop sandboxes',
  description:
    'Stop running sandboxes, in parallel; disk is kept for start_sandbox. Already stopped is success.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  force: true,
  verb: 'stop',
  ongoing: 'Stopping',
  pastTense: 'stopped',
});
