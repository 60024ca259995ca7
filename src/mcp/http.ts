/**
 * The shared background server: MCP over Streamable HTTP on loopback, one process serving several
 * agents. Every request must carry the bearer token (kept 0600 in ~/.daytona/mcp/http.json), come
 * to a loopback Host (DNS-rebinding defence) from no Origin or a loopback one, and fit the body
 * limit; sessions are capped. Each session gets its own MCP Server over the same tools.
 * Rejected requests are counted, not logged one by one (rejections.ts); sessions end when the
 * client sends DELETE, after an idle timeout, or when a new agent needs room: first sessions whose
 * client has gone (its standing stream closed), then ones idle for a minute, or ones of a client holding
 * over half of all sessions when another client asks — from the client holding the most sessions, so
 * one token holder opening many can neither push every other agent out nor keep newcomers out.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AuditLog } from '../core/audit-log';
import { createRejectionTally } from './rejections';

export interface HttpServerOptions {
  createServer: () => Server;
  port: number;
  token: string;
  audit?: AuditLog;
  maxBodyBytes?: number;
  maxSessions?: number;
  /** A session with no request for this long is closed (default 30 min). */
  sessionIdleMs?: number;
  /** How often rejected requests are summarised in the audit log (default 60 s). */
  rejectionSummaryMs?: number;
  /** The token now (it can be rotated while the server runs); default: `token` forever. */
  currentToken?: () => string;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  sessions(): number;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  /** When the last request started or ended (ms). */
  lastActive: number;
  /** Requests (POSTs) being handled now; a busy session is never evicted. */
  inFlight: number;
  /** The client's name from initialize: sessions are shared out fairly between clients. */
  client: string;
  /** Its standing GET stream: open now, and whether one was open and closed (the client went away). */
  streamOpen: boolean;
  departed: boolean;
}

/** A live session is evicted only after this long without a request (a fresh one is mid-handshake). */
const EVICT_AFTER_IDLE_MS = 60_000;
/** JSON-RPC error codes the transport answers with. */
const PARSE_ERROR = -32700;
const INVALID_PARAMS = -32602;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

function sendError(res: ServerResponse, status: number, message: string, code = -32000, id: unknown = null): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }));
}

/** An initialize request the SDK's schema refuses (no protocolVersion, …): said as such, with its id. */
function malformedInitialize(body: unknown): { id: unknown } | undefined {
  const b = body as { method?: unknown; id?: unknown } | undefined;
  return b && typeof b === 'object' && !Array.isArray(b) && b.method === 'initialize' ? { id: b.id ?? null } : undefined;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`Request body over ${limit} bytes`), { status: 413, closeConnection: true });
    chunks.push(chunk as Buffer);
  }
  if (!size) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('Parse error: the request body is not valid JSON'), { status: 400, code: PARSE_ERROR });
  }
}

function clientName(body: unknown): string {
  const name = (body as { params?: { clientInfo?: { name?: unknown } } }).params?.clientInfo?.name;
  return typeof name === 'string' ? name.slice(0, 100) : '';
}

