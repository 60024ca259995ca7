/**
 * `start`: serve the MCP tools on stdio (what agent configs launch), or with --http as one shared
 * background server on 127.0.0.1. stdout carries protocol only in stdio mode; diagnostics go to
 * stderr and the audit log. The process exits promptly when the client closes stdin or on a signal.
 */
import type { Readable, Writable } from 'node:stream';
import { AuditLog } from '../core/audit-log';
import { auditedGatewayProvider } from '../core/audited-gateway';
import { resolveCredentials } from '../core/credentials';
import { registerSecrets } from '../core/scrub';
import { createGatewayProvider } from '../core/gateway-provider';
import { CreationLimit } from '../core/creation-guard';
import { initializeResult, PRELISTED, selectListed } from '../mcp/listing';
import { serveQuickly } from '../mcp/quick-stdio';
import { httpStatePath, auditLogPath } from '../core/daytona-home';
import { DEFAULT_HTTP_PORT, httpToken, readHttpState, runningHttpServer, watchHttpToken, writeHttpState } from '../registration/http-state';
import { describePortHolder } from '../registration/port-owner';
import { checkProfile, maxCreateOption, parseArgs, profileOption, portOption, toolsOption, UsageError } from './args';
import { VERSION } from './version';
import { sdkCacheHooks } from './compile-cache';
import { sdkCodeCache } from '../core/sdk-code-cache';

/** DAYTONA_MCP_REQUEST_TIMEOUT_MS: the per-request API deadline (default 30 s in the gateway). */
export function requestTimeoutFromEnv(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) {
    throw new UsageError('DAYTONA_MCP_REQUEST_TIMEOUT_MS takes a whole number of milliseconds between 100 and 600000.');
  }
  return ms;
}

/** An optional duration in ms from the environment (tests shorten timeouts this way). */
function msFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 10) throw new UsageError(`${name} takes a whole number of milliseconds (at least 10).`);
  return ms;
}

