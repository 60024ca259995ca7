/**
 * The real API's rate-limit headers are named after its throttlers (`X-RateLimit-Remaining-<name>`,
 * `Retry-After-<name>`). Reading them needs nothing else, so errors.ts and rate-pacer.ts share this.
 */

/** All `<prefix><name>` headers, keyed by name (lower case). */
export function namedHeaders(headers: unknown, prefix: string): Map<string, number> {
  return namedHeaderGroups(headers, [prefix.toLowerCase()])[0]!;
}

/**
 * namedHeaders for several prefixes in one pass over the headers (the pacer reads four groups from
 * every answer). Prefixes are lower case; a name goes to the first prefix it starts with.
 */
export function namedHeaderGroups<P extends readonly string[]>(headers: unknown, prefixes: P): { [K in keyof P]: Map<string, number> } {
  const out = prefixes.map(() => new Map<string, number>()) as { [K in keyof P]: Map<string, number> } & Map<string, number>[];
  if (!headers || typeof headers !== 'object') return out;
  // fetch's Headers and axios' AxiosHeaders iterate as [name, value]; a plain object has entries.
  const entries: Iterable<[string, unknown]> =
    typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [key, raw] of entries) {
    const k = key.toLowerCase();
    const i = prefixes.findIndex((p) => k.length > p.length && k.startsWith(p));
    if (i < 0) continue;
    const n = Number(Array.isArray(raw) ? raw[0] : raw);
    if (Number.isFinite(n)) out[i]!.set(k.slice(prefixes[i]!.length), n);
  }
  return out;
}

/** Seconds a 429 asks us to wait: the longest of its `Retry-After-<name>` headers. */
export function namedRetryAfterSec(headers: unknown): number | undefined {
  const named = [...namedHeaders(headers, 'retry-after-').values()];
  return named.length ? Math.max(0, ...named) : undefined;
}
