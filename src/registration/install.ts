/**
 * What "Init MCP" does besides editing a config file: keep a copy of the self-contained server at a
 * stable path (extension folders are versioned and vanish on update), keep the API key for
 * file-launched agents in a 0600 credentials file (never in the agent's config unless asked), and
 * put the entry that launches the copy into the host's file.
 */
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { stableServerPath, type Env } from '../core/daytona-home';
import { upsertServerEntry, type EditResult } from './config-edit';
import { buildHttpEntry, buildStdioEntry, SERVER_NAME } from './entry';
import { RegistrationError } from './errors';
import { HOSTS, type HostContext, type HostId } from './hosts';

/** Copies cli.js to the stable path when its content differs; returns whether it changed. */
export function installServerCopy(sourcePath: string, env: Env = process.env): { path: string; changed: boolean } {
  const target = stableServerPath(env);
  const source = readFileSync(sourcePath);
  if (existsSync(target) && readFileSync(target).equals(source)) return { path: target, changed: false };
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.tmp`;
  copyFileSync(sourcePath, tmp);
  chmodSync(tmp, 0o755);
  renameSync(tmp, target); // atomic: a running server keeps its open file, new launches get the new one
  return { path: target, changed: true };
}

export interface ServerLaunch {
  /** Absolute path of the runtime: node, or the editor's Electron binary. */
  runtimePath: string;
  /** The runtime is Electron: add ELECTRON_RUN_AS_NODE=1. */
  runAsNode: boolean;
  /** Where the bundled cli.js to copy lives (this process's own file for the CLI). */
  serverSource: string;
}

export interface InitOptions {
  host: HostId;
  ctx: HostContext;
  launch: ServerLaunch;
  /** Default: the host's first scope (HOSTS[host].scopes). */
  scope?: 'global' | 'workspace';
  readOnly?: boolean;
  tools?: string[];
  /** `start --max-create N` (omitted: the server's default). */
  maxCreate?: number;
  /** `start --profile NAME`: the Daytona CLI profile the server uses. */
  profile?: string;
  /** Explicit opt-in: put the key into the agent's config file. */
  inlineKey?: string;
  /** With inlineKey: the API URL that key belongs to (a key never travels without its URL). */
  inlineApiUrl?: string;
  /** Register the shared HTTP server (url + bearer header) instead of a stdio command. */
  http?: { url: string; token: string };
  /** Write a secret (token, inline key) into a workspace file inside a git work tree anyway. */
  allowSecretInRepo?: boolean;
  dryRun?: boolean;
  env?: Env;
}

export interface InitReport {
  host: HostId;
  displayName: string;
  configPath: string;
  scope: 'global' | 'workspace';
  edit: EditResult;
  serverPath: string;
  nextSteps: string;
}

/** A workspace file holding a secret inside a git work tree is one `git add .` from being published. */
function refuseSecretInRepo(path: string): void {
  const repo = gitWorkTreeOf(dirname(path));
  if (repo === undefined) return;
  throw new RegistrationError(
    'unsupported',
    `${path} would hold a secret (the bearer token or the API key) inside the git work tree ${repo}, where it could be committed. ` +
      'Nothing was changed. Register the agent globally instead (leave out --workspace), or pass --allow-secret-in-repo if that file is git-ignored.',
    { path },
  );
}

/**
 * Where a workspace config file really is: a link (even a dangling one, planted by whoever wrote the
 * repository) is followed, so a secret is never written through it to a file outside the workspace.
 */
function refuseLinkOutOfWorkspace(path: string): void {
  let target = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(target);
    } catch {
      break; // missing: it would be created here
    }
    if (!st.isSymbolicLink()) break;
    target = resolve(dirname(target), readlinkSync(target));
  }
  if (target === resolve(path)) return;
  const workspace = realpathOr(dirname(resolve(path)));
  const real = join(realpathOr(dirname(target)), basename(target));
  if (real === workspace || real.startsWith(`${workspace}${sep}`)) return;
  throw new RegistrationError(
    'unsupported',
    `${path} is a symbolic link to ${real}, outside the workspace ${workspace}; a secret (the bearer token or the API key) would be written there. ` +
      'Nothing was changed. Remove the link, or register the agent globally (leave out --workspace).',
    { path },
  );
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** The enclosing git work tree (a folder with .git, file or folder), if any. */
export function gitWorkTreeOf(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export function entryArgs(o: Pick<InitOptions, 'readOnly' | 'tools' | 'maxCreate' | 'profile'>): string[] {
  return [
    'start',
    ...(o.readOnly ? ['--read-only'] : []),
    ...(o.tools?.length ? ['--tools', o.tools.join(',')] : []),
    ...(o.maxCreate !== undefined ? ['--max-create', String(o.maxCreate)] : []),
    ...(o.profile ? ['--profile', o.profile] : []),
  ];
}

export async function initHost(o: InitOptions): Promise<InitReport> {
  const host = HOSTS[o.host];
  const locations = host.configPaths(o.ctx);
  const wanted = o.scope ?? host.scopes[0]!;
  const location = locations.find((l) => l.scope === wanted);
  if (!location) {
    throw new RegistrationError(
      'unsupported',
      wanted === 'workspace'
        ? `${host.displayName} needs a workspace folder for its config (pass --workspace DIR).`
        : `${host.displayName} has no ${wanted} config file on this system.`,
    );
  }
  const serverPath = o.dryRun ? stableServerPath(o.env) : installServerCopy(o.launch.serverSource, o.env).path;
  const entry = o.http
    ? buildHttpEntry({ hostId: o.host, url: o.http.url, headers: { Authorization: `Bearer ${o.http.token}` } })
    : buildStdioEntry({
        hostId: o.host,
        runtimePath: o.launch.runtimePath,
        runAsNode: o.launch.runAsNode,
        serverPath,
        args: entryArgs(o),
        env: o.inlineKey ? { DAYTONA_API_KEY: o.inlineKey, ...(o.inlineApiUrl ? { DAYTONA_API_URL: o.inlineApiUrl } : {}) } : undefined,
      });
  const secret = Boolean(o.http || o.inlineKey);
  if (secret && location.scope === 'workspace') refuseLinkOutOfWorkspace(location.path);
  if (secret && location.scope === 'workspace' && !o.allowSecretInRepo) refuseSecretInRepo(location.path);
  const edit = await upsertServerEntry({ path: location.path, topKey: host.topKey, format: host.format, name: SERVER_NAME, entry, dryRun: o.dryRun, secret });
  return { host: o.host, displayName: host.displayName, configPath: location.path, scope: location.scope, edit, serverPath, nextSteps: host.nextSteps(SERVER_NAME) };
}
