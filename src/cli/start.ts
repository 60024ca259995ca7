/**
 * `start`: serve the MCP tools on stdio. stdout carries protocol only; diagnostics go to stderr and
 * the audit log. The process exits promptly when the client closes stdin or sends a signal.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AuditLog, defaultAuditLogPath } from '../core/audit-log';
import { resolveCredentials } from '../core/credentials';
import { createGatewayProvider } from '../core/gateway-provider';
import { selectTools } from '../core/tools';
import { createMcpServer } from '../mcp/server';
import { parseArgs, UsageError } from './args';
import { VERSION } from './version';

export async function startCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['read-only'], values: ['tools', 'project'] });
  if (args.positionals.length) throw new UsageError(`start takes no arguments (got "${args.positionals.join(' ')}").`);
  const readOnly = args.options.has('read-only') || process.env.DAYTONA_MCP_READ_ONLY === 'true';
  const toolsOption = (args.options.get('tools') as string | undefined) ?? process.env.DAYTONA_MCP_TOOLS;
  const allow = toolsOption ? toolsOption.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  let tools;
  try {
    tools = selectTools({ readOnly, allow });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  // Anything printed to stdout would corrupt the protocol stream.
  console.log = console.error;
  console.info = console.error;

  const provider = createGatewayProvider({ resolveCredentials: () => resolveCredentials() });
  const audit = new AuditLog({ path: defaultAuditLogPath(), secrets: provider.secrets });
  const creds = resolveCredentials();
  const server = createMcpServer({
    tools,
    gateway: provider.get,
    version: VERSION,
    audit,
    defaults: { project: (args.options.get('project') as string | undefined) ?? process.env.DAYTONA_MCP_PROJECT },
  });

  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    audit.write('server_stop', { reason });
    const force = setTimeout(() => process.exit(0), 2_000);
    force.unref();
    await Promise.allSettled([provider.dispose(), server.close()]);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('close', () => void stop('stdin closed'));
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

  audit.write('server_start', {
    version: VERSION,
    transport: 'stdio',
    tools: tools.map((t) => t.name),
    readOnly,
    allow: allow ?? null,
    credentials: creds.source,
    apiUrl: creds.apiUrl,
    target: creds.target ?? null,
  });
  await server.connect(new StdioServerTransport());
  process.stderr.write(`daytona-mcp ${VERSION}: serving ${tools.length} tools on stdio (key: ${creds.origin}; log: ${audit.path})\n`);
}
