/**
 * Builds the MCP server from the core tools. This is the only place that turns a ToolOutcome or a
 * ToolError into a CallToolResult, and the only place that knows about MCP progress, cancellation
 * and elicitation. Every call goes through core/invoke.ts (so bad input never reaches a handler) and is audited.
 */
import { setMaxListeners } from 'node:events';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { redactArguments, type AuditLog } from '../core/audit-log';
import { ToolError } from '../core/errors';
import { invokeTool } from '../core/invoke';
import { scrubbedJson, scrubValue } from '../core/scrub';
import type { CreationLimit } from '../core/creation-guard';
import type { GatewayProvider } from '../core/gateway';
import type { AnyTool, ConfirmAnswer, ToolAnnotations, ToolContext } from '../core/tool';
import { directToolCalls, type CallExtra } from './direct-calls';
import { elicitationValidator } from './elicitation-validator';
import { toJsonSchema } from './schema';
import { StdioTransport } from './stdio-transport';

export const SERVER_NAME = 'daytona';

export const SERVER_INSTRUCTIONS = [
  'Tools to manage Daytona sandboxes (isolated cloud dev environments): list, inspect, create, start, stop,',
  'archive, delete, label and clean them up. Always look sandboxes up with list_sandboxes or get_sandbox and',
  'use the ids or names they return — never invent or guess an id. Bulk tools take many sandboxes at once and',
  'report success per sandbox. Deleting is permanent: confirm with the user which sandboxes go, or run',
  'cleanup_sandboxes with dryRun=true first. These tools cannot run commands or access files inside sandboxes.',
].join(' ');

export interface McpServerOptions {
  tools: readonly AnyTool[];
  gateway: GatewayProvider;
  version: string;
  audit?: AuditLog;
  defaults?: ToolContext['defaults'];
  /** The process-wide creation limit, shared by every session (core/creation-guard.ts). */
  creationLimit?: CreationLimit;
  /** Whether this server writes the client_connected line; false once quick-stdio.ts wrote it. */
  announceClient?: () => boolean;
}

function errorResult(err: ToolError): CallToolResult {
  return { content: [{ type: 'text', text: `Error [${err.kind}]: ${err.message}\nHint: ${err.hint}` }], isError: true };
}

declare const __TOOL_SCHEMAS__: Record<string, { input: JsonSchema; output: JsonSchema }> | undefined;
/** The tools' JSON Schemas, computed by scripts/build.mjs; absent when running the sources (tests, tsx). */
const PRECOMPUTED = typeof __TOOL_SCHEMAS__ === 'undefined' ? undefined : __TOOL_SCHEMAS__;
type JsonSchema = ReturnType<typeof toJsonSchema>;

/**
 * The hints that differ from the MCP defaults (readOnly false, destructive true, idempotent false,
 * openWorld true): the same meaning in fewer bytes of every agent's context. The title is the tool's own.
 */
const ANNOTATION_DEFAULTS: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
export function listedAnnotations(a: ToolAnnotations): Partial<ToolAnnotations> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => ANNOTATION_DEFAULTS[k as keyof ToolAnnotations] !== v && !(k === 'destructiveHint' && a.readOnlyHint)));
}

