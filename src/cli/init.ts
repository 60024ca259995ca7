/**
 * `init <agent>` (any id in registration/hosts.ts): registers the server in that agent's config file.
 * The key found now (environment) goes to the 0600 credentials file, never into the agent's config
 * unless --inline-key says so; a Daytona CLI login needs nothing written, the server reads it itself.
 */
import { TOOL_NAMES } from '../core/tools';
import { resolve } from 'node:path';
import { apiUrlError, apiUrlToStore, hasCredential, resolveCredentials, withApiUrl, type Credentials } from '../core/credentials';
import { registerSecrets } from '../core/scrub';
import { credentialsFilePath, readCredentialsFile, writeCredentialsFile } from '../core/daytona-home';
import { DEFAULT_HTTP_PORT, defaultHostContext, rememberTokenConfig, HOSTS, httpToken, scopeFor, initHost, readHttpState, RegistrationError, writeHttpState, type InitReport } from '../registration';
import { checkApi } from './api-check';
import { checkProfile, entryMaxCreate, existingFolder, hostArgument, parseArgs, portOption, profileOption, toolsOption, UsageError } from './args';

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
  // A link: say which file really holds the entry (it may be far from where the host looks).
  if (r.edit.targetPath && resolve(r.edit.targetPath) !== resolve(r.configPath)) {
    lines.push(`${r.configPath} is a symbolic link; the file ${dryRun ? 'that would be written' : 'written'} is ${r.edit.targetPath}.`);
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
async function checkBeforeWriting(creds: Credentials, skip: boolean, host: string, shared: boolean): Promise<string | undefined> {
  const badUrl = apiUrlError(creds);
  if (badUrl) throw new InitRefused(`${badUrl.message} Nothing was written.\nNext: ${badUrl.hint}`);
  // The shared HTTP server uses the credentials of the shell that starts it, not this one's.
  if (!hasCredential(creds) && shared) return 'No API key found here: start the shared server ("daytona-mcp start --http") where DAYTONA_API_KEY is set or the Daytona CLI is logged in.';
  // An entry without a key would only fail later, inside the agent, where nobody reads the error.
  if (!hasCredential(creds)) {
    throw new InitRefused(
      `No Daytona API key found (${creds.origin}: checked DAYTONA_API_KEY, ${credentialsFilePath()} and the Daytona CLI login). Nothing was written.\n` +
        `Next: create a key in the Daytona dashboard (Keys), then run "DAYTONA_API_KEY=<key> daytona-mcp init ${host}" ` +
        '(add DAYTONA_API_URL=<url> for a self-hosted API), or log in with "daytona login" and run init again.',
    );
  }
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

const SAVED_URL_ORIGIN = '"apiUrl" saved earlier in';

/**
 * A key given in DAYTONA_API_KEY without DAYTONA_API_URL keeps the URL (and target) an earlier init saved
 * next to the key: re-running init to change the key must not quietly move the agent to the public API.
 */
function withSavedApiUrl(creds: Credentials, profileChosen: boolean): Credentials {
  if (profileChosen || creds.source !== 'env' || process.env.DAYTONA_API_URL) return creds;
  const path = credentialsFilePath();
  const saved = readCredentialsFile(path).creds;
  if (!saved?.apiUrl) return creds;
  return { ...creds, ...withApiUrl({ url: saved.apiUrl, origin: `${SAVED_URL_ORIGIN} ${path}` }), target: creds.target ?? saved.target };
}

export async function initCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { flags: ['dry-run', 'inline-key', 'read-only', 'http', 'no-check', 'allow-secret-in-repo'], values: ['workspace', 'tools', 'port', 'profile', 'max-create'] });
  const host = hostArgument('init', args.positionals);
  const workspace = args.options.get('workspace');
  const dryRun = args.options.has('dry-run');
  const profile = profileOption(args.options.get('profile'));
  const creds = withSavedApiUrl(resolveCredentials({ profile }), Boolean(profile));
  checkProfile(creds);
  // Printed text never carries the key (an --inline-key diff, an echoed error): the guard drops it.
  registerSecrets(() => [creds.apiKey, creds.jwtToken]);
  const inline = args.options.has('inline-key');
  if (inline && !creds.apiKey) throw new UsageError('--inline-key needs DAYTONA_API_KEY (or another key source) to be set.');

  const scope = scopeFor(host, typeof workspace === 'string');
  if (typeof workspace === 'string' && scope !== 'workspace') {
    throw new UsageError(`${HOSTS[host].displayName} has no per-folder config file; leave out --workspace.`);
  }
  // A host whose only file lives in a folder (VS Code) needs that folder named: writing .vscode/ into
  // whatever folder the shell happens to be in would be a silent surprise.
  if (scope === 'workspace' && typeof workspace !== 'string') {
    throw new UsageError(
      `${HOSTS[host].displayName} keeps MCP servers per folder (<folder>/.vscode/mcp.json): pass --workspace DIR (e.g. --workspace . for this folder). ` +
        'Inside VS Code the Daytona extension registers the server by itself; nothing to init there.',
    );
  }
  const workspaceDir = typeof workspace === 'string' ? existingFolder(workspace, '--workspace') : undefined;
  const tools = toolsOption(args.options.get('tools'), TOOL_NAMES);
  const maxCreate = entryMaxCreate(args.options.get('max-create'));
  let checked: string | undefined;
  try {
    checked = await checkBeforeWriting(creds, args.options.has('no-check'), host, args.options.has('http'));
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
      inlineApiUrl: inline ? apiUrlToStore(creds) : undefined,
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
    // The URL travels with the key: a key saved without it would send the agent (and the key) elsewhere.
    const apiUrl = apiUrlToStore(creds);
    const written = writeCredentialsFile({ apiKey: creds.apiKey, apiUrl, target: creds.target });
    out.push(`API key from DAYTONA_API_KEY ${written.changed ? 'saved' : 'already saved'} in ${written.path} (mode 0600) with the API URL ${creds.apiUrl}; the config file holds no key.`);
    if (creds.apiUrlOrigin?.startsWith(SAVED_URL_ORIGIN)) out.push(`The API URL is the one saved by an earlier init; set DAYTONA_API_URL to use another.`);
  } else if (creds.source === 'daytona-cli') {
    out.push(`The server will use your ${creds.origin}.`);
  } else if (creds.source === 'credentials-file') {
    out.push(`The server will use the key in ${creds.origin.replace(/^credentials file /, '')}.`);
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
