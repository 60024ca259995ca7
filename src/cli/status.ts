/**
 * `status`: where the key comes from, whether the API answers, which agents are set up, where logs go.
 * Exits 1 when the key is missing or rejected or the API fails, with the next step on stderr.
 */
import { existsSync } from 'node:fs';
import { daytonaFolderWarnings } from '../core/file-trust';
import { resolveCredentials } from '../core/credentials';
import { registerSecrets } from '../core/scrub';
import { stableServerPath, auditLogPath } from '../core/daytona-home';
import { agentStatuses, defaultHostContext, describeAgent, readHttpState, runningHttpServer } from '../registration';
import { listenerUid } from '../registration/port-owner';
import { checkApi } from './api-check';
import { checkProfile, existingFolder, maxCreateOption, parseArgs, profileOption } from './args';
import { VERSION } from './version';

async function httpStatus(): Promise<string> {
  const running = await runningHttpServer();
  const state = readHttpState();
  const renewed = state?.rotatedAt ? `; token renewed ${state.rotatedAt} (${state.rotatedWhy ?? 'rotated'})` : '';
  if (running) return `shared server running at ${running.url} (pid ${running.pid})${renewed}`;
  if (!state) return 'not set up (optional: "daytona-mcp start --http")';
  // While it is down, whoever listens on its port receives the token agents send: say so.
  const holder = listenerUid(state.port);
  const me = process.getuid?.();
  if (holder !== undefined && me !== undefined && holder !== me) {
    return `not running — port ${state.port} is held by ANOTHER USER (uid ${holder}); agents configured for it send that process their bearer token. ` +
      `The token is replaced when the server next starts ("daytona-mcp start --http" refuses this port: use --port N and init --http --port N)${renewed}`;
  }
  return `not running (last at ${state.url}; start with "daytona-mcp start --http"; a new token is issued at start)${renewed}`;
}

export async function statusCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['json'], values: ['workspace', 'max-create', 'profile'] });
  const creds = resolveCredentials({ profile: profileOption(args.options.get('profile')) });
  checkProfile(creds);
  // Printed text never carries the key (an --inline-key diff, an echoed error): the guard drops it.
  registerSecrets(() => [creds.apiKey, creds.jwtToken]);
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
