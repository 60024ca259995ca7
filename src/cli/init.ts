/**
 * `init <agent>` (any id in registration/hosts.ts): registers the server in that agent's config file.
 * The key found now (environment) goes to the 0600 credentials file, never into the agent's config
 * unless --inline-key says so; a Daytona CLI login needs nothing written, the server reads it itself.
 */
import { TOOL_NAMES } from '../core/tools';
import { resolve } from 'node:path';
import { apiUrlError, hasCredential, resolveCredentials, type Credentials } from '../core/credentials';
import { writeCredentialsFile } from '../core/daytona-home';
import { DEFAULT_HTTP_PORT, defaultHostContext, rememberTokenConfig, HOSTS, HOST_IDS, httpToken, scopeFor, initHost, isHostId, readHttpState, RegistrationError, writeHttpState, type InitReport } from '../registration';
import { checkApi } from './api-check';
import { checkProfile, entryMaxCreate, existingFolder, parseArgs, portOption, profileOption, toolsOption, UsageError } from './args';

export function currentLaunch(): { runtimePath: string; runAsNode: boolean; serverSource: string } {
  return { runtimePath: process.execPath, runAsNode: Boolean(process.versions.electron), serverSource: resolve(process.argv[1] ?? __filename) };
}

export function describeReport(r: InitReport, dryRun: boolean): string {
  const lines: string[] = [];
  if (dryRun) {
    lines.push(`Would ${r.edit.created ? 'create' : r.edit.changed ? 'update' : 'leave unchanged'} ${r.configPath} (${r.displayName}, ${r.scope}).`);
    if (r.edit.diff) lines.push(r.edit.diff);
  } else if (!r.edit.changed) {
    lines.push(`${r.displayName}: ${r.configPath} already has the "daytona" server; nothing changed.`);
  } else {
    lines.push(`${r.displayName}: ${r.edit.created ? 'created' : 'updated'} ${r.configPath}${r.edit.backupPath ? ` (previous version kept at ${r.edit.backupPath})` : ''}.`);
  }
  lines.push(`Server: ${r.serverPath}`);
  if (r.edit.officialEntryPresent) {
    lines.push('Note: the official Daytona CLI server "daytona-mcp" is also configured there; it was left as it is. Remove one of them if your agent shows both.');
  }
  lines.push(`Next: ${r.nextSteps}`);
  return lines.join('\n');
}

/** The shared server's URL and token; creates the token (0600 state file) on first use. */
function sharedServer(rawPort: string | true | undefined, dryRun: boolean): { url: string; token: string } {
  const state = readHttpState();
  const port = portOption(rawPort, state?.port ?? DEFAULT_HTTP_PORT);
  const token = httpToken();
  const url = `http://127.0.0.1:${port}/mcp`;
  if (!dryRun && (!state || state.port !== port || state.token !== token)) writeHttpState({ token, port, pid: state?.pid ?? null, url, startedAt: state?.startedAt ?? null });
  return { url, token };
}

/** A failure init reports before writing anything: exit 1 with what to do (not a usage error). */
class InitRefused extends Error {}

/**
 * Checks the key and URL the registered server will use, before anything is written. A bad URL or a
 * key the API rejects is refused (nothing written; --no-check overrides the key check); an API that
 * cannot be reached only warns, so init works offline and keeps what the user gave it.
 */
async function checkBeforeWriting(creds: Credentials, skip: boolean): Promise<string | undefined> {
  const badUrl = apiUrlError(creds);
  if (badUrl) throw new InitRefused(`${badUrl.message} Nothing was written.\nNext: ${badUrl.hint}`);
  if (!hasCredential(creds)) return undefined;
  if (skip) return 'Key not checked (--no-check); run "daytona-mcp status" to check it and the API URL.';
  const check = await checkApi(creds);
  switch (check.outcome) {
    case 'ok':
      return `Checked: ${creds.apiUrl} accepted the key from ${creds.origin} (${check.ms} ms).`;
    case 'unreachable':
      return `Warning: could not check the key. ${check.problem} The entry and key were saved anyway; run "daytona-mcp status" once the API is reachable.`;
    default:
      throw new InitRefused(`Refused: ${check.problem} Nothing was written.\nNext: ${check.next} To register anyway, pass --no-check.`);
  }
}

