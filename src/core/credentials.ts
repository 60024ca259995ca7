/**
 * Where the Daytona API key comes from, in order: explicit settings passed by the host (the editor's
 * SecretStorage), the DAYTONA_* environment, our credentials file (written 0600 by "Init MCP" for
 * agents launched from config files), then the Daytona CLI's active profile. A profile chosen explicitly
 * (`--profile`, DAYTONA_PROFILE, the editor's "daytona.profile") means that CLI profile and nothing
 * else, with its own URL and organisation. The key is carried in a Credentials object and handed to
 * the SDK; nothing here ever prints it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { credentialsFilePath, readCredentialsFile, type Env } from './daytona-home';
import { statMemo } from './stat-memo';
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
  /** The Daytona CLI profile used (its name), when the credential came from one. */
  profile?: string;
  /** Set when an explicitly chosen profile cannot be used (unknown, or holds no credential): the whole message. */
  profileProblem?: string;
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

/** What a CLI profile is, without its secret: for pickers, status and errors. */
export interface CliProfileInfo {
  id: string;
  name: string;
  apiUrl: string;
  /** `key`: an API key; `token`: a browser login (JWT) acting in `organizationId`; `none`: no credential. */
  login: 'key' | 'token' | 'none';
  organizationId?: string;
  active: boolean;
}

type CliConfig = { activeProfile?: string; profiles: CliProfile[] } | undefined;
const cliConfigReads = statMemo<CliConfig>();

/** The Daytona CLI's config; undefined when it is absent or unreadable. Read again only once changed (stat-memo.ts). */
function readCliConfig(path: string): CliConfig {
  return cliConfigReads.get(path, () => parseCliConfig(path), () => undefined);
}

function parseCliConfig(path: string): CliConfig {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { activeProfile?: string; profiles?: unknown };
    return { activeProfile: typeof parsed.activeProfile === 'string' ? parsed.activeProfile : undefined, profiles: Array.isArray(parsed.profiles) ? (parsed.profiles as CliProfile[]).filter((p) => p && typeof p === 'object') : [] };
  } catch {
    return undefined;
  }
}

const profileName = (p: CliProfile): string => p.name || p.id || 'default';
const tokenOf = (p: CliProfile): string | undefined => (typeof p.api?.token === 'string' ? p.api.token : p.api?.token?.accessToken) || undefined;

/** The Daytona CLI's profiles (none when it is not logged in). */
export function listDaytonaCliProfiles(path: string): CliProfileInfo[] {
  const config = readCliConfig(path);
  if (!config) return [];
  return config.profiles.map((p) => ({
    id: p.id ?? profileName(p),
    name: profileName(p),
    apiUrl: p.api?.url || DEFAULT_API_URL,
    login: p.api?.key ? 'key' : tokenOf(p) && p.activeOrganizationId ? 'token' : 'none',
    organizationId: p.activeOrganizationId || undefined,
    active: p.id !== undefined && p.id === config.activeProfile,
  }));
}

/**
 * Reads a CLI profile: the one named (by name or id), else the active one. Undefined when there is
 * no active profile with a credential; `{problem}` when the named one does not exist or holds none.
 */
export function readDaytonaCliLogin(path: string, wanted?: string): Omit<Credentials, 'target'> | { problem: string } | undefined {
  const config = readCliConfig(path);
  const profiles = config?.profiles ?? [];
  const profile = wanted
    ? (profiles.find((p) => p.name === wanted) ?? profiles.find((p) => p.id === wanted))
    : (profiles.find((p) => p.id === config?.activeProfile) ?? (profiles.length === 1 ? profiles[0] : undefined));
  if (wanted && !profile) {
    const names = profiles.map(profileName);
    return {
      problem: `There is no Daytona CLI profile "${wanted}" in ${path}. ${names.length ? `Profiles: ${names.map((n) => `"${n}"`).join(', ')}.` : 'It has no profiles: log in with "daytona login".'}`,
    };
  }
  if (!profile?.api) return wanted ? { problem: `The Daytona CLI profile "${wanted}" holds no login; run "daytona login" in it.` } : undefined;
  const apiUrl = profile.api.url || DEFAULT_API_URL;
  const name = profileName(profile);
  const origin = `Daytona CLI profile "${name}" (${path})`;
  if (profile.api.key) return { apiKey: profile.api.key, apiUrl, source: 'daytona-cli', origin, profile: name };
  const token = tokenOf(profile);
  if (token && profile.activeOrganizationId) {
    return { jwtToken: token, organizationId: profile.activeOrganizationId, apiUrl, source: 'daytona-cli', origin, profile: name };
  }
  return wanted ? { problem: `The Daytona CLI profile "${wanted}" holds no API key or token with an organisation; run "daytona login" in it.` } : undefined;
}

export interface ResolveOptions {
  env?: Env;
  /** Values the host knows better than the environment (editor settings and SecretStorage). */
  explicit?: { apiKey?: string; apiUrl?: string; target?: string };
  cliConfigPath?: string;
  credentialsPath?: string;
  /** A Daytona CLI profile chosen explicitly (`--profile`, the editor setting); else DAYTONA_PROFILE. */
  profile?: string;
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

  const wantedProfile = (opts.profile ?? env.DAYTONA_PROFILE ?? '').trim();
  if (wantedProfile) {
    // A chosen profile is a whole place to act in: its key or token, URL and organisation.
    const cliPath = opts.cliConfigPath ?? daytonaCliConfigPath(env);
    const cli = readDaytonaCliLogin(cliPath, wantedProfile);
    if (cli && !('problem' in cli)) return { ...cli, ...withApiUrl({ url: cli.apiUrl, origin: `"api.url" of the ${cli.origin}` }), target };
    const problem = cli && 'problem' in cli ? cli.problem : `The Daytona CLI profile "${wantedProfile}" is unusable.`;
    return { ...url(), target, source: 'none', origin: problem, profile: wantedProfile, profileProblem: problem };
  }
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
  if (cli && !('problem' in cli)) return { ...cli, ...url({ url: cli.apiUrl, origin: `"api.url" of the ${cli.origin}` }), target };
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

/** Checked URLs: credentials are resolved on every call and every scrub, and URL parsing is not free. */
const urlProblems = new Map<string, string | undefined>();

export function withApiUrl(u: { url: string; origin: string }): Pick<Credentials, 'apiUrl' | 'apiUrlOrigin' | 'apiUrlProblem'> {
  let problem = urlProblems.get(u.url);
  if (problem === undefined && !urlProblems.has(u.url)) {
    problem = apiUrlProblem(u.url);
    if (urlProblems.size >= 32) urlProblems.clear();
    urlProblems.set(u.url, problem);
  }
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

/**
 * The API URL to store next to a key, so the key never travels without it: the one in use unless it is
 * merely the default (then none, and the server's default applies — the same URL).
 */
export function apiUrlToStore(c: Pick<Credentials, 'apiUrl' | 'apiUrlOrigin'>): string | undefined {
  return c.apiUrlOrigin === 'default' ? undefined : c.apiUrl;
}

export function hasCredential(c: Credentials): boolean {
  return Boolean(c.apiKey || (c.jwtToken && c.organizationId));
}
