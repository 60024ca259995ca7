/**
 * A small HTTP/1.1 client on the gateway's own keep-alive sockets, for the MCP server process.
 *
 * Why: node:http's client (ClientRequest, IncomingMessage streams, the agent's bookkeeping) cost the
 * server ~0.15 ms of CPU per API call, and more in wall time, than everything else it does for a
 * `get_sandbox` but the tool itself; the API's calls are plain request/answer exchanges that need none
 * of it. Measured with the official MCP client: get_sandbox ×100 1.27–1.38× the raw SDK over
 * node:http, 1.04–1.10× over these sockets (docs/architecture.md, "The request path").
 *
 * What it serves: one request at a time per socket, the answer framed by Content-Length, chunked
 * transfer coding, or the end of the connection; 1xx answers skipped. What it refuses, by name, so a
 * hostile or broken server is an error and never a crash or a hang: a head over 16 KiB (node's limit),
 * malformed status or header lines, Content-Length beside Transfer-Encoding or two that differ, a
 * transfer coding other than chunked, a body over the caller's limit, bytes after the answer (the socket
 * is then closed, never reused). Nothing is sent twice: retrying is the gateway's (retry.ts). Header
 * names and values and the request target are checked before anything is written, so no input can
 * split the request. TLS is node's own (tls.connect, the certificate checked against node's trust
 * store, NODE_EXTRA_CA_CERTS, and the `ca` of node's global https agent).
 *
 * Not for the editor's process: its proxy support patches node's http modules, which this does not
 * use. With a proxy in the environment the gateway does not use it either (lean-transport.ts).
 */
import * as net from 'node:net';
import * as https from 'node:https';
import * as tls from 'node:tls';

export interface Http1Request {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  /** Inactivity limit (ms): no byte sent or received for this long ends the request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Largest body accepted, as received (bytes); -1 or undefined: no limit. */
  maxBodyBytes?: number;
}

export interface Http1Answer {
  status: number;
  statusText: string;
  /** Names and values alternating, as received (node's rawHeaders). */
  rawHeaders: string[];
  body: Buffer;
}

/** Why a request failed, with a code a caller can tell apart (node's socket codes pass through). */
export class Http1Error extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'Http1Error';
  }
}
export const TIMEOUT_CODE = 'ERR_HTTP1_TIMEOUT';
export const ABORT_CODE = 'ABORT_ERR';
export const TOO_LARGE_CODE = 'ERR_HTTP1_BODY_TOO_LARGE';
const PROTOCOL_CODE = 'ERR_HTTP1_PROTOCOL';

/** node's default --max-http-header-size. */
const MAX_HEAD_BYTES = 16 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A header value: visible characters, spaces and tabs, and bytes above 0x7f (obs-text); no CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// The request target as URL serialises it (percent-encoded): visible ASCII only, no spaces.
const TARGET = /^\/[\x21-\x7e]*$/;
const CRLF2 = Buffer.from('\r\n\r\n');

interface Framing {
  kind: 'length' | 'chunked' | 'close' | 'none';
  length: number;
  reusable: boolean;
}

type Head = { status: number; statusText: string; rawHeaders: string[]; framing: Framing };

function protocolError(what: string): Http1Error {
  return new Http1Error(`The API answered with a malformed HTTP response (${what}).`, PROTOCOL_CODE);
}

