/**
 * Extension activation and lazy loading of the SDK.
 *   - activation time: bench/activation-probe.cjs in fresh plain-node processes (fake `vscode`,
 *     fake ExtensionContext, DAYTONA_API_KEY set but pointing at a closed port, the view hidden):
 *     time to require dist/extension.js and for activate() to settle;
 *   - "SDK not loaded": the same probe on the instrumented build, whose Daytona SDK / API-client
 *     modules record their evaluation; checked right after activate() and after 1 s idle, plus
 *     outbound connections and child processes.
 *   - the MCP server: the instrumented dist/cli.js must not evaluate the SDK to answer initialize
 *     and tools/list, and must evaluate it for its first API call (the positive control that
 *     proves the markers work).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Build } from './lib/build';
import { DEAD_API } from './cold-start';
import { serverEnv } from './lib/mcp';
import { verdict, type BenchResult, type Row } from './lib/report';
import { StdioRpc } from './lib/rpc';
import { log, median, ms, samples } from './lib/stats';

const PROBE = join(__dirname, 'activation-probe.cjs');
const PRELOAD = join(__dirname, 'sdk-marker-report.cjs');

interface ProbeResult {
  ok: boolean;
  error?: string;
  requireMs: number;
  activateMs: number;
  totalMs: number;
  afterActivate?: { daytonaModules: string[]; network: string[]; spawns: string[]; required: string[] };
  afterIdle?: { idleMs: number; daytonaModules: string[]; network: string[]; spawns: string[]; required: string[] };
  bundleBytes?: number;
  bundleHasMarker?: boolean;
  vscodeCalls?: Record<string, number>;
  registeredCommands?: string[];
  subscriptions?: number;
  log?: string[];
  unhandled?: string[];
}

function probe(extension: string, idleMs: number, env: Record<string, string>): ProbeResult {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-bench-probe-'));
  const out = join(dir, 'result.json');
  try {
    try {
      execFileSync(process.execPath, [PROBE, extension, out, '--idle-ms', String(idleMs)], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    } catch (e) {
      if (!existsSync(out)) throw new Error(`activation probe failed: ${(e as { stderr?: Buffer }).stderr?.toString().slice(-500) ?? String(e)}`, { cause: e });
    }
    return JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Modules the instrumented server evaluated, optionally after one tools/call. */