export async function initCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['dry-run', 'inline-key', 'read-only', 'http', 'no-check', 'allow-secret-in-repo'], values: ['workspace', 'tools', 'port', 'profile', 'max-create'] });
  const [host, ...extra] = args.positionals;
  if (!host || !isHostId(host) || extra.length) {
    throw new UsageError(`init needs one agent: ${HOST_IDS.join(', ')}${host && !isHostId(host) ? ` (got "${host}")` : ''}.`);
  }
  const workspace = args.options.get('workspace');
  const dryRun = args.options.has('dry-run');
  const profile = profileOption(args.options.get('profile'));
  const creds = resolveCredentials({ profile });
  checkProfile(creds);
  const inline = args.options.has('inline-key');
  if (inline && !creds.apiKey) throw new UsageError('--inline-key needs DAYTONA_API_KEY (or another key source) to be set.');

  const scope = scopeFor(host, typeof workspace === 'string');
  if (typeof workspace === 'string' && scope !== 'workspace') {
    throw new UsageError(`${HOSTS[host].displayName} has no per-folder config file; leave out --workspace.`);
  }
  // A host whose only file lives in the folder (VS Code) uses the current one when none is named.
  const workspaceDir = typeof workspace === 'string' ? existingFolder(workspace, '--workspace') : scope === 'workspace' ? process.cwd() : undefined;
  const tools = toolsOption(args.options.get('tools'), TOOL_NAMES);
  const maxCreate = entryMaxCreate(args.options.get('max-create'));
  let checked: string | undefined;
  try {
    checked = await checkBeforeWriting(creds, args.options.has('no-check'));
  } catch (err) {
    if (err instanceof InitRefused) {
      process.stderr.write(`daytona-mcp: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const http = args.options.has('http') ? sharedServer(args.options.get('port'), dryRun) : undefined;
  let report: InitReport;
  try {
    report = await initHost({
      host,
      ctx: defaultHostContext(workspaceDir),
      scope,
      launch: currentLaunch(),
      readOnly: args.options.has('read-only'),
      tools,
      // The agent's server uses that profile (its own key or token, URL and organisation).
      profile,
      maxCreate,
      inlineKey: inline ? creds.apiKey : undefined,
      http,
      allowSecretInRepo: args.options.has('allow-secret-in-repo'),
      dryRun,
    });
  } catch (err) {
    if (err instanceof RegistrationError) throw new UsageError(err.message);
    throw err;
  }
  const out = [describeReport(report, dryRun)];
  if (profile) {
    out.push(`The server will use the ${creds.origin}; the entry says --profile ${profile}.`);
  } else if (!dryRun && creds.source === 'env' && creds.apiKey && !inline) {
    const written = writeCredentialsFile({ apiKey: creds.apiKey, apiUrl: process.env.DAYTONA_API_URL, target: creds.target });
    out.push(`API key from DAYTONA_API_KEY ${written.changed ? 'saved' : 'already saved'} in ${written.path} (mode 0600); the config file holds no key.`);
  } else if (creds.source === 'daytona-cli') {
    out.push(`The server will use your ${creds.origin}.`);
  } else if (creds.source === 'credentials-file') {
    out.push(`The server will use the key in ${creds.origin.replace(/^credentials file /, '')}.`);
  } else if (creds.source === 'none') {
    out.push('No API key found yet: set DAYTONA_API_KEY and run init again, or log in with the Daytona CLI (daytona login).');
  }
  if (checked) out.push(dryRun ? checked.replace(/ The entry and key were saved anyway;/, ' Nothing was written (--dry-run);') : checked);
  if (inline) out.push('Warning: the API key was written into the agent config file (--inline-key); keep that file private.');
  if (report.edit.tightenedFrom !== undefined) {
    out.push(`${report.configPath} was mode ${report.edit.tightenedFrom.toString(8).padStart(4, '0')} (readable by other users); it now holds a secret, so it is 0600.`);
  }
  if (http && !dryRun && report.edit.changed) rememberTokenConfig(report.configPath);
  if (http) out.push(`The entry points at the shared server ${http.url}; start it with "daytona-mcp start --http" (it keeps running for all agents).`);
  process.stdout.write(`${out.join('\n')}\n`);
}
