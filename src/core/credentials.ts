/**
 * Where the Daytona API key comes from, in order: explicit settings passed by the host (the editor's
 * SecretStorage), the DAYTONA_* environment, our credentials file (written 0600 by "Init MCP" for
 * agents launched from config files), then the Daytona CLI's active profile. The key is carried in a
 * Credentials object and handed to the SDK; nothing here ever prints it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { credentialsFilePath, readCredentialsFile, type Env } from './daytona-home';
import { ToolError } from './errors';

export const DEFAULT_API_URL = 'https://app.daytona.io/api';

export type CredentialSource = 'editor' | 'env' | 'daytona-cli' | 'credentials-file' | 'none';

export interface Credentials {
  apiKey?: string;
  /** JWT from a Daytona CLI browser login; needs organizationId. */
  jwtToken?: string;
  organizationId?: string;
  apiUrl: string;
  /** Where apiUrl came from (env var, setting, file), so an error can say what to fix. */
  apiUrlOrigin?: string;
  /** Why apiUrl is unusable, when it is; see apiUrlError. */
  apiUrlProblem?: string;
  target?: string;
  source: CredentialSource;
  /** Human-readable origin, e.g. the config file path. Never contains the key. */
  origin: string;
}

/** Where the Daytona CLI keeps its login on this OS (see the CLI's config package). */
export function daytonaCliConfigPath(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DAYTONA_CONFIG_DIR) return join(env.DAYTONA_CONFIG_DIR, 'config.json');
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'daytona', 'config.json');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'daytona', 'config.json');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'daytona', 'config.json');
}

interface CliProfile {
  id?: string;
  name?: string;
  api?: { url?: string; key?: string; token?: { accessToken?: string } | string };
  activeOrganizationId?: string;
}

/** Reads the CLI's active profile; undefined when there is none or it holds no credential. */
export function readDaytonaCliLogin(path: string): Omit<Credentials, 'target'> | undefined {
  let parsed: { activeProfile?: string; profiles?: CliProfile[] };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  const profiles = Array.isArray(parsed.profiles) ? parsed.profiles : [];
  const profile = profiles.find((p) => p.id === parsed.activeProfile) ?? (profiles.length === 1 ? profiles[0] : undefined);
  if (!profile?.api) return undefined;
  const apiUrl = profile.api.url || DEFAULT_API_URL;
  const origin = `Daytona CLI profile "${profile.name ?? profile.id ?? 'default'}" (${path})`;
  if (profile.api.key) return { apiKey: profile.api.key, apiUrl, source: 'daytona-cli', origin };
  const token = typeof profile.api.token === 'string' ? profile.api.token : profile.api.token?.accessToken;
  if (token && profile.activeOrganizationId) {
    return { jwtToken: token, organizationId: profile.activeOrganizationId, apiUrl, source: 'daytona-cli', origin };
  }
  return undefined;
}

export interface ResolveOptions {
  env?: Env;
  /** Values the host knows better than the environment (editor settings and SecretStorage). */
  explicit?: { apiKey?: string; apiUrl?: string; target?: string };
  cliConfigPath?: string;
  credentialsPath?: string;
}

export function resolveCredentials(opts: ResolveOptions = {}): Credentials {
  const env = opts.env ?? process.env;
  const explicit = opts.explicit ?? {};
  const urlOverride = explicit.apiUrl
    ? { url: explicit.apiUrl, origin: API_URL_ORIGINS.editor }
    : env.DAYTONA_API_URL
      ? { url: env.DAYTONA_API_URL, origin: API_URL_ORIGINS.env }
      : undefined;
  const target = explicit.target || env.DAYTONA_TARGET || undefined;
  /** The URL to use: an override wins over the one stored next to the key. */
  const url = (stored?: { url?: string; origin: string }) =>
    withApiUrl(urlOverride ?? (stored?.url ? { url: stored.url, origin: stored.origin } : { url: DEFAULT_API_URL, origin: 'default' }));

  if (explicit.apiKey) {
    return { apiKey: explicit.apiKey, ...url(), target, source: 'editor', origin: 'editor SecretStorage' };
  }
  if (env.DAYTONA_API_KEY) {
    return { apiKey: env.DAYTONA_API_KEY, ...url(), target, source: 'env', origin: 'DAYTONA_API_KEY environment variable' };
  }
  const filePath = opts.credentialsPath ?? credentialsFilePath(env);
  const file = readCredentialsFile(filePath);
  if (file.creds) {
    return {
      apiKey: file.creds.apiKey,
      ...url({ url: file.creds.apiUrl, origin: `"apiUrl" in ${filePath}` }),
      target: target ?? file.creds.target,
      source: 'credentials-file',
      origin: `credentials file ${filePath}`,
    };
  }
  const cliPath = opts.cliConfigPath ?? daytonaCliConfigPath(env);
  const cli = readDaytonaCliLogin(cliPath);
  if (cli) return { ...cli, ...url({ url: cli.apiUrl, origin: `"api.url" of the ${cli.origin}` }), target };
  const why = file.problem ? `the credentials file is unusable: ${file.problem}` : 'none configured';
  return { ...url(), target, source: 'none', origin: why };
}

const API_URL_ORIGINS = { editor: 'the editor setting "daytona.apiUrl"', env: 'the DAYTONA_API_URL environment variable' };

/**
 * Why a configured API URL cannot work, or undefined when it can. Checked once here so every caller
 * (server, editor, CLI) reports the same invalid_input error instead of the SDK's bare "Invalid URL".
 */
export function apiUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'it is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `it uses "${url.protocol.slice(0, 20)}", only http: and https: work`;
  if (!url.hostname) return 'it has no host name';
  if (url.username || url.password) return 'it contains a user name or password (the key belongs in DAYTONA_API_KEY)';
  return undefined;
}

function withApiUrl(u: { url: string; origin: string }): Pick<Credentials, 'apiUrl' | 'apiUrlOrigin' | 'apiUrlProblem'> {
  const problem = apiUrlProblem(u.url);
  return { apiUrl: u.url, apiUrlOrigin: u.origin, ...(problem ? { apiUrlProblem: problem } : {}) };
}

/**
 * The invalid_input error for an unusable API URL. It names where the value came from and what a valid
 * one looks like, but never repeats the value: a key pasted into the wrong field must not be echoed.
 */
export function apiUrlError(c: Credentials): ToolError | undefined {
  if (!c.apiUrlProblem) return undefined;
  const origin = c.apiUrlOrigin ?? 'the configuration';
  const example = `an http(s) URL of the Daytona API such as ${DEFAULT_API_URL} (self-hosted: https://<host>/api)`;
  const fix =
    origin === API_URL_ORIGINS.editor
      ? `Set "daytona.apiUrl" in the editor settings to ${example}, or clear it to use the default.`
      : origin === API_URL_ORIGINS.env
        ? `Set DAYTONA_API_URL to ${example}, or unset it to use the default.`
        : c.source === 'credentials-file'
          ? `Fix ${origin} to ${example}, or delete that file and run "daytona-mcp init <agent>" again.`
          : `Fix ${origin} to ${example}, or log in again with "daytona login".`;
  return new ToolError('invalid_input', `The Daytona API URL from ${origin} is not valid: ${c.apiUrlProblem}.`, { hint: fix });
}

export function hasCredential(c: Credentials): boolean {
  return Boolean(c.apiKey || (c.jwtToken && c.organizationId));
}
