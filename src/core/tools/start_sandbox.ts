import { lifecycleTool } from './lifecycle-tool';

export const startSandbox = lifecycleTool({
  action: 'start',
  name: 'start_sandbox',
  title: 'Start sandboxes',
  description:
    'Start stopped, archived (slower), paused or recoverable errored sandboxes, in parallel; waits. Already started is success.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  verb: 'start',
  ongoing: 'Starting',
  pastTense: 'started',
});
