// A private code-server per test: its own user-data, extensions and config, the .vsix installed, launched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { editorInfo, type EditorInfo, type EditorVersion } from './install';
import { childEnv, freePort, killGroup, liveGroups, sleep } from './processes';

// ------------------------------------------------------------------------------------------------
// code-server
// ------------------------------------------------------------------------------------------------

/** Settings written to the fresh profile: a quiet, offline, trusted workbench. `userSettings` overrides them. */
export const DEFAULT_USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

export interface StartCodeServerOptions {
  version: EditorVersion;
  /** .vsix file(s) installed into the fresh extensions dir before the server starts. */
  vsixPath?: string | string[];
  /** Extension folder loaded as "under development" (passed via the workbench URL payload, not installed). */
  extensionDevelopmentPath?: string;
  /** Merged over DEFAULT_USER_SETTINGS into <user-data>/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Folder opened by default; a fresh empty temp folder when omitted. */
  workspaceDir?: string;
  /** Default true: start with --disable-workspace-trust. False keeps Restricted Mode for untrusted-workspace tests. */
  trustWorkspace?: boolean;
  /** Extra code-server arguments. */
  extraArgs?: string[];
  /** How long to wait for /healthz (default 60 s). */
  startTimeoutMs?: number;
  /** Keep the temp dirs after close() (also E2E_KEEP=1), for debugging. */
  keepTempDirs?: boolean;
  /**
   * Put user-data, extensions and config.yaml in this folder instead of a fresh temp folder (the demo
   * keeps them in the clone). close() leaves it in place.
   */
  stateDir?: string;
}

export interface CodeServer {
  version: EditorVersion;
  info: EditorInfo;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** code-server/VS Code logs (<user-data>/logs) plus server.log with the server's stdout/stderr. */
  logsDir: string;
  workspaceDir: string;
  extensionDevelopmentPath?: string;
  /** Root of all temp dirs of this server (removed by close()). */
  tempRoot: string;
  /** stdout+stderr of the server so far. */
  serverLog(): string;
  /** Workbench URL for a folder, with an optional `payload` (list of [key, value] pairs). */
  workbenchUrl(opts?: { folder?: string; payload?: [string, string][] }): string;
  /**
   * Authority of the workbench's vscode-remote:// URIs: 127.0.0.1:PORT (the page's location.host, which
   * the browser workbench puts in place of the "remote" written in its HTML configuration).
   */
  remoteAuthority: string;
  /** vscode-remote://<authority><absolute path>, for payload entries. */
  remoteUri(path: string): string;
  /** Kills the whole process group and removes the temp dirs. Safe to call twice. */
  close(): Promise<void>;
}

/** Runs code-server's CLI (e.g. --install-extension) synchronously with the editor's node. */
function codeServerCli(info: EditorInfo, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(info.node, [info.entry, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (${r.status ?? r.signal}):\n${out}`);
  return out;
}

/**
 * Starts code-server with a fresh profile on a free 127.0.0.1 port and waits until it answers HTTP.
 * Installs `vsixPath` first. The server runs in its own process group; close() kills all of it.
 */
export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServer> {
  const info = editorInfo(opts.version);
  if (!info) throw new Error(`code-server (${opts.version}) is not installed: run bash scripts/e2e/install-editors.sh`);
  const tempRoot = opts.stateDir ?? (await mkdtemp(join(tmpdir(), `e2e-code-server-${opts.version}-`)));
  const userDataDir = join(tempRoot, 'user-data');
  const extensionsDir = join(tempRoot, 'extensions');
  const logsDir = join(userDataDir, 'logs');
  const workspaceDir = opts.workspaceDir ?? join(tempRoot, 'workspace');
  for (const d of [join(userDataDir, 'User'), extensionsDir, logsDir, workspaceDir]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...opts.userSettings }, null, 2),
  );
  // An explicit config file keeps code-server away from ~/.config/code-server.
  const configFile = join(tempRoot, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const env = childEnv(opts.env);
  const keep = opts.stateDir !== undefined || (opts.keepTempDirs ?? process.env.E2E_KEEP === '1');
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  let child: ChildProcess | undefined;
  let closed = false;
  let log = '';
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child?.once('exit', () => r()));
      killGroup(child, 'SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      killGroup(child, 'SIGKILL');
    }
    if (child?.pid !== undefined) liveGroups.delete(child.pid);
    if (keep && !opts.stateDir) console.log(`[e2e] kept ${tempRoot}`);
    else if (!keep) rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    for (const vsix of ([] as string[]).concat(opts.vsixPath ?? [])) {
      codeServerCli(info, [...common, '--force', '--install-extension', resolve(vsix)], env);
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [
      info.entry,
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(opts.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
      ...(opts.extraArgs ?? []),
      workspaceDir,
    ];
    const serverLogFile = createWriteStream(join(logsDir, 'server.log'));
    child = spawn(info.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const onData = (b: Buffer) => {
      log += b.toString();
      serverLogFile.write(b);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => serverLogFile.end());

    // Wait for HTTP readiness (or an early exit).
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}):\n${log}`);
      }
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} in time:\n${log}`);
      await sleep(150);
    }

    return {
      version: opts.version,
      info,
      url,
      port,
      userDataDir,
      extensionsDir,
      logsDir,
      workspaceDir,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      tempRoot,
      serverLog: () => log,
      workbenchUrl({ folder, payload } = {}) {
        const q = new URLSearchParams({ folder: folder ?? workspaceDir });
        if (payload?.length) q.set('payload', JSON.stringify(payload));
        return `${url}/?${q.toString()}`;
      },
      remoteAuthority: `127.0.0.1:${port}`,
      remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
