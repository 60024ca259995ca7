/**
 * What "Init MCP" does besides editing a config file: keep a copy of the server (the loader and its bundle) at a
 * stable path (extension folders are versioned and vanish on update), keep the API key for
 * file-launched agents in a 0600 credentials file (never in the agent's config unless asked), and
 * put the entry that launches the copy into the host's file.
 */
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { bundleBeside, stableServerPath, type Env } from '../core/daytona-home';
import { upsertServerEntry, type EditResult } from './config-edit';
import { buildHttpEntry, buildStdioEntry, SERVER_NAME } from './entry';
import { RegistrationError } from './errors';
import { HOSTS, type HostContext, type HostId } from './hosts';

/** The bundle a loader reads beside it (src/cli/loader.ts), named in the loader's own text. */
const BUNDLE_SUFFIX = /\.bundle-[0-9a-f]{16}\.js/;
/** A replaced bundle is removed at the next install once it is this old: a server starting just then may still read it. */
const STALE_BUNDLE_MS = 60_000;

/** Copies `from` over `to` (atomic rename) when their contents differ; returns whether it did. */
function copyIfDifferent(from: string, to: string, mode: number): boolean {
  if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) return false;
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  chmodSync(tmp, mode);
  renameSync(tmp, to); // atomic: a running server keeps its open file, new launches get the new one
  return true;
}

/**
 * Copies cli.js and the bundle it reads to the stable path when their contents differ; returns whether
 * anything changed. The bundle goes first, under its own hash: a launch at any moment finds the loader
 * it reads beside the bundle that loader names.
 */
export function installServerCopy(sourcePath: string, env: Env = process.env): { path: string; changed: boolean } {
  const target = stableServerPath(env);
  const folder = dirname(target);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const suffix = BUNDLE_SUFFIX.exec(readFileSync(sourcePath, 'latin1'))?.[0];
  let changed = false;
  if (suffix) {
    // Beside the file itself, not a link to it (npx runs node_modules/.bin/daytona-mcp), as Node finds it.
    const bundle = bundleBeside(realpathSync(sourcePath), suffix);
    if (!existsSync(bundle)) throw new RegistrationError('io', `${bundle} is missing: ${sourcePath} cannot run without it. Reinstall the extension or the package.`, { path: bundle });
    changed = copyIfDifferent(bundle, bundleBeside(target, suffix), 0o644);
  }
  changed = copyIfDifferent(sourcePath, target, 0o755) || changed;
  if (suffix) removeStaleBundles(target, suffix);
  return { path: target, changed };
}

/** Bundles of earlier copies: none of this copy's, and older than STALE_BUNDLE_MS. */
function removeStaleBundles(target: string, keep: string): void {
  const folder = dirname(target);
  const ours = basename(bundleBeside(target, ''));
  for (const name of readdirSync(folder)) {
    if (!name.startsWith(`${ours}.bundle-`) || !BUNDLE_SUFFIX.test(name.slice(ours.length)) || name.endsWith(keep)) continue;
    try {
      const path = join(folder, name);
      if (Date.now() - lstatSync(path).mtimeMs > STALE_BUNDLE_MS) unlinkSync(path);
    } catch {
      // gone already, or not ours to remove: it only takes room
    }
  }
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