export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  const maxSessions = o.maxSessions ?? 128;
  const idleMs = o.sessionIdleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  const rejections = createRejectionTally(o.audit, o.rejectionSummaryMs);
  const token = o.currentToken ?? (() => o.token);

  const endSession = async (id: string, reason: string): Promise<void> => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    o.audit?.write('session_closed', { session: id.slice(0, 8), reason, idleMs: Date.now() - s.lastActive });
    await s.server.close().catch(() => undefined);
  };
  /**
   * The session to end for a new one: one whose client went away, else one idle for minutes — taken
   * from the client holding the most sessions, least recently active first. None when every session
   * is in use (the newcomer is refused instead: existing agents keep working).
   */
  const evictionVictim = (newcomer: string): string | undefined => {
    const now = Date.now();
    const perClient = new Map<string, number>();
    for (const [, s] of sessions) perClient.set(s.client, (perClient.get(s.client) ?? 0) + 1);
    // A client holding more than half of all sessions gives one up to any other client: one token
    // holder cannot keep everyone else out by opening sessions.
    const hog = (c: string) => c !== newcomer && (perClient.get(c) ?? 0) > maxSessions / 2;
    const candidates = [...sessions.entries()].filter(([, s]) => s.inFlight === 0 && ((s.departed && !s.streamOpen) || now - s.lastActive >= EVICT_AFTER_IDLE_MS || hog(s.client)));
    const rank = (s: Session) => [s.departed && !s.streamOpen ? 0 : 1, -(perClient.get(s.client) ?? 0), s.lastActive];
    candidates.sort(([, a], [, b]) => {
      const ra = rank(a);
      const rb = rank(b);
      return ra[0]! - rb[0]! || ra[1]! - rb[1]! || ra[2]! - rb[2]!;
    });
    return candidates[0]?.[0];
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, s] of sessions) if (s.inFlight === 0 && now - s.lastActive > idleMs) void endSession(id, 'idle');
  }, Math.max(100, Math.min(idleMs / 2, 60_000)));
  sweep.unref();
  let port = o.port;
  const allowedHosts = () => LOOPBACK_HOSTS.map((h) => `${h}:${port}`);
  const allowedOrigins = () => LOOPBACK_HOSTS.map((h) => `http://${h}:${port}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reject = (reason: string) => rejections.record(reason, req.socket.remoteAddress);
    if (!allowedHosts().includes(req.headers.host ?? '')) return (reject('foreign host'), sendError(res, 403, 'Forbidden host'));
    if (req.headers.origin && !allowedOrigins().includes(req.headers.origin)) return (reject('foreign origin'), sendError(res, 403, 'Forbidden origin'));
    if (url.pathname !== '/mcp') return (reject('wrong path'), sendError(res, 404, 'Not found; the MCP endpoint is /mcp'));
    if (!tokenMatches(req.headers.authorization, token())) {
      reject('bad token');
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'Missing or wrong bearer token (see ~/.daytona/mcp/http.json)');
    }
    const body = req.method === 'POST' ? await readBody(req, maxBody) : undefined;
    const malformed = isInitializeRequest(body) ? undefined : malformedInitialize(body);
    if (malformed) {
      return sendError(res, 400, 'Invalid params: initialize needs protocolVersion, capabilities and clientInfo (MCP specification).', INVALID_PARAMS, malformed.id);
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) {
      if (req.method === 'DELETE') {
        sessions.delete(sessionId as string);
        o.audit?.write('session_closed', { session: (sessionId as string).slice(0, 8), reason: 'deleted by client' });
        await existing.transport.handleRequest(req, res, body);
        await existing.server.close().catch(() => undefined);
        return;
      }
      // A standing GET (the server-to-client stream) is not activity: only requests keep a session alive.
      // Its end says the client went away (the official client's close() sends no DELETE).
      if (req.method === 'GET') {
        existing.streamOpen = true;
        res.once('close', () => {
          existing.streamOpen = false;
          existing.departed = true;
        });
      }
      if (req.method !== 'POST') return existing.transport.handleRequest(req, res, body);
      // Busy until the response is finished: a tool call's SSE answer outlives handleRequest().
      existing.lastActive = Date.now();
      existing.inFlight++;
      res.once('close', () => {
        existing.inFlight--;
        existing.lastActive = Date.now();
      });
      return existing.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(res, typeof sessionId === 'string' ? 404 : 400, typeof sessionId === 'string' ? 'Unknown session; initialize again' : 'Send initialize first');
    }
    if (sessions.size >= maxSessions) {
      // Agents rarely say goodbye (the official client's close() sends no DELETE): make room by ending
      // a session whose client went away or that has been idle for minutes; never a live agent's.
      const newcomer = clientName(body);
      let victim = evictionVictim(newcomer);
      // A client that just closed may not have been noticed yet (its stream's end is on its way).
      for (let i = 0; !victim && i < 10; i++) {
        await new Promise((r) => setTimeout(r, 50));
        victim = evictionVictim(newcomer);
      }
      if (!victim) return sendError(res, 503, `Too many sessions (${maxSessions}), all in use; try again shortly`);
      await endSession(victim, 'evicted for a new session');
    }
    const server = o.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts: allowedHosts(),
      allowedOrigins: allowedOrigins(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastActive: Date.now(), inFlight: 0, client: clientName(body), streamOpen: false, departed: false });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((err: Error & { status?: number; code?: number; closeConnection?: boolean }) => {
      // After a refused body the rest of it is not read: close the connection instead of leaving the
      // client waiting to send it.
      if (err.closeConnection) {
        res.setHeader('connection', 'close');
        res.once('finish', () => req.socket.destroy());
      }
      sendError(res, err.status ?? 500, err.message, typeof err.code === 'number' ? err.code : -32000);
    });
  });
  http.requestTimeout = 0; // SSE responses stay open for long tool calls
  // Agents' HTTP clients keep idle connections a few seconds and may send on one the server is just
  // closing (ECONNRESET, or Node's 408 for a keep-alive socket idle past headersTimeout): under load,
  // 40 agents at once lost requests so. The server keeps idle connections longer than any client, so
  // the client always closes first; Node counts headersTimeout from the connection's previous request,
  // so it must exceed the keep-alive time. A slow-header connection still ends within 65 s.
  http.keepAliveTimeout = 60_000;
  http.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, '127.0.0.1', () => resolve());
  });
  port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    sessions: () => sessions.size,
    async close() {
      clearInterval(sweep);
      rejections.flush();
      await Promise.allSettled([...sessions.values()].map((s) => s.server.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
