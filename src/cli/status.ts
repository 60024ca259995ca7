/**
 * `status`: where the key comes from, whether the API answers, which agents are set up, where logs go.
 * Exits 1 when the key is missing or rejected or the API fails, with the next step on stderr.
 */
import { existsSync } from 'node:fs';
import { daytonaFolderWarnings } from '../core/file-trust';
import { resolveCredentials } from '../core/credentials';
import { stableServerPath, auditLogPath } from '../core/daytona-home';
import { agentStatuses, defaultHostContext, describeAgent, readHttpState, runningHttpServer } from '../registration';
import { checkApi } from './api-check';
import { checkProfile, existingFolder, maxCreateOption, parseArgs, profileOption } from './args';
import { VERSION } from './version';

async function httpStatus(): Promise<string> {
  const running = await runningHttpServer();
  if (running) return `shared server running at ${running.url} (pid ${running.pid})`;
  const state = readHttpState();
  return state ? `not running (last at ${state.url}; start with "daytona-mcp start --http")` : 'not set up (optional: "daytona-mcp start --http")';
}

export async function statusCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['json'], values: ['workspace', 'max-create', 'profile'] });
  const creds = resolveCredentials({ profile: profileOption(args.options.get('profile')) });
  checkProfile(creds);
  const workspace = args.options.get('workspace');
  const agents = await agentStatuses(defaultHostContext(typeof workspace === 'string' ? existingFolder(workspace, '--workspace') : process.cwd()));
  const api = await checkApi(creds);
  const limit = maxCreateOption(args.options.get('max-create'), process.env.DAYTONA_MCP_MAX_CREATE);
  const report = {
    version: VERSION,
    ok: api.outcome === 'ok',
    key: creds.origin,
    profile: creds.profile ?? null,
    organizationId: creds.organizationId ?? null,
    // An invalid URL is not repeated: it may be a key pasted into the wrong field.
    apiUrl: creds.apiUrlProblem ? null : creds.apiUrl,
    apiUrlFrom: creds.apiUrlOrigin ?? 'default',
    target: creds.target ?? null,
    api: api.summary,
    problem: api.problem ?? null,
    next: api.next ?? null,
    server: existsSync(stableServerPath()) ? stableServerPath() : `${stableServerPath()} (not installed; run init)`,
    http: await httpStatus(),
    log: auditLogPath(),
    // The runaway guard a server started from this environment applies (per run; 0 = unlimited).
    maxCreate: limit.max,
    maxCreateFrom: limit.from,
    agents,
    // The same warnings the text output prints (unsafe folder modes, with the fix).
    warnings: daytonaFolderWarnings(),
  };
  if (api.problem) {
    process.stderr.write(`daytona-mcp: ${api.problem}\nNext: ${api.next}\n`);
    process.exitCode = 1;
  }
  if (args.options.has('json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `daytona-mcp ${report.version}`,
    `API key:  ${report.key}`,
    ...(report.organizationId ? [`Org:      ${report.organizationId} (token login)`] : []),
    `API:      ${report.apiUrl ?? `(invalid URL from ${report.apiUrlFrom})`}${report.target ? ` (target ${report.target})` : ''} — ${report.api}`,
    `Server:   ${report.server}`,
    `HTTP:     ${report.http}`,
    `Log:      ${report.log}`,
    `Limit:    ${report.maxCreate ? `${report.maxCreate} sandboxes created per server run` : 'no creation limit'} (${report.maxCreateFrom}; raise with --max-create N or DAYTONA_MCP_MAX_CREATE, 0 = unlimited)`,
    'Agents:',
    ...agents.map((a) => `  ${a.agent.padEnd(15)} ${a.scope.padEnd(9)} ${describeAgent(a).padEnd(16)} ${a.path}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const w of report.warnings) process.stdout.write(`Warning: ${w}\n`);
}