/** The answer's status line and headers (the bytes before the blank line), and how its body is framed. */
function parseHead(text: string, method: string): Head {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\r\n]*))?$/.exec(lines[0] ?? '');
  if (!statusLine) throw protocolError('status line');
  const status = Number(statusLine[2]);
  const rawHeaders: string[] = [];
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw protocolError('header line');
    const value = line.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) throw protocolError('header value');
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!/^\d{1,15}$/.test(value) || (contentLength !== undefined && contentLength !== value)) throw protocolError('Content-Length');
      contentLength = value;
    } else if (lower === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (lower === 'connection') {
      connection += `${value.toLowerCase()},`;
    }
  }
  const keepAlive = statusLine[1] === '1' && !/(^|[\s,])close\s*,/.test(connection);
  let framing: Framing;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) {
    framing = { kind: 'none', length: 0, reusable: keepAlive };
  } else if (transferEncoding !== undefined) {
    // Both framings at once is how requests are smuggled; one coding we do not know, we cannot read.
    if (contentLength !== undefined) throw protocolError('Content-Length beside Transfer-Encoding');
    if (transferEncoding.trim().toLowerCase() !== 'chunked') throw protocolError(`transfer coding "${transferEncoding.slice(0, 40)}"`);
    framing = { kind: 'chunked', length: 0, reusable: keepAlive };
  } else if (contentLength !== undefined) {
    framing = { kind: 'length', length: Number(contentLength), reusable: keepAlive };
  } else {
    framing = { kind: 'close', length: 0, reusable: false };
  }
  return { status, statusText: statusLine[3] ?? '', rawHeaders, framing };
}

/**
 * Reads one answer from a byte stream. feed() takes each chunk and returns true once the answer is
 * whole; end() says the connection closed (an answer framed by the close is then whole).
 */
class AnswerReader {
  head: Head | undefined;
  /** Bytes of an unfinished head or chunk line, kept for the next chunk. */
  private buffered: Buffer | undefined;
  private readonly parts: Buffer[] = [];
  private size = 0;
  /** Chunked coding: bytes of the current chunk still to come, or -1 between chunks. */
  private chunkLeft = -1;
  private inTrailers = false;
  private trailerBytes = 0;
  /** Bytes received after the answer ended (a server that sent more than it framed). */
  extra = 0;

  constructor(
    private readonly method: string,
    private readonly maxBodyBytes: number,
  ) {}

  get body(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
  }

  feed(chunk: Buffer): boolean {
    let data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = undefined;
    while (!this.head) {
      const end = data.indexOf(CRLF2);
      if (end < 0) {
        if (data.length > MAX_HEAD_BYTES) throw new Http1Error('The API\'s answer headers exceed 16 KiB.', 'HPE_HEADER_OVERFLOW');
        this.buffered = data;
        return false;
      }
      if (end > MAX_HEAD_BYTES) throw new Http1Error('The API\'s answer headers exceed 16 KiB.', 'HPE_HEADER_OVERFLOW');
      const head = parseHead(data.toString('latin1', 0, end), this.method);
      data = data.subarray(end + 4);
      if (head.status >= 100 && head.status < 200) {
        if (head.status === 101) throw protocolError('an unrequested protocol switch');
        continue; // 100 Continue, 103 Early Hints: the answer follows
      }
      this.head = head;
    }
    return this.body$(data);
  }

  /** The connection closed: true if that completes the answer. */
  end(): boolean {
    return Boolean(this.head && this.head.framing.kind === 'close');
  }

  private keep(part: Buffer): void {
    if (!part.length) return;
    this.size += part.length;
    if (this.maxBodyBytes > -1 && this.size > this.maxBodyBytes) throw this.tooLarge();
    this.parts.push(part);
  }

  private tooLarge(): Http1Error {
    return new Http1Error(`The API's answer is larger than ${this.maxBodyBytes} bytes.`, TOO_LARGE_CODE);
  }

  private body$(data: Buffer): boolean {
    const framing = this.head!.framing;
    switch (framing.kind) {
      case 'none':
        this.extra += data.length;
        return true;
      case 'close':
        this.keep(data);
        return false;
      case 'length': {
        const want = framing.length - this.size;
        // Declared too large: refused before its bytes are read.
        if (want > 0 && this.maxBodyBytes > -1 && framing.length > this.maxBodyBytes) throw this.tooLarge();
        this.keep(data.length > want ? data.subarray(0, want) : data);
        this.extra += Math.max(0, data.length - want);
        return this.size === framing.length;
      }
      case 'chunked':
        return this.chunked(data);
    }
  }

