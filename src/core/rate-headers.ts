/**
 * The real API's rate-limit headers are named after its throttlers (`X-RateLimit-Remaining-<name>`,
 * `Retry-After-<name>`). Reading them needs nothing else, so errors.ts and rate-pacer.ts share this.
 */

/** All `<prefix><name>` headers, keyed by name (lower case). */
export function namedHeaders(headers: unknown, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!headers || typeof headers !== 'object') return out;
  // fetch's Headers and axios' AxiosHeaders iterate as [name, value]; a plain object has entries.
  const entries: Iterable<[string, unknown]> =
    typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  const p = prefix.toLowerCase();
  for (const [key, raw] of entries) {
    const k = key.toLowerCase();
    if (!k.startsWith(p) || k.length === p.length) continue;
    const n = Number(Array.isArray(raw) ? raw[0] : raw);
    if (Number.isFinite(n)) out.set(k.slice(p.length), n);
  }
  return out;
}

/** Seconds a 429 asks us to wait: the longest of its `Retry-After-<name>` headers. */
export function namedRetryAfterSec(headers: unknown): number | undefined {
  const named = [...namedHeaders(headers, 'retry-after-').values()];
  return named.length ? Math.max(0, ...named) : undefined;
}
