// `npm start`: build and package the extension, install the editor (code-server from npm, cached in
// .cache/), then run scripts/demo.ts — the emulator (or the real API when DAYTONA_API_KEY is set) and
// VS Code in the browser with the extension installed, all of it with its own HOME under .cache/demo/.
// Ctrl-C stops everything.
import { spawnSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
function step(label, cmd, args, env = {}) {
  console.log(`\n> ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`npm start: "${label}" failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

step('build and package the extension', 'npm', ['run', 'package']);
// E2E_BROWSER=0: the demo opens in the user's own browser; Chromium is only for the tests.
step('install the editor (code-server, cached after the first run)', 'bash', ['scripts/e2e/install-editors.sh'], { E2E_ONLY: 'new', E2E_BROWSER: '0' });
const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => demo.kill(sig));
demo.on('exit', (code) => process.exit(code ?? 0));