  private chunked(data: Buffer): boolean {
    let at = 0;
    while (at < data.length) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, data.length - at);
        this.keep(data.subarray(at, at + take));
        this.chunkLeft -= take;
        at += take;
        if (this.chunkLeft === 0) this.chunkLeft = -2; // the CRLF after the chunk's data
        continue;
      }
      const eol = data.indexOf('\r\n', at);
      if (eol < 0) {
        if (data.length - at > 1024) throw protocolError('chunk line');
        this.buffered = data.subarray(at);
        return false;
      }
      const line = data.toString('latin1', at, eol);
      at = eol + 2;
      if (this.chunkLeft === -2) {
        if (line !== '') throw protocolError('chunk end');
        this.chunkLeft = -1;
      } else if (this.inTrailers) {
        if (line === '') {
          this.extra += data.length - at;
          return true;
        }
        this.trailerBytes += line.length + 2;
        if (this.trailerBytes > MAX_HEAD_BYTES) throw new Http1Error('The API\'s answer trailers exceed 16 KiB.', 'HPE_HEADER_OVERFLOW');
      } else {
        const size = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) throw protocolError('chunk size');
        const n = parseInt(size[1]!, 16);
        if (n === 0) this.inTrailers = true;
        else this.chunkLeft = n;
      }
    }
    return false;
  }
}

interface PoolOptions {
  /** Idle sockets kept per origin. */
  maxIdlePerOrigin?: number;
  /** How long an idle socket is kept (ms); below the usual 5 s of servers, so the server rarely closes first. */
  idleMs?: number;
}

/** Keep-alive sockets by origin, and the requests made on them. One pool per gateway. */
export class Http1Pool {
  private readonly idle = new Map<string, net.Socket[]>();
  /** The listener each idle socket has for all of its events (removed when it is taken again). */
  private readonly dropOf = new WeakMap<net.Socket, () => void>();
  private readonly maxIdle: number;
  private readonly idleMs: number;
  private closed = false;

  constructor(o: PoolOptions = {}) {
    this.maxIdle = o.maxIdlePerOrigin ?? 16;
    this.idleMs = o.idleMs ?? 4_000;
  }

  /** Sends one request and reads its answer. Rejects with an Http1Error or the socket's own error. */
  async request(r: Http1Request): Promise<Http1Answer> {
    const head = requestHead(r);
    if (r.signal?.aborted) throw new Http1Error('The request was cancelled.', ABORT_CODE); // before any socket is taken
    // Nothing is sent twice here, not even a read on a kept-alive socket the server had closed: the
    // gateway has one retry layer (retry.ts), with one budget per item, and a second one here would
    // multiply its attempts (test/security/bounded-attempts.test.ts).
    return this.exchange(this.takeIdle(r.url) ?? this.connect(r.url), head, r);
  }

  /** Closes every idle socket; requests in flight finish on theirs, which are then closed. */
  close(): void {
    this.closed = true;
    for (const sockets of this.idle.values()) for (const s of sockets) s.destroy();
    this.idle.clear();
  }

  private takeIdle(url: URL): net.Socket | undefined {
    const sockets = this.idle.get(url.origin);
    while (sockets?.length) {
      const s = sockets.pop()!;
      const drop = this.dropOf.get(s);
      if (drop) s.off('data', drop).off('close', drop).off('error', drop).off('timeout', drop);
      if (!s.destroyed && s.readyState === 'open') {
        s.setTimeout(0);
        s.ref();
        return s;
      }
      s.destroy();
    }
    return undefined;
  }

  private connect(url: URL): net.Socket {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const socket = secure
      ? tls.connect({
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
          // A CA trusted on node's global https agent is trusted here too (node's own trust store and
          // NODE_EXTRA_CA_CERTS always are).
          ca: https.globalAgent.options.ca,
        })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    return socket;
  }

