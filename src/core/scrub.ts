/**
 * One scrubber for every text that leaves the process: tool results, CLI output, editor
 * notifications, the output channel and the audit log. It removes
 *  - every secret a registered source knows (the API key, the HTTP server's bearer token),
 *  - any `Bearer <token>` and any `Authorization:` / `Proxy-Authorization:` value,
 * because an API or a proxy may echo our request headers into an error body, and that body
 * becomes an error message. Sources register once (the gateway provider, the HTTP server);
 * everything else just calls scrub().
 */

export const REDACTED = '[redacted]';

type SecretSource = () => readonly (string | undefined)[];
const sources = new Set<SecretSource>();

/** Adds a source of secrets every later scrub() removes; returns a function that removes it again. */
export function registerSecrets(source: SecretSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

/** Secrets short enough to occur by chance ("abc") are not replaced: they would garble ordinary text. */
const MIN_SECRET_CHARS = 8;

function knownSecrets(extra: readonly string[]): string[] {
  const all = new Set<string>();
  const add = (s: string | undefined) => {
    if (typeof s === 'string' && s.length >= MIN_SECRET_CHARS) all.add(s);
  };
  extra.forEach(add);
  for (const source of sources) {
    try {
      source().forEach(add);
    } catch {
      // a source that cannot answer (credentials file unreadable) has nothing to add
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...all].sort((a, b) => b.length - a.length);
}

// `Authorization: Basic abc`, `"authorization":"Bearer x"`, `authorization=xyz`: the value up to the
// end of the quoted string, line or header list.
const HEADER_VALUE = /\b((?:proxy-)?authorization|x-api-key|x-daytona-api-key)(\\?["']?\s*[:=]\s*\\?["']?)(?:bearer\s+|basic\s+|token\s+)?[^\s"'\\,;<>&}]+/gi;
const BEARER = /\b(bearer)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{16,}/gi;

/** The text with secrets and authorization values replaced by "[redacted]". */
export function scrub(text: string, extra: readonly string[] = []): string {
  if (!text) return text;
  return scrubWith(text, knownSecrets(extra));
}

/**
 * A scrubber for many strings at once (a tool result, an audit entry): the secrets are gathered once,
 * not once per string — a result has dozens of strings, and gathering asks every registered source.
 */
export function scrubber(extra: readonly string[] = []): (text: string) => string {
  const secrets = knownSecrets(extra);
  return (text) => (text ? scrubWith(text, secrets) : text);
}

function scrubWith(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (/authorization|api-key|bearer/i.test(out)) {
    out = out.replace(HEADER_VALUE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
    out = out.replace(BEARER, (_m, word: string, space: string) => `${word}${space}${REDACTED}`);
  }
  return out;
}

/**
 * Every string (and object key) in a JSON-like value scrubbed; returns a copy. Depth-bounded, so a
 * hostile, deeply nested value cannot exhaust the stack.
 */
export function scrubValue<T>(value: T, extra: readonly string[] = []): T {
  return scrubEach(value, scrubber(extra), 0);
}

function scrubEach<T>(value: T, clean: (text: string) => string, depth: number): T {
  if (typeof value === 'string') return clean(value) as T;
  if (!value || typeof value !== 'object') return value;
  if (depth > 64) return '[too deep]' as T;
  if (Array.isArray(value)) return value.map((v) => scrubEach(v, clean, depth + 1)) as T;
  // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), scrubEach(v, clean, depth + 1)])) as T;
}