export function createMcpServer(o: McpServerOptions): Server {
  const server = new Server(
    { name: SERVER_NAME, title: 'Daytona sandboxes', version: o.version },
    { capabilities: { tools: { listChanged: false } }, instructions: SERVER_INSTRUCTIONS, jsonSchemaValidator: elicitationValidator },
  );
  const byName = new Map(o.tools.map((t) => [t.name, t]));
  const listed = o.tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: PRECOMPUTED?.[t.name]?.input ?? toJsonSchema(t.input, 'input'),
    outputSchema: PRECOMPUTED?.[t.name]?.output ?? toJsonSchema(t.output, 'output'),
    annotations: listedAnnotations(t.annotations),
  }));

  server.oninitialized = () => {
    if (o.announceClient?.() === false) return;
    // A client may pipeline `initialized` right behind `initialize`; read its info once that settled.
    setImmediate(() => {
      const client = server.getClientVersion();
      o.audit?.write('client_connected', { client: client?.name ?? null, clientVersion: client?.version ?? null });
    });
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  const handleCall = async (request: CallToolRequest, extra: CallExtra): Promise<CallToolResult> => {
    const started = Date.now();
    const { name, arguments: rawArgs } = request.params;
    // Calls refused before reaching the API are noise an agent can repeat at will: capped in the log.
    // The line is written once the result is on its way (writeSoon): it costs the call no time.
    const audit = (outcome: string, fields: Record<string, unknown> = {}, noise = false) => {
      const ms = Date.now() - started;
      o.audit?.writeSoon('tool_call', () => ({ tool: name, arguments: redactArguments(rawArgs), outcome, ms, ...fields }), { noise });
    };

    const tool = byName.get(name);
    if (!tool) {
      const err = new ToolError('invalid_input', `Unknown tool "${name}".`, { hint: `Available tools: ${[...byName.keys()].join(', ')}.` });
      audit('error', { error: err.kind }, true);
      return errorResult(err);
    }
    const { ctx, progressSent } = contextFor(server, o, extra);
    const result = await invokeTool(tool, rawArgs, ctx);
    if (!result.ok && result.stage === 'input') {
      audit('invalid_input', { error: result.error.kind, message: result.error.message }, true);
      return errorResult(result.error);
    }
    await progressSent();
    if (!result.ok) {
      const err = extra.signal.aborted ? new ToolError('cancelled', 'The request was cancelled by the client.') : result.error;
      audit(err.kind === 'cancelled' ? 'cancelled' : 'error', { error: err.kind, message: err.message });
      return errorResult(err);
    }
    const { outcome } = result;
    audit(extra.signal.aborted ? 'cancelled' : outcome.isError ? 'error' : 'ok', { sandboxIds: outcome.sandboxIds ?? [] });
    return {
      content: [{ type: 'text', text: outcome.summary }],
      structuredContent: outcome.data as Record<string, unknown>,
      isError: outcome.isError || undefined,
    };
  };

  // Calls in flight when the client goes away: closing aborts their signals (the SDK does that);
  // wait for them to settle so each still writes its audit line before the process exits.
  const inFlight = new Set<Promise<CallToolResult>>();
  const track = (call: Promise<CallToolResult>) => {
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call)).catch(() => undefined);
    return call;
  };
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => track(handleCall(request, extra)));
  const direct = directToolCalls(server, (request, extra) => track(handleCall(request, extra)));
  // The one scrubbing pass for everything this server sends, on every transport: results, errors,
  // progress notifications and elicitation questions all carry API text (names, error bodies) that
  // may echo a secret or a piece of one. On stdio it is the transport's serialiser (one pass over the
  // text decides whether any string needs it: core/scrub.ts); elsewhere a wrapper of send().
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    if (transport instanceof StdioTransport) {
      transport.serialize = (message) => scrubbedJson(message);
      transport.direct = (message) => direct.offer(message, transport);
    } else {
      const send = transport.send.bind(transport);
      transport.send = (message, options) => send(scrubValue(message), options);
    }
    await connect(transport);
    // The SDK aborts its own handlers when the transport closes; the direct route's calls alike.
    const closed = transport.onclose;
    transport.onclose = () => {
      closed?.();
      direct.abortAll();
    };
  };
  const closeTransport = server.close.bind(server);
  server.close = async () => {
    await closeTransport();
    direct.abortAll();
    await Promise.allSettled([...inFlight]);
  };

  return server;
}

/**
 * The ToolContext of one call, and `progressSent()`, which settles once every progress notification
 * the call reported has been handed to the transport. The caller awaits it before returning the
 * result: all progress of a call is on the wire before its result, whatever the transport (a
 * fire-and-forget send would rely on the transport writing synchronously, which an HTTP event store
 * does not).
 */
function contextFor(server: Server, o: McpServerOptions, extra: CallExtra): { ctx: ToolContext; progressSent: () => Promise<void> } {
  const progressToken = extra._meta?.progressToken;
  // A bulk call's items each listen to this signal (requests, waits): hundreds, legitimately.
  setMaxListeners(0, extra.signal);
  // One chain per call: each notification is sent after the previous one was written, in order.
  let sending = Promise.resolve();
  const ctx: ToolContext = {
    gateway: o.gateway,
    signal: extra.signal,
    defaults: o.defaults ?? {},
    // An agent asks, through its MCP client: what it creates is labelled with the client's name.
    origin: { client: server.getClientVersion()?.name },
    creationLimit: o.creationLimit,
    progress(done, total, message) {
      if (progressToken === undefined || extra.signal.aborted) return;
      const params = { progressToken, progress: done, total, message };
      sending = sending
        .then(() => extra.sendNotification({ method: 'notifications/progress', params }))
        .catch(() => undefined); // a client that went away must not fail the tool
    },
    async confirm(message): Promise<ConfirmAnswer> {
      if (!server.getClientCapabilities()?.elicitation) return 'unsupported';
      const res = await server.elicitInput(
        {
          message,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Delete these sandboxes', default: false } },
            required: ['confirm'],
          },
        },
        { signal: extra.signal },
      );
      return res.action === 'accept' && res.content?.confirm === true ? 'accepted' : 'declined';
    },
  };
  return { ctx, progressSent: () => sending };
}
