/**
 * The MCP server's direct route for tools/call on stdio (stdio-transport.ts offers it every message
 * first). It takes only well-formed calls of an initialised session — the shape the SDK's
 * CallToolRequestSchema accepts, no task augmentation — and answers them as the SDK's Protocol would:
 * the same handler and context (server.ts), progress as notifications, `notifications/cancelled`
 * aborting the call and leaving it unanswered, a JSON-RPC error only for a handler that throws, every
 * call aborted when the transport closes. Everything else (a call before `initialize` was handled,
 * anything malformed, every other method) goes to the SDK, whose answers are then the ones the client
 * gets. Why: docs/architecture.md, "Build" (the SDK's per-request machinery cost ~0.1–0.15 ms a call).
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  RELATED_TASK_META_KEY,
  type CallToolRequest,
  type CallToolResult,
  type JSONRPCMessage,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { isJsonObject, isRequestId } from './json-rpc-shape';

/** What a call uses of its request's context: the SDK's RequestHandlerExtra, or the direct route's. */
export type CallExtra = Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'signal' | '_meta' | 'sendNotification'>;

/** The route of one server; `run` is its tool-call handler. */
export function directToolCalls(server: Server, run: (request: CallToolRequest, extra: CallExtra) => Promise<CallToolResult>) {
  const calls = new Map<string | number, AbortController>();
  return {
    offer(message: unknown, transport: Transport): boolean {
      if (!isJsonObject(message) || message.jsonrpc !== '2.0') return false;
      if (message.method === 'notifications/cancelled' && isJsonObject(message.params) && isRequestId(message.params.requestId)) {
        calls.get(message.params.requestId)?.abort(message.params.reason);
        return false; // the SDK sees it too: a cancellation of one of its own requests
      }
      const { id, params } = message;
      if (message.method !== 'tools/call' || !isRequestId(id) || !server.getClientVersion()) return false;
      if (!isJsonObject(params) || typeof params.name !== 'string' || params.task !== undefined) return false;
      if (params.arguments !== undefined && !isJsonObject(params.arguments)) return false;
      const meta = params._meta;
      if (meta !== undefined && (!isJsonObject(meta) || (meta.progressToken !== undefined && !isRequestId(meta.progressToken)) || meta[RELATED_TASK_META_KEY] !== undefined)) return false;

      const controller = new AbortController();
      calls.set(id, controller);
      const { signal } = controller;
      const extra: CallExtra = {
        signal,
        _meta: meta as CallExtra['_meta'],
        sendNotification: async (notification) => {
          if (!signal.aborted) await transport.send({ ...notification, jsonrpc: '2.0' } as JSONRPCMessage);
        },
      };
      /** The call is over: its answer goes out, unless it was cancelled (the SDK's rule too). */
      const settle = (reply: { result: CallToolResult } | { error: { code: number; message: string } }) => {
        if (calls.get(id) === controller) calls.delete(id);
        if (signal.aborted) return;
        const failed = (err: unknown) => server.onerror?.(new Error(`Failed to send response: ${String(err)}`));
        try {
          transport.send({ ...reply, jsonrpc: '2.0', id } as JSONRPCMessage).catch(failed);
        } catch (err) {
          failed(err);
        }
      };
      run(message as unknown as CallToolRequest, extra).then(
        (result) => settle({ result }),
        (err: { code?: unknown; message?: string }) => settle({ error: { code: Number.isSafeInteger(err?.code) ? (err.code as number) : ErrorCode.InternalError, message: err?.message ?? 'Internal error' } }),
      );
      return true;
    },
    abortAll(): void {
      for (const controller of calls.values()) controller.abort();
      calls.clear();
    },
  };
}
