/**
 * Cold start: spawn → initialize answered → tools/list answered, in fresh processes, for
 *   - the floor: bench/floor-server.mjs, a dependency-free node JSON-RPC responder answering tools/list
 *     with the very bytes our server answers (captured first), so the client's share is the same;
 *   - this server: `node dist/cli.js start` (production build);
 *   - @modelcontextprotocol/server-everything (`node dist/index.js stdio`, never through npx).
 * Runs are interleaved (rotating order) so drift on the machine hits all three alike. The client is the
 * official MCP client, as agent hosts use it (it compiles every output schema when it lists tools).
 * The same tools/list answers give the tool-definition sizes (what the model sees, and the whole list).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cliBundleOf, PROJECT_ROOT, type Build } from './lib/build';
import { serverEnv } from './lib/mcp';
import { StdioRpc } from './lib/rpc';
import { verdict, type BenchResult, type Row } from './lib/report';
import { log, median, min, max, ms, ratio, samples } from './lib/stats';

export const FLOOR_SERVER = join(__dirname, 'floor-server.mjs');
/** Nothing listens here: start-up must not call the API. */
export const DEAD_API = { url: 'http://127.0.0.1:9/api', apiKey: 'dtn_bench_not_a_real_key' };

/** dist/index.js of @modelcontextprotocol/server-everything, if installed. */
export function findServerEverything(): string | undefined {
  const candidates = [
    process.env.BENCH_SERVER_EVERYTHING_DIR,
    join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-everything'),
  ].filter((d): d is string => Boolean(d));
  for (const dir of candidates) {
    const pkgPath = join(dir, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version?: string; bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {})[0];
    if (bin) return resolve(dir, bin);
  }
  return undefined;
}

export function serverEverythingVersion(entry: string): string {
  try {
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

interface Contender {
  key: 'floor' | 'daytona' | 'daytona-first' | 'everything';
  label: string;
  args: string[];
  env: Record<string, string>;
  samples: number[];
  tools: number;
  /** Bytes of JSON: name + description + inputSchema per tool (what the model sees), and the whole tools/list. */
  seenBytes?: number;
  listBytes?: number;
}

/** Spawn → initialize → tools/list answered and its schemas compiled, with the official MCP client. */
async function once(c: Contender): Promise<number> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: c.args, env: c.env, stderr: 'ignore' });
  const client = new Client({ name: 'daytona-mcp-bench', version: '1.0.0' }, { capabilities: {} });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    const elapsed = performance.now() - t0;
    c.tools = tools.length;
    c.seenBytes = tools.reduce((n, t) => n + Buffer.byteLength(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema })), 0);
    c.listBytes = Buffer.byteLength(JSON.stringify({ tools }));
    return elapsed;
  } finally {
    await client.close();
  }
}

const perTool = (bytes: number | undefined, tools: number) => (bytes === undefined || !tools ? 'n/a' : `${bytes.toLocaleString('en')} B (${Math.round(bytes / tools)}/tool)`);

/** Spawn → exit of a command, in ms (for the "where does the time go" rows). */
function spawnExitMs(args: string[], env: Record<string, string>): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

