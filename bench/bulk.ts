/**
 * Bulk parallelism and rate limits, against one emulator process with 50 ms latency on every API
 * request (transitions 300 ms):
 *   - cleanup_sandboxes of 200 stopped sandboxes (20 started ones must survive), vs the same API
 *     requests one at a time with the raw SDK (list stopped with the server's page size, then
 *     a fresh daytona.get() and daytona.delete() each, as cleanup does), and — for reference — delete_sandbox called 200 times (wait: false);
 *   - create_sandbox count=20 (waits until started), vs create_sandbox (count 1) called 20 times;
 *   - the cleanup again with 20 % of mutating requests answered 429 + Retry-After: 1.
 * The emulator's peak in-flight request count is read from its stats after each parallel run.
 */
import type { Daytona } from '@daytonaio/sdk';
import type { SeedSandbox } from '../test/emulator/emulator';
import type { Build } from './lib/build';
import { routeCounts, startEmulatorProcess, statusCount, type EmulatorProcess } from './lib/emulator';
import { resultText, startMcpServer, type McpServer } from './lib/mcp';
import { disposeDaytona, rawDaytona } from './lib/raw-sdk';
import { verdict, type BenchResult, type Row } from './lib/report';
import { log, max, median, ms, ratio, samples, timed } from './lib/stats';

const STOPPED = 200;
const KEEP = 20;
const CREATE = 20;
const LATENCY_MS = 50;
const TRANSITION_MS = 300;
const MAX_CONCURRENCY = 16;

function cleanupSeed(): SeedSandbox[] {
  const now = Date.now();
  return [
    ...Array.from({ length: STOPPED }, (_, i) => ({ name: `old-${String(i).padStart(3, '0')}`, state: 'stopped' as const, lastActivityAt: now - (i + 60) * 60_000 })),
    ...Array.from({ length: KEEP }, (_, i) => ({ name: `live-${i}`, state: 'started' as const })),
  ];
}

interface ThrottledRun {
  seed: number;
  ms: number;
  deleted: number;
  failed: number;
  isError: boolean;
  /** Seeded "old-" sandboxes still stopped afterwards. */
  left: number;
  r429: number;
  peak: number;
  chain: number;
  boundMs: number;
}

/** Longest run of 429s on one sandbox's DELETE, and the time Retry-After forces on it. */
function retryBound(stats: { requests: Array<{ method: string; path: string; status: number }> }): { chain: number; boundMs: number } {
  const per = new Map<string, { run: number; best: number }>();
  for (const q of stats.requests) {
    if (q.method !== 'DELETE') continue;
    const e = per.get(q.path) ?? { run: 0, best: 0 };
    e.run = q.status === 429 ? e.run + 1 : 0;
    e.best = Math.max(e.best, e.run);
    per.set(q.path, e);
  }
  const chain = Math.max(0, ...[...per.values()].map((e) => e.best));
  return { chain, boundMs: LATENCY_MS + chain * (1000 + LATENCY_MS) + LATENCY_MS };
}

interface CleanupOutcome {
  deleted: number;
  failed: number;
  isError: boolean;
}

export interface BulkOptions {
  build: Build;
  /** Repetitions of each parallel run (median reported). */
  reps: number;
  /** Repetitions of each sequential baseline. */
  seqReps: number;
  /** Also time delete_sandbox ×200 one call at a time (≈ 25 s). */
  perCallBaseline: boolean;
}

