/**
 * A minimal newline-delimited JSON-RPC client over a child's stdio: no MCP SDK, no schema validation,
 * so cold-start timings measure the server and not the client.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export const PROTOCOL_VERSION = '2025-06-18';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class StdioRpc {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrText = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (this.stderrText.length < 20_000) this.stderrText += chunk;
    });
    child.stdin.on('error', () => undefined); // EPIPE when the child died first
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        const err = new Error(`server exited (code ${code}) before answering; stderr: ${this.stderrText.slice(-500)}`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(code);
      });
      child.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        resolve(null);
      });
    });
  }

  static spawn(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): StdioRpc {
    return new StdioRpc(spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  stderr(): string {
    return this.stderrText;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: { id?: number | string; method?: string; result?: unknown; error?: { message?: string } };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        continue; // not protocol output; ignore
      }
      if (msg.method !== undefined) {
        // A request or notification from the server (e.g. logging, roots/list). Refuse requests politely.
        if (msg.id !== undefined) this.write({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'not supported by the bench client' } });
        continue;
      }
      if (typeof msg.id !== 'number') continue;
      const p = this.pending.get(msg.id);
      if (!p) continue;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`JSON-RPC error: ${msg.error.message ?? JSON.stringify(msg.error)}`));
      else p.resolve(msg.result);
    }
  }

  private write(msg: unknown): void {
    this.child.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  request(method: string, params: unknown = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown = {}): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** initialize → notifications/initialized → tools/list; returns the tool count. */
  async handshake(): Promise<number> {
    await this.request('initialize', {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'daytona-mcp-bench', version: '1.0.0' },
    });
    this.notify('notifications/initialized');
    const list = (await this.request('tools/list')) as { tools?: unknown[] };
    if (!Array.isArray(list.tools) || list.tools.length === 0) throw new Error('tools/list returned no tools');
    return list.tools.length;
  }

  /** Close stdin (the polite MCP shutdown), then SIGTERM/SIGKILL if the child lingers. */
  async close(graceMs = 2_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs * 2);
    await this.exited;
    clearTimeout(timer);
    clearTimeout(killer);
  }
}
