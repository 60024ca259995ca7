// `npm start`: the whole product, live. Starts the Daytona API emulator with demo sandboxes (or uses the
// real API when DAYTONA_API_KEY is set), then code-server — real VS Code in the browser — with the freshly
// packaged .vsix installed, and prints the URL to open. Ctrl-C stops everything it started.
// Run through scripts/start.mjs, which builds, packages and installs the editor first.
//
// The demo is a sandbox: code-server and everything it starts (the extension, "Init MCP", the MCP
// server's credentials file and audit log) get their own HOME and XDG folders under .cache/demo/, so
// nothing lands in the user's real home — a demo key in ~/.daytona/mcp/credentials.json would outrank
// the user's Daytona CLI login. Only npm's cache stays the user's (installs keep working offline).
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../test/emulator/emulator';
import { REPO_ROOT, startCodeServer } from '../test/e2e/harness';

/** Everything the demo writes; rebuilt at every start. */
const DEMO_DIR = join(REPO_ROOT, '.cache', 'demo');

/** HOME, XDG and Daytona paths that keep code-server and the extension inside `home`. */
function sandboxedEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    // Variables of the user's shell that would point the extension back at real files.
    DAYTONA_MCP_LOG: join(home, '.daytona', 'daytona-mcp.log'),
    DAYTONA_MCP_CREDENTIALS: join(home, '.daytona', 'mcp', 'credentials.json'),
    DAYTONA_CONFIG_DIR: join(home, '.config', 'daytona'),
    // npm (`npm start` exports npm_config_cache) keeps using the real cache, so installs work offline.
    npm_config_cache: process.env.npm_config_cache || join(process.env.HOME || homedir(), '.npm'),
  };
}

/**
 * Daytona CLI profiles for the emulator in the demo's HOME, so "Switch Profile…" has real choices and
 * the bundled CLI can reach the demo's API: one with the API key, one as a browser login (token and
 * organisation, sent as X-Daytona-Organization-ID). Returns the config folder.
 */
function writeDemoProfiles(home: string, apiUrl: string, key: string, organizationId: string): string {
  const dir = join(home, '.config', 'daytona');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = {
    activeProfile: 'demo-key',
    profiles: [
      { id: 'demo-key', name: 'demo-key', api: { url: apiUrl, key } },
      { id: 'demo-login', name: 'demo-login', api: { url: apiUrl, token: { accessToken: key } }, activeOrganizationId: organizationId },
    ],
  };
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return dir;
}

async function main(): Promise<void> {
  const realKey = process.env.DAYTONA_API_KEY;
  rmSync(DEMO_DIR, { recursive: true, force: true });
  const home = join(DEMO_DIR, 'home');
  const workspaceDir = join(DEMO_DIR, 'workspace');
  for (const dir of [home, workspaceDir]) mkdirSync(dir, { recursive: true });

  const emulator = realKey ? undefined : await startEmulator({ seed: 'demo', transitionMs: 1500, featureFlags: { sandbox_resize: true }, apiKeys: [`demo-${randomBytes(12).toString('hex')}`] });
  const apiUrl = emulator?.url ?? process.env.DAYTONA_API_URL ?? 'https://app.daytona.io/api';
  const cliConfigDir = emulator ? writeDemoProfiles(home, apiUrl, emulator.apiKey, emulator.organizationId) : undefined;
  const server = await startCodeServer({
    version: 'new',
    vsixPath: resolve(REPO_ROOT, 'dist', 'daytona-sandboxes.vsix'),
    workspaceDir,
    stateDir: join(DEMO_DIR, 'code-server'),
    // The demo key travels as DAYTONA_API_KEY, one of the sources the extension honours, so the
    // Sandboxes view fills at once; "Daytona: Set API Key" stores another key in SecretStorage.
    env: { ...sandboxedEnv(home), DAYTONA_API_URL: apiUrl, DAYTONA_API_KEY: realKey ?? emulator!.apiKey },
    userSettings: { 'workbench.startupEditor': 'none', 'daytona.autoRefreshSeconds': 5 },
  });
  const lines = [
    '',
    `  Daytona demo is running: open ${server.workbenchUrl({ folder: workspaceDir })}`,
    `  VS Code ${server.info.vscodeVersion} (code-server ${server.info.codeServerVersion}) with the extension from dist/daytona-sandboxes.vsix`,
    `  API: ${realKey ? `the Daytona API at ${apiUrl} (your DAYTONA_API_KEY)` : `local emulator at ${apiUrl} with 8 demo sandboxes`}`,
    `  The demo's HOME is ${home}: "Init MCP" and the editor write there, not into your home folder.`,
    realKey ? '  It holds your key once you run Init MCP, so it is deleted when the demo stops.' : '  It is rebuilt at every start.',
    '  Try: the Daytona icon in the activity bar, "Daytona: Create Sandbox", "Daytona: Init MCP", "Daytona: Switch Profile…".',
    cliConfigDir
      ? `  The CLI against the demo's API (its Daytona CLI profiles demo-key and demo-login): DAYTONA_CONFIG_DIR=${cliConfigDir} node dist/cli.js status --profile demo-key`
      : '  The CLI uses your DAYTONA_API_KEY as usual: node dist/cli.js status',
    '  Ctrl-C stops the editor and the emulator.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await emulator?.close();
    // A real key may now sit in the demo's credentials file: leave nothing of it behind.
    if (realKey) rmSync(DEMO_DIR, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
