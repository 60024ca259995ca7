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

export const DEFAULT_API_URL = 'https://app.daytona.io/api';

export type CredentialSource = 'editor' | 'env' | 'daytona-cli' | 'credentials-file' | 'none';

export interface Credentials {
  apiKey?: string;
  /** JWT from a Daytona CLI browser login; needs organizationId. */
  jwtToken?: string;
  organizationId?: string;
  apiUrl: string;
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
  const apiUrlOverride = explicit.apiUrl || env.DAYTONA_API_URL || undefined;
  const target = explicit.target || env.DAYTONA_TARGET || undefined;

  if (explicit.apiKey) {
    return { apiKey: explicit.apiKey, apiUrl: apiUrlOverride ?? DEFAULT_API_URL, target, source: 'editor', origin: 'editor SecretStorage' };
  }
  if (env.DAYTONA_API_KEY) {
    return { apiKey: env.DAYTONA_API_KEY, apiUrl: apiUrlOverride ?? DEFAULT_API_URL, target, source: 'env', origin: 'DAYTONA_API_KEY environment variable' };
  }
  const filePath = opts.credentialsPath ?? credentialsFilePath(env);
  const file = readCredentialsFile(filePath);
  if (file.creds) {
    return {
      apiKey: file.creds.apiKey,
      apiUrl: apiUrlOverride ?? file.creds.apiUrl ?? DEFAULT_API_URL,
      target: target ?? file.creds.target,
      source: 'credentials-file',
      origin: `credentials file ${filePath}`,
    };
  }
  const cli = readDaytonaCliLogin(opts.cliConfigPath ?? daytonaCliConfigPath(env));
  if (cli) return { ...cli, apiUrl: apiUrlOverride ?? cli.apiUrl, target };
  const why = file.problem ? `the credentials file is unusable: ${file.problem}` : 'none configured';
  return { apiUrl: apiUrlOverride ?? DEFAULT_API_URL, target, source: 'none', origin: why };
}

export function hasCredential(c: Credentials): boolean {
  return Boolean(c.apiKey || (c.jwtToken && c.organizationId));
}
