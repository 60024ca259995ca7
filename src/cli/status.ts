/** `status`: where the key comes from, whether the API answers, which agents are set up, where logs go. */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { unsafeFolderProblem } from '../core/file-trust';
import { defaultAuditLogPath } from '../core/audit-log';
import { hasCredential, resolveCredentials } from '../core/credentials';
import { createGatewayProvider } from '../core/gateway-provider';
import { toToolError } from '../core/errors';
import { agentStatuses, defaultHostContext, describeAgent, httpStatePath, readHttpState, runningHttpServer, stableServerPath } from '../registration';
import { parseArgs } from './args';
import { VERSION } from './version';

async function apiCheck(): Promise<string> {
  const creds = resolveCredentials();
  if (!hasCredential(creds)) return 'not checked (no key)';
  const provider = createGatewayProvider({ resolveCredentials: () => creds, requestTimeoutMs: 10_000, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });
  const t0 = Date.now();
  try {
    const gateway = await provider.get();
    await gateway.listPage({ limit: 1 });
    return `reachable, key accepted (${Date.now() - t0} ms)`;
  } catch (err) {
    const e = toToolError(err);
    return `${e.kind}: ${e.message}`;
  } finally {
    await provider.dispose();
  }
}

async function httpStatus(): Promise<string> {
  const running = await runningHttpServer();
  if (running) return `shared server running at ${running.url} (pid ${running.pid})`;
  const state = readHttpState();
  return state ? `not running (last at ${state.url}; start with "daytona-mcp start --http")` : 'not set up (optional: "daytona-mcp start --http")';
}

export async function statusCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['json'], values: ['workspace'] });
  const creds = resolveCredentials();
  const workspace = args.options.get('workspace');
  const agents = await agentStatuses(defaultHostContext(typeof workspace === 'string' ? workspace : process.cwd()));
  const report = {
    version: VERSION,
    key: creds.origin,
    apiUrl: creds.apiUrl,
    target: creds.target ?? null,
    api: await apiCheck(),
    server: existsSync(stableServerPath()) ? stableServerPath() : `${stableServerPath()} (not installed; run init)`,
    http: await httpStatus(),
    log: defaultAuditLogPath(),
    agents,
  };
  if (args.options.has('json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `daytona-mcp ${report.version}`,
    `API key:  ${report.key}`,
    `API:      ${report.apiUrl}${report.target ? ` (target ${report.target})` : ''} — ${report.api}`,
    `Server:   ${report.server}`,
    `HTTP:     ${report.http}`,
    `Log:      ${report.log}`,
    'Agents:',
    ...agents.map((a) => `  ${a.agent.padEnd(15)} ${a.scope.padEnd(9)} ${describeAgent(a).padEnd(16)} ${a.path}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const w of folderWarnings()) process.stdout.write(`Warning: ${w}\n`);
}

/** ~/.daytona and ~/.daytona/mcp must not be writable by others (they could swap our files). */
function folderWarnings(): string[] {
  const mcp = dirname(httpStatePath());
  return [dirname(mcp), mcp].map((d) => unsafeFolderProblem(d)).filter((w): w is string => w !== undefined);
}
