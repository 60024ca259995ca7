// Installs the agents' own CLIs (pinned) into .cache/agent-clis/, for the tests that let them judge
// what `init` writes. They are large, so they are never dependencies of the package; the tests that
// need them call ensureAgentClis() (or run `node scripts/agent-clis.mjs` once beforehand).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENT_CLIS = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.332', bin: 'claude' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
};

export const AGENT_CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'agent-clis');

/** Path of the agent's CLI; installs the pinned version first when missing. Throws with npm's output on failure. */
export function ensureAgentCli(name) {
  const { pkg, version, bin } = AGENT_CLIS[name];
  const prefix = join(AGENT_CLI_DIR, name);
  const binPath = join(prefix, 'node_modules', '.bin', bin);
  const marker = join(prefix, 'node_modules', ...pkg.split('/'), 'package.json');
  if (existsSync(binPath) && existsSync(marker)) return binPath;
  mkdirSync(prefix, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `${pkg}@${version}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(binPath)) throw new Error(`npm install ${pkg}@${version} failed:\n${r.stdout}\n${r.stderr}`);
  return binPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(AGENT_CLIS);
  for (const name of names) console.log(`${name}: ${ensureAgentCli(name)}`);
}