async function serverModules(cli: string, api: { url: string; apiKey: string }, call?: { name: string; arguments: Record<string, unknown> }): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'daytona-bench-marker-'));
  const out = join(dir, 'modules.json');
  try {
    const rpc = StdioRpc.spawn(process.execPath, ['-r', PRELOAD, cli, 'start'], { ...serverEnv(api, dir), BENCH_MARKER_OUT: out });
    await rpc.handshake();
    if (call) await rpc.request('tools/call', call);
    await rpc.close();
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An API that answers 401 to everything: a first call fails fast (no retries) after loading the SDK. */
async function unauthorisedApi(): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 401, message: 'Invalid API key', error: 'Unauthorized' }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api`, close: () => new Promise((r) => srv.close(() => r())) };
}

const summarise = (mods: string[]) => {
  if (!mods.length) return 'none';
  const byPkg = new Map<string, number>();
  for (const m of mods) {
    const pkg = m.split('/').slice(0, 2).join('/');
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + 1);
  }
  return [...byPkg].map(([p, n]) => `${p} (${n} modules)`).join(', ');
};

export async function activation(o: { build: Build; marked: Build; runs: number }): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'daytona-bench-home-'));
  const env = serverEnv(DEAD_API, home);
  try {
    // Timing on the production build.
    const results: ProbeResult[] = [];
    probe(o.build.extension, 0, env); // warm the file cache
    for (let i = 0; i < o.runs; i++) results.push(probe(o.build.extension, 0, env));
    const failed = results.find((r) => !r.ok);
    // Lazy-loading check on the instrumented build, with 1 s of idle after activation.
    const marked = probe(o.marked.extension, 1_000, env);
    const noKey = probe(o.marked.extension, 1_000, { PATH: env.PATH as string, HOME: home });
    const serverAtStart = await serverModules(o.marked.cli, DEAD_API);
    const api401 = await unauthorisedApi();
    let serverAfterCall: string[] = [];
    try {
      serverAfterCall = await serverModules(o.marked.cli, { url: api401.url, apiKey: DEAD_API.apiKey }, { name: 'list_sandboxes', arguments: {} });
    } finally {
      await api401.close();
    }

    const total = results.map((r) => r.totalMs);
    const req = results.map((r) => r.requireMs);
    const act = results.map((r) => r.activateMs);
    const sdkEvaluated = [marked, noKey].some((r) => (r.afterActivate?.daytonaModules.length ?? 0) > 0 || (r.afterIdle?.daytonaModules.length ?? 0) > 0 || (r.afterIdle?.required.length ?? 0) > 0);
    const network = [...new Set([marked, noKey].flatMap((r) => r.afterIdle?.network ?? []))];
    const spawns = [...new Set([marked, noKey].flatMap((r) => r.afterIdle?.spawns ?? []))];
    const markerWorks = serverAfterCall.some((m) => m.startsWith('@daytonaio/sdk/'));
    log(`activation: ${median(total).toFixed(1)} ms (require ${median(req).toFixed(1)}, activate ${median(act).toFixed(1)}); SDK evaluated: ${sdkEvaluated}; server start SDK modules: ${serverAtStart.length}, after a call: ${serverAfterCall.length}`);

    const ok = !failed && marked.ok && noKey.ok;
    const rows: Row[] = [
      {
        bench: 'extension activation',
        metric: `require dist/extension.js + activate(), no API call (median of ${o.runs})`,
        value: ok ? ms(median(total), 1) : 'activation failed',
        baseline: ok ? `require ${ms(median(req), 1)} + activate ${ms(median(act), 1)}` : undefined,
        target: 'report ms',
        verdict: ok ? 'report' : 'fail',
      },
      {
        bench: 'extension activation',
        metric: 'Daytona SDK evaluated during activation (or 1 s after); network calls',
        value: !ok ? `activation failed: ${(failed ?? marked).error ?? noKey.error}` : sdkEvaluated ? `SDK loaded: ${summarise([...(marked.afterIdle?.daytonaModules ?? []), ...(noKey.afterIdle?.daytonaModules ?? [])])}` : `SDK not loaded; ${network.length} network calls`,
        baseline: markerWorks ? 'marker verified (server: loaded on 1st call)' : 'marker NOT verified',
        target: 'SDK not loaded',
        verdict: ok && markerWorks ? verdict(!sdkEvaluated && network.length === 0) : 'not measured',
      },
      {
        bench: 'server start',
        metric: 'Daytona SDK evaluated to answer initialize + tools/list',
        value: serverAtStart.length ? `loaded: ${summarise(serverAtStart)}` : 'not loaded',
        baseline: `after 1st API call: ${summarise(serverAfterCall)}`,
        target: '(lazy SDK, docs/architecture.md)',
        verdict: markerWorks ? verdict(serverAtStart.length === 0) : 'not measured',
      },
    ];
    const calls = marked.vscodeCalls ?? {};
    const details = [
      `bench/activation-probe.cjs runs in a fresh plain \`node\` process (no tsx hooks): it serves \`require('vscode')\` from a fake module (real EventEmitter/Disposable/Uri/TreeItem…, a recording no-op proxy for anything else; the tree view reports \`visible: false\`, as at start-up with the sidebar closed), builds a fake ExtensionContext (in-memory Memento and SecretStorage, temp storage URIs), then times \`require(dist/extension.js)\` and \`await activate(context)\`. DAYTONA_API_KEY is set but points at a closed port. Outbound http/https/net/fetch and child_process calls are recorded.`,
      `Production build, ${o.runs} fresh processes: total ${samples(total, 1)} ms; require ${samples(req, 1)} ms; activate ${samples(act, 1)} ms. Bundle: ${((results[0]?.bundleBytes ?? 0) / 1024).toFixed(0)} KiB.`,
      `SDK check (instrumented build: every module of @daytonaio/sdk and @daytona/* records its evaluation; the marker is ${marked.bundleHasMarker ? 'present in' : 'absent from — the SDK is not bundled into'} extension.js): with a key, after activate: ${summarise(marked.afterActivate?.daytonaModules ?? [])}, after 1 s idle: ${summarise(marked.afterIdle?.daytonaModules ?? [])}; without a key: ${summarise(noKey.afterIdle?.daytonaModules ?? [])}. Network: ${network.length ? network.join('; ') : 'none'}. Child processes: ${spawns.length ? spawns.join('; ') : 'none'}. Activation registered ${marked.registeredCommands?.length ?? 0} commands and ${marked.subscriptions ?? 0} subscriptions; vscode APIs used: ${Object.entries(calls).map(([k, v]) => `${k}×${v}`).join(', ') || 'none'}.${marked.unhandled?.length ? ` Unhandled rejections: ${marked.unhandled.join('; ')}.` : ''}`,
      `Server (instrumented dist/cli.js, node -r bench/sdk-marker-report.cjs): modules evaluated by initialize + tools/list: ${summarise(serverAtStart)}; after one list_sandboxes call (against a stub API answering 401): ${summarise(serverAfterCall)} — the positive control showing the markers fire when the SDK loads.`,
    ];
    return { name: 'Extension activation and lazy SDK loading', rows, details, data: { total, req, act, marked, noKey, serverAtStart, serverAfterCall } };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
