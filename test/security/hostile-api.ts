/**
 * A hostile API on 127.0.0.1 for the security suite: a small proxy in front of the emulator that,
 * per request, forwards it (the default), answers with an error body that echoes the request's
 * Authorization header (as misconfigured APIs and proxies do), answers 200 with a body that is not
 * JSON, or forwards the request and then drops the connection before the answer (a lost response:
 * the API acted, the client never hears), answers with a body of its choosing, rewrites the
 * upstream's answer, or trickles it one byte at a time.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { startEmulator, type Emulator, type TransitionMsOption } from '../emulator/emulator';
import { spawnServer, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';

export type HostileAction =
  | { kind: 'forward' }
  | { kind: 'echo'; status: number; html?: boolean }
  | { kind: 'not-json' }
  | { kind: 'drop-after-forward' }
  | { kind: 'reset' }
  /** This answer instead of the API's. */
  | { kind: 'answer'; status: number; body: string | Buffer; contentType?: string }
  /** The API's answer with its body text rewritten. */
  | { kind: 'rewrite'; edit: (body: string) => string }
  /** The API's answer, one byte every `intervalMs` (headers at once). */
  | { kind: 'trickle'; intervalMs: number };

export interface HostileApi {
  url: string;
  /** Decides what to do with each request (method, path without query). */
  rule: (method: string, path: string) => HostileAction;
  /** Requests seen, per "METHOD path-shape" (ids replaced by :id). */
  counts: Map<string, number>;
  close(): Promise<void>;
}

function shape(method: string, path: string): string {
  return `${method} ${path.replace(/\/sandbox\/[^/]+/, '/sandbox/:id')}`;
}

/** upstream: the emulator's origin (http://127.0.0.1:PORT); agents use `${url}/api` as their API URL. */
export async function startHostileApi(upstream: string): Promise<HostileApi> {
  const target = new URL(upstream);
  const api: HostileApi = { url: '', rule: () => ({ kind: 'forward' }), counts: new Map(), close: async () => undefined };

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse | undefined, done: () => void, edit?: (b: Buffer) => Buffer, trickleMs?: number): void {
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          if (res) {
            const out = edit ? edit(Buffer.concat(chunks)) : Buffer.concat(chunks);
            const headers = { ...upRes.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            if (!trickleMs) {
              res.writeHead(upRes.statusCode ?? 502, { ...headers, 'content-length': String(out.length) });
              res.end(out);
            } else {
              res.writeHead(upRes.statusCode ?? 502, { ...headers, 'content-length': String(out.length) });
              let i = 0;
              const timer = setInterval(() => {
                if (i >= out.length || res.destroyed) return (clearInterval(timer), res.end());
                res.write(out.subarray(i, ++i));
              }, trickleMs);
              res.on('close', () => clearInterval(timer));
            }
          }
          done();
        });
      },
    );
    up.on('error', () => {
      res?.writeHead(502).end();
      done();
    });
    up.end(body);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const key = shape(req.method ?? 'GET', path);
      api.counts.set(key, (api.counts.get(key) ?? 0) + 1);
      const action = api.rule(req.method ?? 'GET', path);
      const auth = req.headers.authorization ?? '';
      switch (action.kind) {
        case 'forward':
          return forward(req, Buffer.concat(chunks), res, () => undefined);
        case 'echo':
          if (action.html) {
            res.writeHead(action.status, { 'content-type': 'text/html' });
            return res.end(`<html><body><h1>${action.status} Bad Gateway</h1><pre>GET ${path}\nAuthorization: ${auth}\n</pre></body></html>`);
          }
          res.writeHead(action.status, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ statusCode: action.status, message: `Request failed; received headers {"authorization":"${auth}"} Authorization: ${auth}`, error: 'Error' }));
        case 'not-json':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html><body>Please sign in to the corporate proxy</body></html>');
        case 'drop-after-forward':
          return forward(req, Buffer.concat(chunks), undefined, () => res.socket?.destroy());
        case 'reset':
          return res.socket?.destroy();
        case 'answer':
          res.writeHead(action.status, { 'content-type': action.contentType ?? 'application/json' });
          return res.end(action.body);
        case 'rewrite':
          return forward(req, Buffer.concat(chunks), res, () => undefined, (b) => Buffer.from(action.edit(b.toString('utf8'))));
        case 'trickle':
          return forward(req, Buffer.concat(chunks), res, () => undefined, undefined, action.intervalMs);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return api;
}

export interface HostileRig {
  readonly emu: Emulator;
  readonly hostile: HostileApi;
  readonly server: SpawnedServer;
}

/**
 * For one test file: the emulator, this proxy in front of it, and our MCP server spawned with the proxy
 * as its API URL; started before the file's tests and closed after them.
 */
export function serverBehindHostileApi(opts: { transitionMs?: TransitionMsOption; env?: Record<string, string>; args?: string[] } = {}): HostileRig {
  const rig = {} as { emu: Emulator; hostile: HostileApi; server: SpawnedServer };
  before(async () => {
    rig.emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: opts.transitionMs ?? 30 });
    rig.hostile = await startHostileApi(new URL(rig.emu.url).origin);
    rig.server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: `${rig.hostile.url}/api`, ...opts.env }, args: opts.args });
  });
  after(async () => {
    await rig.server?.close();
    await rig.hostile?.close();
    await rig.emu?.close();
  });
  return rig;
}
