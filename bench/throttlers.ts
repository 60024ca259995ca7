/**
 * Named rate limits (issue 23): cleanup_sandboxes of 60 stopped sandboxes against the emulator's real-server
 * throttlers with `sandbox-lifecycle` at 20 requests per 2 s, in process (the real SDK over HTTP).
 * Reports the time, the DELETE requests sent and the answers of 429 (each counts against the budget and
 * blocks a whole window). Three windows of 20 make ~4 s the floor.
 *   npx tsx bench/throttlers.ts [--runs N]
 */
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/emulator';
import { createGatewayProvider } from '../src/core/gateway-provider';
import { cleanupSandboxes } from '../src/core/tools/cleanup_sandboxes';
import type { ToolContext } from '../src/core/tool';

const SANDBOXES = 60;
const LIMIT = 20;
const WINDOW_MS = 2_000;

async function once(): Promise<{ ms: number; deleted: number; failed: number; deletes: number; r429: number }> {
  const emu = await startEmulator({ transitionMs: 40, rateLimits: { 'sandbox-lifecycle': { limit: LIMIT, ttlMs: WINDOW_MS } } });
  for (let i = 0; i < SANDBOXES; i++) emu.seedSandbox({ name: `old-${i}`, state: 'stopped' });
  const provider = createGatewayProvider({ resolveCredentials: () => ({ apiKey: emu.apiKey, apiUrl: emu.url, target: 'us', source: 'env', origin: 'bench' }) });
  const ctx: ToolContext = {
    gateway: provider.get,
    signal: new AbortController().signal,
    defaults: {},
    progress: () => undefined,
    confirm: async () => 'unsupported',
  };
  try {
    await (await provider.get()).listPage({ limit: 1 }); // load the SDK outside the measurement
    emu.resetStats();
    const t0 = performance.now();
    const out = await cleanupSandboxes.handler(cleanupSandboxes.input.parse({}), ctx);
    const ms = Math.round(performance.now() - t0);
    const deletes = emu.stats().requests.filter((q) => q.method === 'DELETE');
    return { ms, deleted: out.data.deleted.length, failed: out.data.failed.length, deletes: deletes.length, r429: deletes.filter((q) => q.status === 429).length };
  } finally {
    await provider.dispose();
    await emu.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  for (let i = 0; i < Number(values.runs); i++) console.log(JSON.stringify(await once()));
}

void main();
