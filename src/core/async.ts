/**
 * Small async building blocks: abortable sleep, a semaphore that caps requests in flight, and a
 * bounded-concurrency map that keeps going when single items fail.
 */
import { ToolError } from './errors';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ToolError('cancelled', 'The operation was cancelled.');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ToolError('cancelled', 'The operation was cancelled.'));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(new ToolError('cancelled', 'The operation was cancelled.'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Caps how many API requests run at once, whatever mix of tools issued them. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly capacity: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs fn over items with at most `concurrency` at once and returns one Settled per item, in input
 * order. Stops starting new items once the signal aborts (those settle as cancelled).
 */
export async function mapSettled<I, O>(
  items: readonly I[],
  concurrency: number,
  fn: (item: I, index: number) => Promise<O>,
  signal?: AbortSignal,
): Promise<Settled<O>[]> {
  const results: Settled<O>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      try {
        throwIfAborted(signal);
        results[index] = { ok: true, value: await fn(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
