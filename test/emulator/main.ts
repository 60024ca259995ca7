// CLI: npx tsx test/emulator/main.ts [--port N] [--api-key KEY]... [--seed demo|none]
//        [--transition-ms N] [--latency-ms N] [--hold-until-started]
// Prints exactly one JSON line on stdout once listening: {"url": ..., "controlUrl": ...}.
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator';

function toNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`error: ${flag} expects a non-negative number, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      seed: { type: 'string' },
      'transition-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      'hold-until-started': { type: 'boolean' },
    },
    strict: true,
  });
  const seed = values.seed ?? 'none';
  if (seed !== 'demo' && seed !== 'none') {
    process.stderr.write(`error: --seed expects "demo" or "none", got "${seed}"\n`);
    process.exit(2);
  }
  const emulator = await startEmulator({
    port: toNumber(values.port, '--port') ?? 0,
    apiKeys: values['api-key'],
    seed,
    transitionMs: toNumber(values['transition-ms'], '--transition-ms'),
    latencyMs: toNumber(values['latency-ms'], '--latency-ms'),
    holdUntilStarted: values['hold-until-started'],
  });
  process.stdout.write(`${JSON.stringify({ url: emulator.url, controlUrl: emulator.controlUrl })}\n`);

  const shutdown = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
