#!/usr/bin/env node
// Mutation check (npm run mutate [-- ids…] [--write] [--no-baseline]): applies each curated mutation
// (mutations.mjs) on its own to a scratch copy of the repository, rebuilds dist/ when one of its
// tests spawns the built CLI, runs only the tests named for it, and reports caught / survived /
// stale. src/ of this checkout is never touched: the copy lives in a temp folder with node_modules
// symlinked, and each mutated file is restored (and checked) before the next mutation.
// Exit 1 if any mutation survived or is stale, or the baseline (unmutated) run fails.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const write = args.includes('--write');
const baseline = !args.includes('--no-baseline');
const only = args.filter((a) => !a.startsWith('--'));
const TEST_TIMEOUT_MS = 10 * 60_000;

const chosen = only.length ? MUTATIONS.filter((m) => only.includes(m.id)) : MUTATIONS;
const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
if (unknown.length) {
  console.error(`unknown mutation id(s): ${unknown.join(', ')}; known: ${MUTATIONS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}

/** A test spawns dist/cli.js (directly or through a helper): the mutation needs a rebuild first. */
const SPAWNS_CLI = /dist\/cli|helpers\/mcp-client|helpers\/run-cli|reliability\/util|from '\.\/helpers'|hostile-api|spawnServer|startHttpServer|runCli/;
const needsBuild = (m) => m.tests.some((t) => SPAWNS_CLI.test(readFileSync(join(ROOT, t), 'utf8')));

function scratchCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-mutate-'));
  const skip = new Set(['node_modules', '.git', 'dist', '.cache']);
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(relative(ROOT, src).split('/')[0]) || relative(ROOT, src) === '' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(cwd, cmd, argv) {
  const started = Date.now();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout: TEST_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, ms: Date.now() - started, timedOut: r.error?.code === 'ETIMEDOUT' };
}
const build = (cwd) => run(cwd, process.execPath, ['scripts/build.mjs', '--production']);
const runTests = (cwd, tests) => run(cwd, process.execPath, ['scripts/test.mjs', ...tests]);
/** The names of failed tests in node's spec output (the summary after "failing tests:"). */
function failedTests(out) {
  const summary = out.split(/✖ failing tests:/)[1] ?? out;
  return [...new Set([...summary.matchAll(/^\s*✖ (.+?)(?: \(\d[\d.]*m?s\))?$/gm)].map((m) => m[1].trim()))].slice(0, 6);
}

const copy = scratchCopy();
const results = [];
let baselineOk = true;
try {
  console.log(`scratch copy: ${copy}`);
  if (baseline) {
    const files = [...new Set(chosen.flatMap((m) => m.tests))].sort();
    const b = build(copy);
    if (b.status !== 0) throw new Error(`baseline build failed:\n${b.out}`);
    const t = files.length ? runTests(copy, files) : { status: 0, ms: 0, out: '' };
    const lintFiles = [...new Set(chosen.filter((m) => m.lint).map((m) => m.file))];
    const l = lintFiles.length ? run(copy, process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), ...lintFiles]) : { status: 0 };
    baselineOk = t.status === 0 && l.status === 0;
    console.log(`baseline (no mutation): ${files.length} test files${lintFiles.length ? ' + eslint' : ''} ${baselineOk ? 'pass' : 'FAIL'} in ${Math.round(t.ms / 1000)} s`);
    if (!baselineOk) console.log(failedTests(t.out).map((n) => `  ✖ ${n}`).join('\n'));
  }
  let builtClean = baseline; // dist/ of the copy matches the unmutated source
  for (const m of chosen) {
    const path = join(copy, m.file);
    const original = readFileSync(path, 'utf8');
    const hits = original.split(m.search).length - 1;
    if (hits !== 1) {
      results.push({ m, verdict: 'stale', detail: hits === 0 ? 'search text not found' : `search text found ${hits} times` });
      console.log(`STALE     ${m.id}: ${results.at(-1).detail}`);
      continue;
    }
    const rebuild = needsBuild(m);
    try {
      writeFileSync(path, original.replace(m.search, () => m.replace));
      const started = Date.now();
      if (rebuild) {
        const b = build(copy);
        builtClean = false;
        if (b.status !== 0) {
          results.push({ m, verdict: 'caught', by: ['the production build'], ms: Date.now() - started });
          console.log(`caught    ${m.id}: the build fails`);
          continue;
        }
      }
      const by = [];
      let caught = false;
      if (m.lint) {
        const l = run(copy, process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), m.file]);
        if (l.status !== 0) {
          caught = true;
          by.push('eslint (layering rule)');
        }
      }
      if (m.tests.length) {
        const t = runTests(copy, m.tests);
        if (t.status !== 0) {
          caught = true;
          by.push(...(t.timedOut ? ['timeout'] : failedTests(t.out)));
        }
      }
      results.push({ m, verdict: caught ? 'caught' : 'survived', by, ms: Date.now() - started });
      console.log(`${caught ? 'caught  ' : 'SURVIVED'}  ${m.id}${by.length ? `: ${by.slice(0, 2).join(' | ')}` : ''}`);
    } finally {
      writeFileSync(path, original);
    }
    if (readFileSync(path, 'utf8') !== original) throw new Error(`could not restore ${m.file} in the scratch copy`);
  }
  if (!builtClean) build(copy);
} finally {
  rmSync(copy, { recursive: true, force: true });
}

// This checkout's src/ was never the target; say so, checked.
const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
if (dirty) console.log(`note: src/ has uncommitted changes (not made by this script):\n${dirty}`);

const count = (v) => results.filter((r) => r.verdict === v).length;
const summary = `${results.length} mutations: ${count('caught')} caught, ${count('survived')} survived, ${count('stale')} stale`;
console.log(`\n${summary}${baselineOk ? '' : ' — BASELINE FAILED: verdicts are not trustworthy'}`);

if (write) {
  const date = new Date().toISOString().slice(0, 10);
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# Mutation report`,
    '',
    `${date}, commit ${rev}, \`npm run mutate -- --write\`${only.length ? ` (${only.join(' ')})` : ''}. ${summary}.${baseline ? ` Baseline (no mutation): ${baselineOk ? 'all named tests pass' : 'FAILED'}.` : ''}`,
    '',
    '| mutation | file | breaks | verdict | caught by (first failing tests) | s |',
    '|---|---|---|---|---|---|',
    ...results.map((r) => `| \`${r.m.id}\` | ${r.m.file} | ${esc(r.m.breaks)} | ${r.verdict}${r.detail ? ` (${r.detail})` : ''} | ${esc((r.by ?? []).slice(0, 3).join('; '))} | ${r.ms ? Math.round(r.ms / 1000) : ''} |`),
    '',
  ];
  writeFileSync(join(ROOT, 'bench/mutations/results.md'), lines.join('\n'));
  console.log('wrote bench/mutations/results.md');
}
process.exit(count('survived') || count('stale') || !baselineOk ? 1 : 0);