  private release(url: URL, socket: net.Socket): void {
    const key = url.origin;
    const sockets = this.idle.get(key) ?? [];
    if (this.closed || sockets.length >= this.maxIdle || socket.destroyed) {
      socket.destroy();
      return;
    }
    const drop = () => {
      socket.destroy();
      const i = sockets.indexOf(socket);
      if (i >= 0) sockets.splice(i, 1);
    };
    // Idle: anything the server sends now is not an answer to us; its close or an error ends the socket.
    this.dropOf.set(socket, drop);
    socket.on('data', drop).on('close', drop).on('error', drop).on('timeout', drop);
    socket.setTimeout(this.idleMs);
    socket.unref();
    sockets.push(socket);
    this.idle.set(key, sockets);
  }

  private exchange(socket: net.Socket, head: string, r: Http1Request): Promise<Http1Answer> {
    return new Promise<Http1Answer>((resolve, reject) => {
      const reader = new AnswerReader(r.method, r.maxBodyBytes ?? -1);
      let done = false;
      const finish = (err: Error | undefined) => {
        if (done) return;
        done = true;
        socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError).off('timeout', onTimeout);
        r.signal?.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        if (err) {
          socket.destroy();
          reject(err);
          return;
        }
        const h = reader.head!;
        if (h.framing.reusable && reader.extra === 0 && !socket.destroyed) this.release(r.url, socket);
        else socket.destroy();
        resolve({ status: h.status, statusText: h.statusText, rawHeaders: h.rawHeaders, body: reader.body });
      };
      const onData = (chunk: Buffer) => {
        try {
          if (reader.feed(chunk)) finish(undefined);
        } catch (err) {
          finish(err as Error);
        }
      };
      const onEnd = () => {
        if (reader.end()) finish(undefined);
        else finish(new Http1Error('The API closed the connection before its answer was complete.', 'ECONNRESET'));
      };
      const onError = (err: Error) => finish(err);
      const onTimeout = () => finish(new Http1Error(`No answer from the API for ${r.timeoutMs} ms.`, TIMEOUT_CODE));
      const onAbort = () => finish(new Http1Error('The request was cancelled.', ABORT_CODE));
      // The connection's end and its close (after an error, or without a FIN) mean the same here.
      socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError).on('timeout', onTimeout);
      r.signal?.addEventListener('abort', onAbort, { once: true });
      if (r.timeoutMs && r.timeoutMs > 0) socket.setTimeout(r.timeoutMs);
      socket.write(head, 'latin1');
      if (r.body?.length) socket.write(r.body);
    });
  }
}

/** The request line and headers, checked: nothing from a caller can add a line of its own. */
function requestHead(r: Http1Request): string {
  const method = r.method.toUpperCase();
  if (!TOKEN.test(method)) throw new Http1Error(`Invalid HTTP method "${r.method.slice(0, 20)}".`, 'ERR_INVALID_HTTP_TOKEN');
  const target = `${r.url.pathname}${r.url.search}`;
  if (!TARGET.test(target)) throw new Http1Error('The request path has characters HTTP does not allow.', 'ERR_UNESCAPED_CHARACTERS');
  let head = `${method} ${target} HTTP/1.1\r\nHost: ${r.url.host}\r\n`;
  for (const name in r.headers) {
    const value = r.headers[name]!;
    const lower = name.toLowerCase();
    // Framing and the connection are this client's to say.
    if (lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    if (!TOKEN.test(name)) throw new Http1Error(`Invalid header name "${name.slice(0, 40)}".`, 'ERR_INVALID_HTTP_TOKEN');
    if (!FIELD_VALUE.test(value)) throw new Http1Error(`Invalid characters in the value of header "${name}".`, 'ERR_INVALID_CHAR');
    head += `${name}: ${value}\r\n`;
  }
  if (r.body?.length || !(method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS')) {
    head += `Content-Length: ${r.body?.length ?? 0}\r\n`;
  }
  return `${head}Connection: keep-alive\r\n\r\n`;
}
