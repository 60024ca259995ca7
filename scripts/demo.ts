// `npm start`: the whole product, live. Starts the Daytona API emulator with demo sandboxes (or uses the
// real API when DAYTONA_API_KEY is set), then code-server — real VS Code in the browser — with the freshly
// packaged .vsix installed, and prints the URL to open. Ctrl-C stops everything it started.
// Run through scripts/start.mjs, which builds, packages and installs the editor first.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../test/emulator/emulator';
import { REPO_ROOT, startCodeServer } from '../test/e2e/harness';

async function main(): Promise<void> {
  const realKey = process.env.DAYTONA_API_KEY;
  const emulator = realKey ? undefined : await startEmulator({ seed: 'demo', transitionMs: 1500, apiKeys: [`demo-${randomBytes(12).toString('hex')}`] });
  const apiUrl = emulator?.url ?? process.env.DAYTONA_API_URL ?? 'https://app.daytona.io/api';
  const workspaceDir = mkdtempSync(join(tmpdir(), 'daytona-demo-workspace-'));
  const server = await startCodeServer({
    version: 'new',
    vsixPath: resolve(REPO_ROOT, 'dist', 'daytona-sandboxes.vsix'),
    workspaceDir,
    // The demo key travels as DAYTONA_API_KEY, one of the sources the extension honours, so the
    // Sandboxes view fills at once; "Daytona: Set API Key" stores another key in SecretStorage.
    env: { DAYTONA_API_URL: apiUrl, DAYTONA_API_KEY: realKey ?? emulator!.apiKey, HOME: process.env.HOME ?? tmpdir() },
    userSettings: { 'workbench.startupEditor': 'none', 'daytona.autoRefreshSeconds': 5 },
  });
  const lines = [
    '',
    `  Daytona demo is running: open ${server.workbenchUrl({ folder: workspaceDir })}`,
    `  VS Code ${server.info.vscodeVersion} (code-server ${server.info.codeServerVersion}) with the extension from dist/daytona-sandboxes.vsix`,
    `  API: ${realKey ? `the Daytona API at ${apiUrl} (your DAYTONA_API_KEY)` : `local emulator at ${apiUrl} with 8 demo sandboxes`}`,
    '  Try: the Daytona icon in the activity bar, "Daytona: Create Sandbox", "Daytona: Init MCP".',
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
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
