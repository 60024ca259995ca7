/**
 * The one bound on what is read from the Daytona API (and anything it points us to): every answer
 * must arrive whole within the request deadline — a body trickling one byte at a time is cut there,
 * not kept alive by each byte as a socket timeout would be — and be at most MAX_ANSWER_BYTES. A
 * hostile or broken API can then neither hold a tool forever nor flood the agent with a 50 MB name.
 */
import { ToolError } from './errors';

/** Larger than any real answer (a 200-sandbox page is a few hundred KB). */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface BoundedRequest {
  /** Request options for the SDK's axios: the whole-request deadline as a signal, the size caps. */
  cfg: { signal: AbortSignal; timeout: number; maxContentLength: number; maxBodyLength: number };
  /** The error to report instead of `err` when a bound cut the request; undefined otherwise. */
  explain(err: unknown): ToolError | undefined;
  /** The request is over: stops the deadline's timer and lets go of the caller's signal. */
  done(): void;
}

/**
 * Requests already bounded by boundRequest carry this mark, so boundTransport does not bound them a
 * second time (one timer and one signal per request, not two of each: this runs for every API call).
 */
const BOUNDED = Symbol('daytona.bounded');

/**
 * Bounds for one request: the caller's signal still cancels it; the deadline covers body and all.
 * One AbortController and one timer, released by done(): AbortSignal.timeout/any would keep a timer
 * and a registry entry per request alive well past it.
 */
export function boundRequest(callerSignal: AbortSignal | undefined, deadlineMs: number, maxBytes = MAX_ANSWER_BYTES): BoundedRequest {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The request deadline passed.', 'TimeoutError'));
  }, deadlineMs);
  timer.unref?.();
  const follow = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) follow();
  else callerSignal?.addEventListener('abort', follow, { once: true });
  // The mark travels on the signal: axios copies a request's options but passes its signal through.
  Object.defineProperty(controller.signal, BOUNDED, { value: true });
  const cfg = { signal: controller.signal, timeout: deadlineMs, maxContentLength: maxBytes, maxBodyLength: maxBytes };
  return {
    cfg,
    explain(err) {
      if (callerSignal?.aborted) return undefined; // a cancellation, said by the caller
      if (timedOut) return deadlineError(deadlineMs);
      const message = err instanceof Error ? err.message : String(err);
      if (/maxContentLength|content length|exceeded/i.test(message)) return tooLarge(maxBytes);
      return undefined;
    },
    done() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', follow);
    },
  };
}

interface AxiosLike {
  interceptors?: { request?: { use(f: (cfg: Record<string, unknown>) => Record<string, unknown>): unknown } };
}

/**
 * The same bounds on every request of an SDK axios instance, whichever SDK service makes it (snapshot
 * calls do not take our per-request options): a caller's own tighter bounds are kept. Requests that
 * boundRequest bounded already pass as they are.
 */
export function boundTransport(axios: unknown, deadlineMs: number, maxBytes = MAX_ANSWER_BYTES): void {
  const use = (axios as AxiosLike | undefined)?.interceptors?.request?.use;
  if (typeof use !== 'function') return;
  use.call((axios as AxiosLike).interceptors!.request, (cfg) => {
    if ((cfg.signal as Record<symbol, unknown> | undefined)?.[BOUNDED] === true) return cfg;
    const cap = (v: unknown) => (typeof v === 'number' && v > 0 ? Math.min(v, maxBytes) : maxBytes);
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = cfg.signal instanceof AbortSignal ? AbortSignal.any([cfg.signal, deadline]) : deadline;
    return { ...cfg, maxContentLength: cap(cfg.maxContentLength), maxBodyLength: cap(cfg.maxBodyLength), signal };
  });
}

function deadlineError(ms: number): ToolError {
  return new ToolError('timeout', `The Daytona API did not finish answering within ${ms} ms (the request deadline); the answer was cut off.`);
}

function tooLarge(maxBytes: number): ToolError {
  return new ToolError('unknown', `The Daytona API's answer was larger than ${maxBytes / (1024 * 1024)} MB and was not read (a broken or hostile API).`, {
    hint: 'Check DAYTONA_API_URL points at the Daytona API; retry once.',
  });
}

/**
 * A fetch() answer's text, read within the deadline, keeping at most `maxBytes` — its end, where a
 * log's news is. Each chunk is awaited against the signal, so a trickling body is cut by it.
 */
export async function readBoundedTail(answer: Response, signal: AbortSignal, maxBytes = MAX_ANSWER_BYTES): Promise<string> {
  if (!answer.body) return '';
  const reader = answer.body.getReader();
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(new ToolError('timeout', 'The Daytona API did not finish answering within the request deadline; the answer was cut off.'));
    if (signal.aborted) fail();
    signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      chunks.push(value);
      size += value.length;
      while (size - (chunks[0]?.length ?? 0) >= maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks);
  return all.subarray(Math.max(0, all.length - maxBytes)).toString('utf8');
}
