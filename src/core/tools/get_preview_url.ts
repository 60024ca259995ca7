import { z } from 'zod';
import { ToolError } from '../errors';
import { defineTool } from '../tool';
import { sandboxRef } from './schemas';
import { withClosestNames } from './suggest';

export const getPreviewUrlTool = defineTool({
  name: 'get_preview_url',
  title: 'Get preview URL',
  description: 'A URL for a port of a started sandbox; signed (opens without headers) unless signed=false.',
  input: z.strictObject({
    sandbox: sandboxRef,
    port: z.number().int().min(1).max(65535),
    expiresInSeconds: z.number().int().min(1).max(86400).default(3600),
    signed: z.boolean().default(true),
  }),
  output: z.object({
    id: z.string(),
    name: z.string(),
    port: z.number(),
    url: z.string(),
    expiresAt: z.string().nullable(),
    token: z.string().nullable().describe('Header x-daytona-preview-token, unsigned only'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  sensitiveResult: true,
  async handler(a, ctx) {
    const gateway = await ctx.gateway();
    const opts = { signal: ctx.signal };
    const s = await gateway.get(a.sandbox, opts).catch((e: unknown) => withClosestNames(gateway, a.sandbox, e, ctx.signal));
    // The API issues URLs whatever the state; a link to a stopped sandbox would only show an error page.
    if (s.state !== 'started') {
      throw new ToolError('invalid_state', `Sandbox ${s.name} is ${s.state}; a preview needs it started.`, {
        hint: `Start it with start_sandbox (sandboxes: ["${s.name}"]), then ask for the URL again.`,
      });
    }
    const base = { id: s.id, name: s.name, port: a.port };
    if (!a.signed) {
      const link = await gateway.previewLink(s.id, a.port, opts);
      const how = s.public ? 'public: opens as is' : 'private: send header x-daytona-preview-token with the token';
      return { data: { ...base, url: link.url, expiresAt: null, token: link.token || null }, summary: `Port ${a.port} of ${s.name}: ${link.url} (${how})`, sandboxIds: [s.id] };
    }
    const link = await gateway.signedPreviewLink(s.id, a.port, a.expiresInSeconds, opts);
    const expiresAt = new Date(Date.now() + a.expiresInSeconds * 1000).toISOString();
    return {
      data: { ...base, url: link.url, expiresAt, token: null },
      summary: `Port ${a.port} of ${s.name}: ${link.url} (signed, expires in ${a.expiresInSeconds < 120 ? `${a.expiresInSeconds} s` : `${Math.round(a.expiresInSeconds / 60)} min`}, at ${expiresAt})`,
      sandboxIds: [s.id],
    };
  },
});
