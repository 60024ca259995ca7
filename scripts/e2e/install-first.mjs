// `npm test`'s editor install (test:e2e), run with an empty HOME of its own: npm's cache and config stay
// the user's (npm_config_cache / npm_config_userconfig), everything else must land in the clone. When it
// was a first install (no .cache/editors before, as in CI's clean clone) it records what the empty HOME
// holds afterwards in .cache/first-install.json; test/scripts/install-editors.test.ts asserts it is
// nothing. E2E_CHECK_ONLY and the other install-editors.sh options pass through.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npmConfig = (key) => spawnSync('npm', ['config', 'get', key], { encoding: 'utf8', cwd: root }).stdout.trim();
const fresh = !existsSync(join(root, '.cache', 'editors', 'editors.json'));
const home = mkdtempSync(join(tmpdir(), 'daytona-install-home-'));
const started = Date.now();
const run = spawnSync('bash', [join(root, 'scripts', 'e2e', 'install-editors.sh')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HOME: home, npm_config_cache: npmConfig('cache'), npm_config_userconfig: npmConfig('userconfig') },
});
const homeEntries = readdirSync(home);
rmSync(home, { recursive: true, force: true });
if (run.status === 0 && existsSync(join(root, '.cache'))) {
  mkdirSync(join(root, '.cache'), { recursive: true });
  writeFileSync(join(root, '.cache', 'first-install.json'), `${JSON.stringify({ fresh, homeEntries, seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
}
if (homeEntries.length) console.error(`install-first: the install wrote into its empty HOME: ${homeEntries.join(', ')}`);
process.exit(run.status ?? 1);
