/**
 * Footprint: the .vsix (`vsce package --no-dependencies` in the production build's scratch copy), the
 * bundle sizes, and the server's resident memory: spawn, initialize, tools/list, wait 2 s, read
 * VmRSS from /proc/<pid>/status (also for the floor and server-everything, and for our server after
 * one list_sandboxes call, i.e. with the SDK loaded).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliBundleOf, PROJECT_ROOT, type Build } from './lib/build';
import { DEAD_API, FLOOR_SERVER, findServerEverything } from './cold-start';
import { startEmulatorProcess } from './lib/emulator';
import { serverEnv } from './lib/mcp';
import { verdict, type BenchResult, type Row } from './lib/report';
import { StdioRpc } from './lib/rpc';
import { log, mb, median, sleep } from './lib/stats';
import { overheadSeed } from './overhead';

const run = promisify(execFile);
const VSIX_LIMIT = 1.5 * 1024 * 1024;
const RSS_LIMIT = 45 * 1024 * 1024;

function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function idleRss(args: string[], env: Record<string, string>, afterCall?: { name: string; arguments: Record<string, unknown> }): Promise<{ rss: number; hwm: number }> {
  const rpc = StdioRpc.spawn(process.execPath, args, env);
  try {
    await rpc.handshake();
    if (afterCall) await rpc.request('tools/call', afterCall);
    await sleep(2_000);
    return procStatus(rpc.pid);
  } finally {
    await rpc.close();
  }
}

interface VsixResult {
  bytes?: number;
  /** The vsce arguments that produced it. */
  args?: string[];
  files?: string;
  /** Why the plain `vsce package --no-dependencies` failed, if it did. */
  plainError?: string;
  error?: string;
}

async function vscePackage(root: string, args: string[]): Promise<{ bytes?: number; files?: string; error?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-bench-vsix-'));
  const out = join(dir, 'x.vsix');
  const vsce = join(PROJECT_ROOT, 'node_modules/.bin/vsce');
  try {
    if (!existsSync(vsce)) return { error: '@vscode/vsce is not installed' };
    const r = await run(vsce, ['package', ...args, '-o', out], { cwd: root, timeout: 240_000, maxBuffer: 10 * 1024 * 1024, env: { ...process.env, CI: '1' } });
    if (!existsSync(out)) return { error: `vsce produced no file: ${r.stderr.slice(-300)}` };
    const lines = r.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').trim().split('\n');
    return { bytes: statSync(out).size, files: lines.filter((l) => /[├└]─/.test(l)).slice(0, 40).join('\n') || undefined };
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    const text = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').trim() || err.message;
    const line = text.split('\n').find((l) => /ERROR|error/.test(l)) ?? text.split('\n')[0];
    return { error: (line ?? err.message).trim().slice(0, 600) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** vsce flags of the project's own `package` script (e.g. --allow-missing-repository), if any. */
export function projectVsceFlags(root: string): string[] | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const script of Object.values(pkg.scripts ?? {})) {
      const m = /vsce\s+package\s+([^&|;]*)/.exec(script);
      if (!m) continue;
      const words = (m[1] as string).trim().split(/\s+/).filter(Boolean);
      const flags: string[] = [];
      for (let i = 0; i < words.length; i++) {
        if (words[i] === '-o' || words[i] === '--out') i++;
        else flags.push(words[i] as string);
      }
      return flags;
    }
  } catch {
    // no package.json: no flags
  }
  return undefined;
}

/** What the package script does before vsce: the store files (dist/store/CHANGELOG.md). */
export async function prepareStoreFiles(root: string): Promise<void> {
  const storeFiles = join(root, 'scripts', 'store-files.mjs');
  if (existsSync(storeFiles)) await run(process.execPath, [storeFiles], { cwd: root, timeout: 60_000 });
}

async function packageVsix(root: string): Promise<VsixResult> {
  const plainArgs = ['--no-dependencies'];
  const plain = await vscePackage(root, plainArgs);
  if (plain.bytes !== undefined) return { ...plain, args: plainArgs };
  const flags = projectVsceFlags(root);
  if (!flags || flags.join(' ') === plainArgs.join(' ')) return { error: plain.error };
  await prepareStoreFiles(root);
  const own = await vscePackage(root, flags);
  return own.bytes !== undefined ? { ...own, args: flags, plainError: plain.error } : { error: `${plain.error}; with the package script's flags (${flags.join(' ')}): ${own.error}` };
}