export async function bulk(o: BulkOptions): Promise<BenchResult> {
  const emu: EmulatorProcess = await startEmulatorProcess({ transitionMs: TRANSITION_MS });
  let server: McpServer | undefined;
  let daytona: Daytona | undefined;
  try {
    // The creation limit (30 per run by default) would stop the repeated create rounds: no limit here.
    server = await startMcpServer(o.build.cli, emu, ['--max-create', '0']);
    const srv = server;
    daytona = await rawDaytona(emu);
    const d = daytona;
    // Warm up: the SDK loads on the first call.
    await srv.call('list_sandboxes', { limit: 1 });
    for await (const s of d.list({ limit: 1 })) void s;

    const prepare = async (seed: SeedSandbox[], faults: Record<string, unknown> = {}) => {
      await emu.reset(seed);
      await emu.setFaults({ latencyMs: LATENCY_MS, ...faults });
      await emu.resetStats();
    };
    const stoppedLeft = async () => (await emu.state()).filter((s) => s.name.startsWith('old-') && s.state === 'stopped').length;
    const liveLeft = async () => (await emu.state()).filter((s) => s.name.startsWith('live-') && s.state === 'started').length;

    const runCleanup = async (): Promise<{ ms: number; out: CleanupOutcome; peak: number; stats: Awaited<ReturnType<EmulatorProcess['stats']>> }> => {
      const x = await timed(() => srv.call('cleanup_sandboxes', {}));
      const sc = x.value.structuredContent as { deleted?: unknown[]; failed?: unknown[] } | undefined;
      if (!sc) throw new Error(`cleanup_sandboxes returned no structuredContent: ${resultText(x.value)}`);
      const stats = await emu.stats();
      const out = { deleted: sc.deleted?.length ?? 0, failed: sc.failed?.length ?? 0, isError: Boolean(x.value.isError) };
      if ((await liveLeft()) !== KEEP) throw new Error('cleanup_sandboxes touched started sandboxes');
      return { ms: x.ms, out, peak: stats.maxConcurrency, stats };
    };

    // 1. cleanup, parallel (the tool) ---------------------------------------------------------------
    const par: number[] = [];
    const parPeaks: number[] = [];
    let parRoutes: Record<string, number> = {};
    for (let i = 0; i < o.reps; i++) {
      await prepare(cleanupSeed());
      const r = await runCleanup();
      if (r.out.deleted !== STOPPED || r.out.failed || r.out.isError || (await stoppedLeft()) !== 0) {
        throw new Error(`cleanup_sandboxes deleted ${r.out.deleted}/${STOPPED} (failed ${r.out.failed})`);
      }
      par.push(r.ms);
      parPeaks.push(r.peak);
      parRoutes = routeCounts(r.stats);
    }
    const listPages = parRoutes['GET /api/sandbox'] ?? 1;
    const pageSize = Math.min(200, Math.ceil((STOPPED + 1) / listPages));
    log(`bulk: cleanup parallel ${samples(par)} ms (peak ${max(parPeaks)})`);

    // 2. cleanup, sequential raw SDK (same requests, one at a time) ----------------------------------
    const seqRaw: number[] = [];
    let seqRawRoutes: Record<string, number> = {};
    let seqPeak = 0;
    for (let i = 0; i < o.seqReps; i++) {
      await prepare(cleanupSeed());
      const x = await timed(async () => {
        const victims = [];
        for await (const s of d.list({ states: ['stopped'] as never, limit: pageSize })) victims.push(s);
        // Like cleanup_sandboxes: read each one fresh right before deleting it (never destroy on a
        // possibly stale list), and leave it if it is no longer stopped.
        for (const s of victims) {
          const fresh = await d.get(s.id);
          if (fresh.state === 'stopped') await d.delete(fresh);
        }
        return victims.length;
      });
      if (x.value !== STOPPED || (await stoppedLeft()) !== 0) throw new Error(`sequential raw cleanup deleted ${x.value}`);
      seqRaw.push(x.ms);
      const st = await emu.stats();
      seqRawRoutes = routeCounts(st);
      seqPeak = Math.max(seqPeak, st.maxConcurrency);
    }
    log(`bulk: cleanup sequential raw SDK ${samples(seqRaw)} ms`);

    // 3. delete_sandbox ×200, one call each (reference) ---------------------------------------------
    let perCall = Number.NaN;
    let perCallRoutes: Record<string, number> = {};
    if (o.perCallBaseline) {
      await prepare(cleanupSeed());
      const victims = (await emu.state()).filter((s) => s.name.startsWith('old-'));
      const x = await timed(async () => {
        for (const v of victims) {
          const r = await srv.call('delete_sandbox', { sandboxes: [v.id], wait: false });
          if (r.isError) throw new Error(`delete_sandbox failed: ${resultText(r)}`);
        }
      });
      perCall = x.ms;
      perCallRoutes = routeCounts(await emu.stats());
      log(`bulk: delete_sandbox ×${STOPPED} sequential ${perCall.toFixed(0)} ms`);
    }

    // 4. create count=20, parallel (the tool) vs 20 calls -------------------------------------------
    const createPar: number[] = [];
    const createPeaks: number[] = [];
    let createRoutes: Record<string, number> = {};
    for (let i = 0; i < o.reps; i++) {
      await prepare([]);
      const x = await timed(() => srv.call('create_sandbox', { name: `bulk${i}`, count: CREATE }));
      const sc = x.value.structuredContent as { sandboxes?: Array<{ state: string }>; failed?: unknown[] } | undefined;
      const ok = sc?.sandboxes?.filter((s) => s.state === 'started').length ?? 0;
      if (ok !== CREATE || sc?.failed?.length) throw new Error(`create_sandbox count=${CREATE} started ${ok} (failed ${sc?.failed?.length}): ${resultText(x.value)}`);
      createPar.push(x.ms);
      const st = await emu.stats();
      createPeaks.push(st.maxConcurrency);
      createRoutes = routeCounts(st);
    }
    log(`bulk: create count=${CREATE} ${samples(createPar)} ms (peak ${max(createPeaks)})`);
    const createSeq: number[] = [];
    let createSeqRoutes: Record<string, number> = {};
    for (let i = 0; i < o.seqReps; i++) {
      await prepare([]);
      const x = await timed(async () => {
        for (let k = 0; k < CREATE; k++) {
          const r = await srv.call('create_sandbox', { name: `seq${i}-${k}` });
          const sc = r.structuredContent as { sandboxes?: Array<{ state: string }> } | undefined;
          if (r.isError || sc?.sandboxes?.[0]?.state !== 'started') throw new Error(`create_sandbox failed: ${resultText(r)}`);
        }
      });
      createSeq.push(x.ms);
      createSeqRoutes = routeCounts(await emu.stats());
    }
    log(`bulk: create ×${CREATE} sequential ${samples(createSeq)} ms`);

    // 5. rate limits ------------------------------------------------------------------------------
    const throttled: number[] = [];
    const throttledInfo: ThrottledRun[] = [];
    for (let i = 0; i < o.reps; i++) {
      const seed = 1000 + i;
      await prepare(cleanupSeed(), { rate429: 0.2, retryAfterSec: 1, only: 'mutating', seed });
      const r = await runCleanup();
      throttled.push(r.ms);
      throttledInfo.push({ seed, ms: r.ms, ...r.out, left: await stoppedLeft(), r429: statusCount(r.stats, 429), peak: r.peak, ...retryBound(r.stats) });
    }
    log(`bulk: cleanup with 429s ${samples(throttled)} ms`);

    const m = {
      par: median(par),
      seqRaw: median(seqRaw),
      createPar: median(createPar),
      createSeq: median(createSeq),
      throttled: median(throttled),
    };
    const cleanupSpeedup = m.seqRaw / m.par;
    const createSpeedup = m.createSeq / m.createPar;
    const rateRatio = m.throttled / m.par;
    const allDeleted = throttledInfo.every((t) => t.deleted === STOPPED && t.left === 0 && t.failed === 0 && !t.isError);
    const peakCleanup = max(parPeaks);
    const peakCreate = max(createPeaks);
    const rows: Row[] = [
      {
        bench: 'bulk parallelism',
        metric: `cleanup_sandboxes, ${STOPPED} stopped, ${LATENCY_MS} ms latency; speed-up vs sequential raw SDK (peak concurrency)`,
        value: `${ms(m.par)} (peak ${peakCleanup})`,
        baseline: `sequential ${ms(m.seqRaw)}`,
        ratio: `${ratio(cleanupSpeedup, 1)} faster`,
        target: `≥ 8× faster, concurrency ≤ ${MAX_CONCURRENCY}`,
        verdict: verdict(cleanupSpeedup >= 8 && peakCleanup <= MAX_CONCURRENCY),
      },
      {
        bench: 'bulk parallelism',
        metric: `create_sandbox count=${CREATE}, ${LATENCY_MS} ms latency; speed-up vs ${CREATE} sequential calls (peak concurrency)`,
        value: `${ms(m.createPar)} (peak ${peakCreate})`,
        baseline: `sequential ${ms(m.createSeq)}`,
        ratio: `${ratio(createSpeedup, 1)} faster`,
        target: `≥ 8× faster, concurrency ≤ ${MAX_CONCURRENCY}`,
        verdict: verdict(createSpeedup >= 8 && peakCreate <= MAX_CONCURRENCY),
      },
      {
        bench: 'rate limits',
        metric: `cleanup of ${STOPPED} with 20 % of mutating calls → 429 (Retry-After: 1), vs un-throttled`,
        value: `${ms(m.throttled)}; ${allDeleted ? `all ${STOPPED} deleted, no error` : 'NOT all deleted'}`,
        baseline: `un-throttled ${ms(m.par)}`,
        ratio: ratio(rateRatio),
        target: `all ${STOPPED} deleted, no error, ≤ 3×`,
        verdict: verdict(allDeleted && rateRatio <= 3),
      },
    ];
    const routes = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ×${v}`).join(', ');
    const details = [
      `Emulator: own process, every /api request delayed ${LATENCY_MS} ms (fault \`latencyMs\`), lifecycle transitions ${TRANSITION_MS} ms. One MCP server (production build, official MCP client, no elicitation capability so cleanup does not ask) serves all runs; the emulator is reset and re-seeded before each. ${o.reps} repetitions of each parallel run, ${o.seqReps} of each sequential baseline; medians.`,
      `**cleanup_sandboxes** (${STOPPED} stopped + ${KEEP} started that must survive): ${samples(par)} ms; peak concurrency ${samples(parPeaks)}; requests ${routes(parRoutes)}.\n` +
        `**Sequential baseline** — the same requests one at a time with the raw SDK: \`daytona.list({states: ['stopped'], limit: ${pageSize}})\`, then for each a fresh \`daytona.get(id)\` and, still stopped, \`daytona.delete()\` (cleanup re-reads each sandbox before deleting it): ${samples(seqRaw)} ms (peak concurrency ${seqPeak}); requests ${routes(seqRawRoutes)}.` +
        (o.perCallBaseline
          ? `\nFor reference, an agent calling **delete_sandbox ×${STOPPED}** (one sandbox each, \`wait: false\`) takes ${ms(perCall)} (${ratio(perCall / m.par, 1)} the cleanup; each call GETs the sandbox before deleting it: ${routes(perCallRoutes)}).`
          : ''),
      `**create_sandbox count=${CREATE}** (waits until started): ${samples(createPar)} ms; peak concurrency ${samples(createPeaks)}; requests ${routes(createRoutes)}.\n**Sequential baseline** — create_sandbox (count 1) called ${CREATE} times: ${samples(createSeq)} ms; requests ${routes(createSeqRoutes)}.`,
      `Ceilings set by the peak concurrency: ${STOPPED} deletes, ${peakCleanup} at a time, cannot beat ≈ ${ratio(peakCleanup, 0)} the sequential time (the listing is sequential in both); ${CREATE} creates, ${peakCreate} at a time, need ⌈${CREATE}/${peakCreate}⌉ = ${Math.ceil(CREATE / peakCreate)} rounds, so at most ${ratio(CREATE / Math.ceil(CREATE / peakCreate), 1)}. "≥ 8×" therefore needs more than 8 items in flight for cleanup and at least 10 for create.`,
      `**Rate limits**: fault spec \`{latencyMs: ${LATENCY_MS}, rate429: 0.2, retryAfterSec: 1, only: 'mutating', seed}\`. "Longest 429 chain" is the most 429s in a row one sandbox's DELETE got (from the emulator's request log). Honouring Retry-After, that sandbox cannot be deleted before 50 ms (listing) + chain × (1 s + ${LATENCY_MS} ms) + ${LATENCY_MS} ms — the lower bound below, which no client that respects Retry-After beats, whatever its concurrency.\n\n| seed | time | deleted | failed | isError | still stopped | 429s answered | longest 429 chain | lower bound | time ÷ bound | peak concurrency |\n|---|---|---|---|---|---|---|---|---|---|---|\n` +
        throttledInfo.map((t) => `| ${t.seed} | ${ms(t.ms)} | ${t.deleted} | ${t.failed} | ${t.isError} | ${t.left} | ${t.r429} | ${t.chain} | ${ms(t.boundMs)} | ${ratio(t.ms / t.boundMs)} | ${t.peak} |`).join('\n') +
        `\n\nWith 20 % of DELETEs answered 429 and ${STOPPED} sandboxes, P(some sandbox gets ≥ 3 in a row) = 1 − (1 − 0.2³)^${STOPPED} ≈ ${((1 - (1 - 0.2 ** 3) ** STOPPED) * 100).toFixed(0)} %, so the throttled cleanup takes ≥ ~3.2 s with high probability; "≤ 3× un-throttled" then needs the un-throttled cleanup to take ≥ ~1.1 s, while "≥ 8× faster than sequential" needs it to take ≤ ${ms(m.seqRaw / 8)}: the two targets leave a narrow window, and the ratio moves with machine load. src/core/retry.ts allows 12 attempts while the API answers 429, so a sandbox fails as rate_limited only after 12 in a row: 1 − (1 − 0.2¹²)^${STOPPED} ≈ ${((1 - (1 - 0.2 ** 12) ** STOPPED) * 100).toExponential(1)} % per run.`,
    ];
    return {
      name: 'Bulk parallelism and rate limits',
      rows,
      details,
      data: { samples: { par, seqRaw, perCall, createPar, createSeq, throttled }, medians: m, cleanupSpeedup, createSpeedup, rateRatio, parPeaks, createPeaks, throttledInfo, routes: { parRoutes, seqRawRoutes, perCallRoutes, createRoutes, createSeqRoutes } },
    };
  } finally {
    await server?.close().catch(() => undefined);
    if (daytona) await disposeDaytona(daytona).catch(() => undefined);
    await emu.close();
  }
}
