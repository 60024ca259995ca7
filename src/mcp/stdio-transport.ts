/**
 * The stdio transport of the MCP server: newline-delimited JSON-RPC on stdin and stdout, as the SDK's
 * StdioServerTransport, with two differences. Each message is first offered to `direct`
 * (direct-calls.ts: the server's own route for well-formed tools/call requests and their
 * cancellation); what it does not take goes to the SDK exactly as the SDK's own transport hands it
 * over (schema-checked, then onmessage). And each message is written as `serialize` makes it (the
 * server's scrubbing serialiser, core/scrub.ts). Why: the SDK's per-request machinery (schema checks
 * of the message, the request and the result, an abort controller and a promise chain per request)
 * cost every get_sandbox ~0.1–0.15 ms of wall time as the running server meets it
 * (docs/architecture.md, "Build").
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The SDK's limit on buffered input: an unfinished line longer than this closes the transport. */
export const MAX_BUFFERED_BYTES = 10 * 1024 * 1024;

export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Takes a parsed message (true) or leaves it to the SDK (false); set by the server (server.ts, direct-calls.ts). */
  direct?: (message: unknown) => boolean;
  /** A message's JSON text as it is written; the server sets its scrubbing one (server.ts). */
  serialize: (message: JSONRPCMessage) => string = (message) => JSON.stringify(message);
  private buffered: Buffer | undefined;
  private started = false;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer): void => {
    const data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = undefined;
    let from = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, from)) {
      const end = nl > from && data[nl - 1] === 13 ? nl - 1 : nl;
      const line = data.toString('utf8', from, end);
      from = nl + 1;
      this.deliver(line);
    }
    if (from === data.length) return;
    if (data.length - from > MAX_BUFFERED_BYTES) {
      this.onerror?.(new Error(`ReadBuffer exceeded maximum size of ${MAX_BUFFERED_BYTES} bytes`));
      void this.close();
      return;
    }
    this.buffered = data.subarray(from);
  };

  /** One line: to the server's direct route if it takes it, else to the SDK as its transport would. */
  private deliver(line: string): void {
    try {
      const value: unknown = JSON.parse(line);
      if (this.direct?.(value)) return;
      this.onmessage?.(JSONRPCMessageSchema.parse(value));
    } catch (err) {
      this.onerror?.(err as Error);
    }
  }

  private readonly onStdinError = (error: Error): void => this.onerror?.(error);

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioTransport already started!');
    this.started = true;
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStdinError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${this.serialize(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStdinError);
    // Paused only when nothing else reads it, as the SDK's transport does.
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffered = undefined;
    this.onclose?.();
  }
}
