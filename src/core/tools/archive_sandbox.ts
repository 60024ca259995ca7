import { lifecycleTool } from './lifecycle-tool';

export const archiveSandbox = lifecycleTool({
  action: 'archive',
  name: 'archive_sandbox',
  title: 'Archive sandboxes',
  description:
    'Archive one or more stopped sandboxes (ids or names): their filesystem moves to cheap object storage and ' +
    'they cost nothing while archived; start_sandbox restores them (slower than a normal start). Only stopped ' +
    'sandboxes can be archived; stop running ones first.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  verb: 'archive',
  pastTense: 'archived',
});