export async function footprint(o: { build: Build; rssRuns: number }): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'daytona-bench-home-'));
  const env = serverEnv(DEAD_API, home);
  try {
    const vsix = await packageVsix(o.build.root);
    log(`footprint: vsix ${vsix.bytes !== undefined ? mb(vsix.bytes) : `not measured (${vsix.error})`}`);
    const dist = (f: string) => (existsSync(join(o.build.root, 'dist', f)) ? statSync(join(o.build.root, 'dist', f)).size : Number.NaN);
    // The loader and the bundle it reads beside it (src/cli/loader.ts).
    const bundle = cliBundleOf(o.build.cli);
    const cliBytes = dist('cli.js') + (bundle ? statSync(bundle).size : 0);
    const extBytes = dist('extension.js');

    const ours: number[] = [];
    const oursHwm: number[] = [];
    const floor: number[] = [];
    const every: number[] = [];
    const everything = findServerEverything();
    for (let i = 0; i < o.rssRuns; i++) {
      const r = await idleRss([o.build.cli, 'start'], env);
      ours.push(r.rss);
      oursHwm.push(r.hwm);
      floor.push((await idleRss([FLOOR_SERVER], env)).rss);
      if (everything) every.push((await idleRss([everything, 'stdio'], { PATH: env.PATH as string, HOME: home })).rss);
    }
    // With the SDK loaded: one list_sandboxes call against an emulator with 100 sandboxes.
    const emu = await startEmulatorProcess();
    let loaded = { rss: Number.NaN, hwm: Number.NaN };
    try {
      await emu.seed(overheadSeed(100));
      loaded = await idleRss([o.build.cli, 'start'], serverEnv(emu, home), { name: 'list_sandboxes', arguments: {} });
    } finally {
      await emu.close();
    }
    const rss = median(ours);
    log(`footprint: idle RSS ${mb(rss, 1)} (floor ${mb(median(floor), 1)}), after a call ${mb(loaded.rss, 1)}`);

    const rows: Row[] = [
      vsix.bytes !== undefined
        ? { bench: 'footprint', metric: `.vsix size (vsce package ${vsix.args?.join(' ')})`, value: mb(vsix.bytes), baseline: vsix.plainError ? 'flags of npm run package (plain --no-dependencies fails)' : undefined, target: '≤ 1.5 MB', verdict: verdict(vsix.bytes <= VSIX_LIMIT) }
        : { bench: 'footprint', metric: '.vsix size (vsce package --no-dependencies)', value: 'not measured', baseline: vsix.error, target: '≤ 1.5 MB', verdict: 'not measured' },
      { bench: 'footprint', metric: 'dist/cli.js + its bundle, size (production)', value: mb(cliBytes), baseline: `dist/extension.js ${mb(extBytes)}`, target: 'report', verdict: 'report' },
      {
        bench: 'footprint',
        metric: `idle server RSS: initialize + tools/list + 2 s (median of ${o.rssRuns})`,
        value: mb(rss, 2), // two decimals: the target is met or missed by tens of kB
        baseline: `floor ${mb(median(floor), 1)}${everything ? `, server-everything ${mb(median(every), 1)}` : ''}`,
        target: '≤ 45 MB',
        verdict: verdict(rss <= RSS_LIMIT),
      },
    ];
    const details = [
      `.vsix: \`vsce package --no-dependencies\` run in the scratch copy that holds the production build (same package.json, README, LICENSE, media, .vscodeignore as the project)${vsix.plainError ? `; it fails (\`${vsix.plainError}\`), so the .vsix was made with the vsce flags of the project's own \`package\` script: \`vsce package ${vsix.args?.join(' ')}\`` : ''}. ${vsix.bytes !== undefined ? `Size ${mb(vsix.bytes)} (${vsix.bytes.toLocaleString('en')} bytes; target 1.5 MB = 1,572,864 bytes).${vsix.files ? `\n\n\`\`\`\n${vsix.files}\n\`\`\`` : ''}` : `Not measured: vsce failed with: \`${vsix.error}\`.`}`,
      `Bundles (production): dist/cli.js with its bundle ${cliBytes.toLocaleString('en')} bytes, dist/extension.js ${extBytes.toLocaleString('en')} bytes.`,
      `Resident memory (MB = MiB, VmRSS): ours idle ${ours.map((x) => mb(x, 1)).join(', ')} (peak VmHWM ${mb(median(oursHwm), 1)}); floor ${mb(median(floor), 1)}${everything ? `; server-everything ${mb(median(every), 1)}` : ''}. After one list_sandboxes call (SDK loaded, 100 sandboxes listed) and 2 s idle: ${mb(loaded.rss, 1)} (peak ${mb(loaded.hwm, 1)}).`,
    ];
    return { name: 'Footprint', rows, details, data: { vsix, cliBytes, extBytes, rss: ours, hwm: oursHwm, floor, everything: every, loaded } };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
