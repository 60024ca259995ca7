/**
 * `npm run bench`: builds the production bundles in scratch copies, runs every benchmark in turn and
 * writes bench/results.md (and bench/results.json).
 *
 *   npx tsx bench/run.ts [--only cold-start,overhead,bulk,activation,footprint,tree] [--quick]
 *                        [--dist DIR] [--strict] [--no-profile] [--out FILE]
 *
 * --quick      fewer repetitions (a smoke run; numbers are noisier)
 * --dist DIR   measure an existing build instead of building (the lazy-SDK check still needs the
 *              instrumented build, which is always made)
 * --strict     exit 1 when a target is missed (default: exit 1 only when a benchmark cannot run)
 * --no-profile skip the CPU profile of the server start that is taken when the cold-start target is missed
 *
 * A full run (every benchmark, not --quick, default --out) also rewrites the README's performance table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { activation } from './activation';
import { bulk } from './bulk';
import { coldStart, DEAD_API, findServerEverything, serverEverythingVersion } from './cold-start';
import { footprint } from './footprint';
import { cleanupBuilds, existingBuild, instrumentedBuild, PROJECT_ROOT, productionBuild, type Build } from './lib/build';
import { profileServerStart } from './lib/cpu-profile-run';
import { serverEnv } from './lib/mcp';
import { profileTable } from './lib/profile';
import { renderMarkdown, type BenchResult } from './lib/report';
import { readmeTable, writeReadmeTable } from './lib/readme';
import { log } from './lib/stats';
import { overhead } from './overhead';
import { treeScale } from './tree-scale';

const ALL = ['cold-start', 'overhead', 'bulk', 'activation', 'footprint', 'tree'] as const;
type Name = (typeof ALL)[number];

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
}

function devBuild(): Build {
  // An unminified build, only to attribute profile samples to packages (esbuild's `// file` comments).
  const dir = mkdtempSync(join(tmpdir(), 'daytona-bench-dev-'));
  try {
    execFileSync('cp', ['-r', join(PROJECT_ROOT, 'src'), join(PROJECT_ROOT, 'scripts'), join(PROJECT_ROOT, 'package.json'), join(PROJECT_ROOT, 'tsconfig.json'), dir]);
    execFileSync('ln', ['-s', join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules')]);
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'development' } });
    return { root: dir, cli: join(dir, 'dist/cli.js'), extension: join(dir, 'dist/extension.js'), description: 'unminified build for profiling' };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      dist: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const only = values.only ? (values.only.split(',').map((s) => s.trim()) as Name[]) : [...ALL];
  const unknown = only.filter((n) => !(ALL as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  const quick = values.quick ?? false;
  const out = values.out ?? join(__dirname, 'results.md');
  const t0 = performance.now();
  const load0 = loadavg();

  log('building the production bundles (scratch copies)…');
  const build = values.dist ? existingBuild(values.dist) : productionBuild();
  const marked = only.includes('activation') ? instrumentedBuild() : undefined;

  const results: BenchResult[] = [];
  const failures: Array<{ name: string; error: string }> = [];
  const step = async (name: Name, fn: () => Promise<BenchResult>) => {
    if (!only.includes(name)) return;
    log(`running ${name}…`);
    try {
      results.push(await fn());
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      log(`${name} failed: ${error}`);
      failures.push({ name, error });
    }
  };
  try {
    await step('cold-start', async () => {
      const r = await coldStart({ build, runs: quick ? 5 : 15 });
      const missed = r.rows.some((row) => row.verdict === 'fail');
      if (missed && !values['no-profile']) {
        log('cold start missed its target: profiling the server start (unminified build)…');
        const dev = devBuild();
        try {
          const home = mkdtempSync(join(tmpdir(), 'daytona-bench-home-'));
          const summary = await profileServerStart(dev.cli, serverEnv(DEAD_API, home), quick ? 2 : 5, ['zod']);
          rmSync(home, { recursive: true, force: true });
          r.details.push(
            `**Profile of the server start** (\`node --cpu-prof --cpu-prof-interval 100\`, spawn → tools/list → exit, median of ${quick ? 2 : 5} runs of the *unminified* build so samples map to packages; the profiler inflates JIT-heavy code). "zod ← X" is zod's own code called by X ("bundle top level" = schemas built while modules load, "src/mcp/schema" = the zod→JSON Schema conversion for tools/list):\n\n${profileTable(summary, 16)}`,
          );
          r.data.profile = summary;
        } finally {
          rmSync(dev.root, { recursive: true, force: true });
        }
      }
      return r;
    });
    await step('overhead', () => overhead({ build, rounds: quick ? 3 : 7 }));
    await step('bulk', () => bulk({ build, reps: quick ? 1 : 3, seqReps: quick ? 1 : 2, perCallBaseline: !quick }));
    await step('activation', () => activation({ build, marked: marked as Build, runs: quick ? 5 : 15 }));
    await step('footprint', () => footprint({ build, rssRuns: quick ? 1 : 3 }));
    await step('tree', () => treeScale({ build, runs: quick ? 1 : 3, quietMs: quick ? 30_000 : 60_000 }));
  } finally {
    cleanupBuilds();
  }

  const load1 = loadavg();
  const cpu = cpus();
  const everything = findServerEverything();
  const dirty = git(['status', '--porcelain', '--', 'src', 'scripts', 'package.json']);
  const machine: Array<[string, string]> = [
    ['CPU', `${cpu[0]?.model ?? '?'} (${cpu.length} logical cores)`],
    ['memory', `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['OS', `${platform()} ${release()}`],
    ['node', process.version],
    ['load average (1 min) at start / end', `${load0[0]?.toFixed(2)} / ${load1[0]?.toFixed(2)}${Math.max(load0[0] ?? 0, load1[0] ?? 0) > cpu.length ? ' — busy machine: other processes competed for the CPUs, expect noise' : ''}`],
    ['commit', `${git(['rev-parse', '--short', 'HEAD'])}${dirty && dirty !== '?' ? ' + uncommitted changes in src/scripts/package.json' : ''}`],
    ['build measured', build.description.replace(/ \(\/tmp\/[^)]*\)/, '')],
    ['@modelcontextprotocol/server-everything', everything ? serverEverythingVersion(everything) : 'not installed'],
    ['run', `${quick ? 'quick' : 'full'}; ${only.join(', ')}; ${new Date().toISOString()}`],
  ];
  const durationMs = performance.now() - t0;
  writeFileSync(out, renderMarkdown({ machine, results, failures, durationMs }));
  writeFileSync(out.replace(/\.md$/, '') + '.json', JSON.stringify({ machine: Object.fromEntries(machine), results, failures, durationMs }, null, 2));
  const rows = results.flatMap((r) => r.rows);
  if (!values.only && !quick && !values.out && !values.dist) {
    const table = readmeTable(rows, { when: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', load: `${load0[0]?.toFixed(1)} / ${load1[0]?.toFixed(1)}`, commit: git(['rev-parse', '--short', 'HEAD']) });
    log(writeReadmeTable(join(PROJECT_ROOT, 'README.md'), table) ? 'README performance table updated' : 'README has no bench markers: not updated');
  }
  for (const r of rows) log(`${r.verdict.padEnd(12)} ${r.bench}: ${r.metric} — ${r.value}${r.ratio ? ` (${r.ratio})` : ''} [target ${r.target}]`);
  log(`wrote ${out} in ${(durationMs / 1000).toFixed(1)} s`);
  if (failures.length || (values.strict && rows.some((r) => r.verdict === 'fail'))) process.exitCode = 1;
}

main().catch((e: unknown) => {
  cleanupBuilds();
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