/** An optional positive whole number from the environment. */
function countFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a whole number (at least 1).`);
  return n;
}

export async function startCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['read-only', 'http'], values: ['tools', 'project', 'port', 'max-create', 'profile'] });
  if (args.positionals.length) throw new UsageError(`start takes no arguments (got "${args.positionals.join(' ')}").`);
  // Agent hosts start a server per session: its first API call compiles the SDK from a code cache.
  sdkCodeCache.hooks = sdkCacheHooks();
  const readOnly = args.options.has('read-only') || process.env.DAYTONA_MCP_READ_ONLY === 'true';
  // An empty --tools= or DAYTONA_MCP_TOOLS means "not set", not "no tools".
  // The production bundle knows its tools/list without loading the tools (mcp/listing.ts); the
  // sources (tests, tsx) ask the registry.
  const registry = PRELISTED ? undefined : await import('../core/tools');
  const allow = toolsOption((args.options.get('tools') ?? process.env.DAYTONA_MCP_TOOLS) || undefined, PRELISTED ? PRELISTED.tools.map((t) => t.listed.name) : (registry?.TOOL_NAMES ?? []));
  const toolNames = PRELISTED ? selectListed(PRELISTED, { readOnly, allow }).map((t) => t.listed.name) : (registry?.selectTools({ readOnly, allow }).map((t) => t.name) ?? []);
  const http = args.options.has('http');
  const port = portOption(args.options.get('port'), readHttpState()?.port ?? DEFAULT_HTTP_PORT, { anyFree: true });

  if (http) {
    const running = await runningHttpServer();
    if (running) {
      process.stdout.write(`The shared Daytona MCP server is already running at ${running.url} (pid ${running.pid}); nothing to do.\n`);
      return;
    }
  }

  // In stdio mode anything printed to stdout would corrupt the protocol stream.
  if (!http) {
    console.log = console.error;
    console.info = console.error;
  }

  const requestTimeoutMs = requestTimeoutFromEnv(process.env.DAYTONA_MCP_REQUEST_TIMEOUT_MS);
  const profile = profileOption(args.options.get('profile'));
  const creds = resolveCredentials({ profile });
  checkProfile(creds); // an unknown profile is a configuration error: say which exist, before serving
  // Nothing in this process patches node:http for a proxy (the editor's does): the gateway may use its own sockets.
  const provider = createGatewayProvider({ resolveCredentials: () => resolveCredentials({ profile }), requestTimeoutMs, ownSockets: true });
  // DAYTONA_MCP_AUDIT_NOISE_PER_MINUTE: refused calls logged per minute before they are only counted (tests raise it).
  const audit = new AuditLog({ path: auditLogPath(), secrets: provider.secrets, noisePerMinute: countFromEnv('DAYTONA_MCP_AUDIT_NOISE_PER_MINUTE') });
  const project = (args.options.get('project') as string | undefined) ?? process.env.DAYTONA_MCP_PROJECT;
  const audited = auditedGatewayProvider(provider.get, audit);
  const maxCreate = maxCreateOption(args.options.get('max-create'), process.env.DAYTONA_MCP_MAX_CREATE);
  // One counter for the process: every HTTP session draws on it too.
  const creationLimit = new CreationLimit({
    max: maxCreate.max,
    howToRaise: '"start --max-create N", the DAYTONA_MCP_MAX_CREATE environment variable or the editor setting "daytona.mcp.maxCreate"',
    onRefused: (fields) => audit.write('create_refused', { ...fields, reason: 'creation limit' }),
  });
  // The MCP SDK, zod and the tools are loaded here, not at start: see mcp/quick-stdio.ts.
  const loadServerFactory = async () => {
    const [{ selectTools }, { createMcpServer }] = await Promise.all([import('../core/tools'), import('../mcp/server')]);
    const tools = selectTools({ readOnly, allow });
    return (announceClient?: () => boolean) => createMcpServer({ tools, gateway: audited.get, version: VERSION, audit, defaults: { project }, creationLimit, announceClient });
  };

  let closeTransport: () => Promise<void> = async () => undefined;
  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    audit.write('server_stop', { reason });
    audited.logInFlight(reason); // before anything is aborted: these requests may have reached the API
    const force = setTimeout(() => process.exit(0), 2_000);
    force.unref();
    await Promise.allSettled([provider.dispose(), closeTransport()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('uncaughtException', (err) => {
    // Tool errors are caught per call; this is a last line of defence that keeps the server alive.
    audit.write('internal_error', { message: err.message });
    process.stderr.write(`daytona-mcp: internal error: ${err.message}\n`);
  });
  process.on('unhandledRejection', (err) => {
    audit.write('internal_error', { message: err instanceof Error ? err.message : String(err) });
  });

  const startFields = { version: VERSION, tools: toolNames, readOnly, allow: allow ?? null, credentials: creds.source, apiUrl: creds.apiUrlProblem ? `invalid (from ${creds.apiUrlOrigin})` : creds.apiUrl, target: creds.target ?? null, profile: creds.profile ?? null, organizationId: creds.organizationId ?? null, maxCreate: maxCreate.max, maxCreateFrom: maxCreate.from };

  if (http) {
    // A new token for every run: whatever an agent sent while the server was down — perhaps to another
    // user's process squatting the port — is useless from now on. The configs init wrote are updated.
    const previous = readHttpState();
    // Loaded here only: token.ts brings the config editors, which the stdio server never needs.
    const rotation = previous ? await (await import('./token')).rotateHttpToken(previous, 'server start') : undefined;
    const token = rotation?.token ?? httpToken();
    const currentToken = watchHttpToken(token);
    registerSecrets(() => [token, currentToken()]);
    const makeServer = await loadServerFactory();
    let server;
    try {
      // Loaded only for --http: its transport pulls in @hono/node-server, which touches the fetch globals (undici).
      const { startHttpServer } = await import('../mcp/http');
      server = await startHttpServer({
        createServer: () => makeServer(),
        port,
        token,
        currentToken,
        audit,
        sessionIdleMs: msFromEnv('DAYTONA_MCP_SESSION_IDLE_MS'),
        maxSessions: countFromEnv('DAYTONA_MCP_MAX_SESSIONS'),
        rejectionSummaryMs: msFromEnv('DAYTONA_MCP_REJECTION_SUMMARY_MS'),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        audit.write('server_refused', { reason: 'port in use', port });
        throw new UsageError(describePortHolder(port));
      }
      throw err;
    }
    closeTransport = () => server.close();
    writeHttpState({ token, port: server.port, pid: process.pid, url: server.url, startedAt: new Date().toISOString() });
    process.on('exit', () => {
      const s = readHttpState();
      if (s?.pid === process.pid) writeHttpState({ ...s, pid: null, startedAt: null });
    });
    audit.write('server_start', { ...startFields, transport: 'http', url: server.url, tokenRenewed: Boolean(rotation), configsUpdated: rotation?.updated.length ?? 0 });
    process.stdout.write(`daytona-mcp ${VERSION}: serving ${toolNames.length} tools at ${server.url} (loopback only; bearer token in ${httpStatePath()}). Ctrl-C stops it.\n`);
    if (rotation) {
      process.stdout.write(`New bearer token for this run (the previous one no longer works)${rotation.updated.length ? `; updated ${rotation.updated.length} agent config(s) — reload those agents` : ''}.\n`);
    }
    return;
  }

  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('close', () => void stop('stdin closed'));
  audit.write('server_start', { ...startFields, transport: 'stdio' });
  const serve = async (stdin?: Readable, stdout?: Writable, announceClient?: () => boolean) => {
    const [makeServer, { StdioTransport }] = await Promise.all([loadServerFactory(), import('../mcp/stdio-transport')]);
    const server = makeServer(announceClient);
    closeTransport = () => server.close();
    await server.connect(new StdioTransport(stdin, stdout));
  };
  if (PRELISTED) {
    const listing = PRELISTED;
    let announced = false;
    serveQuickly({
      initializeResult: (version) => initializeResult(listing, version),
      tools: selectListed(listing, { readOnly, allow }).map((t) => t.listed),
      onInitialized: (client) => {
        announced = true;
        audit.write('client_connected', { client: client.name ?? null, clientVersion: client.version ?? null });
      },
      takeOver: (stdin, stdout) => serve(stdin, stdout, () => !announced),
    });
  } else {
    await serve();
  }
  process.stderr.write(`daytona-mcp ${VERSION}: serving ${toolNames.length} tools on stdio (key: ${creds.origin}; log: ${audit.path})\n`);
}
