/**
 * The stdio server's first moments, without the MCP SDK. Agent hosts spawn the server for every
 * session and wait for `initialize` and `tools/list` before anything else; both answers are fixed
 * for a build (listing.ts), so they are written at once, and the SDK, zod and the tools — most of the
 * bundle — are loaded only when the client sends anything else (a tool call, a ping, a line that is
 * not plain JSON-RPC). Then the SDK's own stdio transport takes over the stream: the client's
 * initialize (and initialized) go first, so the real server knows its client, then every byte from
 * the first unanswered line on, parsed and answered exactly as before. The real server's second
 * answer to that initialize is not written (it carries an id no client uses).
 *
 * Only well-formed messages are answered here; anything unusual is left to the SDK.
 */
import type { Readable, Writable } from 'node:stream';
import { isJsonObject, isRequestId } from './json-rpc-shape';

/** The id of the replayed initialize; its answer is dropped. */
export const REPLAY_ID = 'daytona-mcp:replayed-initialize';

export interface QuickStdioOptions {
  /** The initialize result for the protocol version the client asked for. */
  initializeResult: (requestedVersion: unknown) => Record<string, unknown>;
  /** The tools/list entries. */
  tools: readonly Record<string, unknown>[];
  /** Loads the real server and connects it to the SDK's stdio transport over these two streams. */
  takeOver: (stdin: Readable, stdout: Writable) => Promise<void>;
  /** The client said `initialized` before the real server was loaded (its name and version). */
  onInitialized?: (client: { name: unknown; version: unknown }) => void;
  stdin?: Readable;
  stdout?: Writable;
}

type Message = Record<string, unknown>;


function isInitializeParams(p: unknown): boolean {
  return isJsonObject(p) && typeof p.protocolVersion === 'string' && isJsonObject(p.capabilities) && isJsonObject(p.clientInfo) && typeof p.clientInfo.name === 'string' && typeof p.clientInfo.version === 'string';
}

/** Serves initialize and tools/list until something else arrives; returns whether the SDK took over. */
export function serveQuickly(o: QuickStdioOptions): { handedOver: () => boolean } {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  let pending: Buffer = Buffer.alloc(0);
  let initialize: Message | undefined;
  let initialized: Message | undefined;
  let handedOver = false;

  const write = (msg: Message) => stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);

  /** Answers one line if it is one of the messages served here; false leaves it to the SDK. */
  const answer = (line: string): boolean => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return false;
    }
    if (!isJsonObject(msg) || msg.jsonrpc !== '2.0') return false;
    if (msg.method === 'initialize' && !initialize && isRequestId(msg.id) && isInitializeParams(msg.params)) {
      initialize = msg;
      write({ id: msg.id, result: o.initializeResult((msg.params as Message).protocolVersion) });
      return true;
    }
    if (msg.method === 'notifications/initialized' && initialize && !initialized && !('id' in msg)) {
      initialized = msg;
      const client = (initialize.params as { clientInfo: Message }).clientInfo;
      o.onInitialized?.({ name: client.name, version: client.version });
      return true;
    }
    const params = msg.params;
    if (msg.method === 'tools/list' && initialize && isRequestId(msg.id) && (params === undefined || (isJsonObject(params) && (params.cursor === undefined || typeof params.cursor === 'string')))) {
      write({ id: msg.id, result: { tools: o.tools } });
      return true;
    }
    return false;
  };

  const handOver = () => {
    handedOver = true;
    stdin.off('data', onData);
    stdin.pause();
    if (stdin.readableEnded) return; // the client is gone; start's stdin handlers stop the server
    const replay = [initialize && { ...initialize, id: REPLAY_ID }, initialized].filter(Boolean).map((m) => `${JSON.stringify(m)}\n`);
    stdin.unshift(Buffer.concat([Buffer.from(replay.join('')), pending]));
    pending = Buffer.alloc(0);
    // The SDK's transport writes one message per write(): drop the answer to the replayed initialize.
    let dropping = replay.length > 0 && initialize !== undefined;
    const out = {
      write: (chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (dropping && typeof chunk === 'string' && chunk.includes(`"id":"${REPLAY_ID}"`)) {
          dropping = false;
          return true;
        }
        return (stdout.write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
      },
      once: (event: string, listener: (...args: unknown[]) => void) => stdout.once(event, listener),
      on: (event: string, listener: (...args: unknown[]) => void) => stdout.on(event, listener),
    } as unknown as Writable;
    o.takeOver(stdin, out).then(
      () => stdin.resume(),
      (err: unknown) => {
        process.stderr.write(`daytona-mcp: cannot start the MCP server: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };

  const onData = (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (let nl = pending.indexOf(10); nl !== -1; nl = pending.indexOf(10)) {
      if (!answer(pending.toString('utf8', 0, nl).replace(/\r$/, ''))) return handOver();
      pending = pending.subarray(nl + 1);
    }
  };
  stdin.on('data', onData);
  return { handedOver: () => handedOver };
}
