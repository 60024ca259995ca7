/**
 * Builds the artefacts the benchmarks measure, in scratch copies under the OS temp folder, so a bench
 * run never rewrites the project's own dist/ (other people's tests spawn it) and always measures the
 * production build of the current sources.
 *
 * - productionBuild(): `node scripts/build.mjs --production` in a copy of the project (node_modules
 *   symlinked). Timings and sizes come from this build.
 * - instrumentedBuild(): the same command, but with every module of @daytonaio/sdk and @daytona/*
 *   prefixed by a one-line marker that records its evaluation in `globalThis.__benchDaytonaModules`.
 *   Used only to answer "was the SDK evaluated?" (extension activation, server start), never timed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { cliBundleIn } from '../../scripts/cli-bundle.mjs';

export const PROJECT_ROOT = resolve(__dirname, '../..');

export interface Build {
  /** The project copy (package.json, README, dist/, …). */
  root: string;
  cli: string;
  extension: string;
  /** How it was produced, for the report. */
  description: string;
}

/** Global the marker writes to: an array of "package/relative/path" strings. */
export const MARKER_GLOBAL = '__benchDaytonaModules';
/** Packages whose evaluation counts as "the SDK was loaded". */
export const MARKED_SCOPES = ['@daytonaio', '@daytona'] as const;

/** Top-level entries not copied into the scratch project. */
const SKIP = new Set(['node_modules', '.git', 'dist', '.cache', '.e2e', 'test-results', 'bench']);

const scratchDirs: string[] = [];

function copyProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  for (const entry of readdirSync(PROJECT_ROOT)) {
    if (SKIP.has(entry) || entry.endsWith('.vsix')) continue;
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

function runBuild(dir: string): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 180_000,
  });
  for (const f of ['dist/cli.js', 'dist/extension.js']) {
    if (!existsSync(join(dir, f))) throw new Error(`the production build did not produce ${f}`);
  }
}

/** The bundle dist/cli.js reads beside it (src/cli/loader.ts), when it has one. */
export function cliBundleOf(cli: string): string | undefined {
  const name = cliBundleIn(dirname(cli));
  return name ? join(dirname(cli), name) : undefined;
}

export function productionBuild(): Build {
  const dir = copyProject('daytona-bench-prod-');
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  runBuild(dir);
  return {
    root: dir,
    cli: join(dir, 'dist/cli.js'),
    extension: join(dir, 'dist/extension.js'),
    description: `\`node scripts/build.mjs --production\` in a scratch copy of the sources (${dir})`,
  };
}

/** Wraps an existing dist/ (e.g. `--dist /work/main/dist`) without building. */
export function existingBuild(distDir: string): Build {
  const dist = resolve(distDir);
  const b = { root: resolve(dist, '..'), cli: join(dist, 'cli.js'), extension: join(dist, 'extension.js'), description: `existing build in ${dist}` };
  if (!existsSync(b.cli)) throw new Error(`${b.cli} does not exist`);
  return b;
}

function markerLine(id: string): string {
  return `;(globalThis.${MARKER_GLOBAL} = globalThis.${MARKER_GLOBAL} || []).push(${JSON.stringify(id)});\n`;
}

/** Inserts the marker as the first statement, after a "use strict" directive when there is one. */
function instrumentFile(file: string, id: string): void {
  const text = readFileSync(file, 'utf8');
  const directive = /^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*(["'])use strict\1;?[^\n]*\n/.exec(text);
  const at = directive ? directive[0].length : 0;
  writeFileSync(file, text.slice(0, at) + markerLine(id) + text.slice(at));
}

function instrumentTree(dir: string, pkgName: string, base: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (entry !== 'node_modules') n += instrumentTree(p, pkgName, base);
    } else if (/\.(c|m)?js$/.test(entry)) {
      instrumentFile(p, `${pkgName}/${relative(base, p)}`);
      n++;
    }
  }
  return n;
}

export function instrumentedBuild(): Build & { markedFiles: number } {
  const dir = copyProject('daytona-bench-marked-');
  // node_modules: symlinks to the project's packages, except real, marked copies of the Daytona ones.
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  const src = join(PROJECT_ROOT, 'node_modules');
  let markedFiles = 0;
  for (const entry of readdirSync(src)) {
    if ((MARKED_SCOPES as readonly string[]).includes(entry)) {
      mkdirSync(join(nm, entry));
      for (const pkg of readdirSync(join(src, entry))) {
        const target = join(nm, entry, pkg);
        cpSync(join(src, entry, pkg), target, { recursive: true, dereference: true });
        markedFiles += instrumentTree(target, `${entry}/${pkg}`, target);
      }
    } else {
      symlinkSync(join(src, entry), join(nm, entry));
    }
  }
  runBuild(dir);
  return {
    root: dir,
    cli: join(dir, 'dist/cli.js'),
    extension: join(dir, 'dist/extension.js'),
    description: `instrumented production build (${dir})`,
    markedFiles,
  };
}

/** Removes every scratch copy made in this process (call at the end of the run). */
export function cleanupBuilds(): void {
  for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