export async function coldStart(o: { build: Build; runs: number; warmup?: number }): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'daytona-bench-home-'));
  const env = serverEnv(DEAD_API, home);
  const everything = findServerEverything();
  // The floor serves our tools/list, byte for byte (the issue's "same tools/list bytes").
  const listedFile = join(home, 'tools-list.json');
  const probe = StdioRpc.spawn(process.execPath, [o.build.cli, 'start'], env);
  try {
    await probe.handshake();
    writeFileSync(listedFile, JSON.stringify(await probe.request('tools/list', {})));
  } finally {
    await probe.close();
  }
  const contenders: Contender[] = [
    { key: 'floor', label: 'floor (bench/floor-server.mjs, serving our tools/list bytes)', args: [FLOOR_SERVER, listedFile], env, samples: [], tools: 0 },
    // As agents meet it: the V8 code cache (src/cli/loader.ts) was written by an earlier start (the warm-up).
    { key: 'daytona', label: 'daytona-mcp (dist/cli.js start)', args: [o.build.cli, 'start'], env, samples: [], tools: 0 },
    // The very first start on a machine, compiling the whole bundle (and what every start cost before the cache).
    { key: 'daytona-first', label: 'daytona-mcp, first start (no compile cache)', args: [o.build.cli, 'start'], env: { ...env, DAYTONA_MCP_CACHE_DIR: 'off' }, samples: [], tools: 0 },
  ];
  if (everything) {
    contenders.push({ key: 'everything', label: `server-everything ${serverEverythingVersion(everything)}`, args: [everything, 'stdio'], env: { PATH: env.PATH as string, HOME: home }, samples: [], tools: 0 });
  }
  try {
    for (let i = 0; i < (o.warmup ?? 2); i++) for (const c of contenders) await once(c);
    for (let i = 0; i < o.runs; i++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = contenders[(i + j) % contenders.length] as Contender;
        c.samples.push(await once(c));
      }
    }
    log(`cold start: ${contenders.map((c) => `${c.key} ${median(c.samples).toFixed(0)} ms`).join(', ')}`);

    // Where the time goes: bare node, and evaluating the bundle without serving (`version`).
    const bare: number[] = [];
    const version: number[] = [];
    for (let i = 0; i < 7; i++) {
      bare.push(spawnExitMs(['-e', '0'], env));
      version.push(spawnExitMs([o.build.cli, 'version'], env));
    }

    const get = (k: Contender['key']) => contenders.find((c) => c.key === k);
    const floor = median(get('floor')!.samples);
    const ours = median(get('daytona')!.samples);
    const every = get('everything');
    const first = median(get('daytona-first')!.samples);
    const vsFloor = ours / floor;
    const rows: Row[] = [
      {
        bench: 'cold start',
        metric: `spawn → tools/list, vs floor (median of ${o.runs})`,
        value: ms(ours),
        baseline: `floor ${ms(floor)}`,
        ratio: ratio(vsFloor),
        target: '≤ 1.5× floor',
        verdict: verdict(vsFloor <= 1.5),
      },
    ];
    rows.push({
      bench: 'cold start',
      metric: `first start on a machine (no V8 code cache yet), vs floor (median of ${o.runs})`,
      value: ms(first),
      baseline: `floor ${ms(floor)}`,
      ratio: ratio(first / floor),
      target: 'report',
      verdict: 'report',
    });
    const ourTools = get('daytona')!;
    const seenPerTool = (ourTools.seenBytes ?? 0) / ourTools.tools;
    const listPerTool = (ourTools.listBytes ?? 0) / ourTools.tools;
    rows.push(
      {
        bench: 'tool definitions',
        metric: 'what the model sees (name + description + inputSchema, JSON) per tool',
        value: `${Math.round(seenPerTool)} B`,
        baseline: every ? `server-everything ${Math.round((every.seenBytes ?? 0) / every.tools)} B` : 'before issue 14: 1,242 B',
        target: '≤ 600 B per tool',
        verdict: verdict(seenPerTool <= 600),
      },
      {
        bench: 'tool definitions',
        metric: 'whole tools/list (JSON) per tool',
        value: `${Math.round(listPerTool)} B`,
        baseline: every ? `server-everything ${Math.round((every.listBytes ?? 0) / every.tools)} B` : 'before issue 14: 2,857 B',
        target: '≤ 1,200 B per tool',
        verdict: verdict(listPerTool <= 1200),
      },
    );
    let vsEvery = Number.NaN;
    if (every) {
      const e = median(every.samples);
      vsEvery = ours / e;
      rows.push({
        bench: 'cold start',
        metric: `spawn → tools/list, vs server-everything (median of ${o.runs})`,
        value: ms(ours),
        baseline: `server-everything ${ms(e)}`,
        ratio: ratio(vsEvery),
        target: '≤ 0.5× server-everything',
        verdict: verdict(vsEvery <= 0.5),
      });
    } else {
      rows.push({
        bench: 'cold start',
        metric: 'spawn → tools/list, vs server-everything',
        value: ms(ours),
        baseline: 'not installed',
        target: '≤ 0.5× server-everything',
        verdict: 'not measured',
      });
    }
    const details = [
      `The floor answers \`tools/list\` with the bytes our server answered (captured before the runs), so both cost the client the same. Each sample spawns a fresh \`node\` process, writes \`initialize\` at once, then \`notifications/initialized\` and \`tools/list\`, and stops the clock when the \`tools/list\` answer arrives; stdin is then closed and the process awaited before the next sample. ${o.warmup ?? 2} warm-up rounds are discarded; the ${o.runs} measured rounds rotate the order of the servers. Client: the official MCP client (\`Client\` + \`StdioClientTransport\` of @modelcontextprotocol/sdk), as agent hosts use it; \`listTools()\` also compiles every output schema, so that cost is included. Our server runs with a throwaway HOME and DAYTONA_API_KEY/DAYTONA_API_URL pointing at a closed port (start-up must not call the API).`,
      '| server | tools | model sees | whole tools/list | median | min | max | samples (ms) |\n|---|---|---|---|---|---|---|---|\n' +
        contenders.map((c) => `| ${c.label} | ${c.tools} | ${perTool(c.seenBytes, c.tools)} | ${perTool(c.listBytes, c.tools)} | ${ms(median(c.samples))} | ${ms(min(c.samples))} | ${ms(max(c.samples))} | ${samples(c.samples)} |`).join('\n') +
        (everything ? '' : '\n\n@modelcontextprotocol/server-everything is not installed (add it to devDependencies, or set BENCH_SERVER_EVERYTHING_DIR).'),
      `Where the time goes (spawn → exit, median of 7): bare \`node -e 0\` ${ms(median(bare))}; \`node dist/cli.js version\` (evaluates the whole ${(readFileSync(cliBundleOf(o.build.cli) ?? o.build.cli).length / 1024).toFixed(0)} KiB bundle, serves nothing) ${ms(median(version))}. So compiling and evaluating the bundle without a code cache (\`version\` does not use one) costs about ${ms(median(version) - median(bare))}; \`start\` reads V8's code cache for the bundle from ~/.daytona/mcp/cache (written 3 s after, or at the exit of, the first start): ${ms(first)} → ${ms(ours)}.`,
    ];
    return {
      name: 'Cold start',
      rows,
      details,
      data: {
        runs: o.runs,
        samples: Object.fromEntries(contenders.map((c) => [c.key, c.samples])),
        medians: Object.fromEntries(contenders.map((c) => [c.key, median(c.samples)])),
        vsFloor,
        vsEverything: vsEvery,
        bareNodeMs: median(bare),
        versionMs: median(version),
      },
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
