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

/**
 * Half a key is still a key: an error preview or a log tail may cut a secret anywhere. Any run of
 * FRAGMENT_CHARS characters of a known secret (at least that long) is removed wherever it occurs.
 */
export const FRAGMENT_CHARS = 12;

/** Every FRAGMENT_CHARS-long window of the secrets, and a pattern for runs of their characters, cached per list. */
interface Fragments {
  key: string;
  windows: Set<string>;
  /** Runs of at least FRAGMENT_CHARS characters that all occur in some secret (UTF-16 code units). */
  runs: RegExp;
}
let fragmentsFor: Fragments | undefined;
function fragmentsOf(secrets: readonly string[]): Fragments {
  const key = secrets.join('\u0000');
  if (fragmentsFor?.key === key) return fragmentsFor;
  const windows = new Set<string>();
  const units = new Set<number>();
  for (const s of secrets) {
    for (let i = 0; i + FRAGMENT_CHARS <= s.length; i++) windows.add(s.slice(i, i + FRAGMENT_CHARS));
    for (let i = 0; i < s.length; i++) units.add(s.charCodeAt(i));
  }
  const cls = [...units].map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('');
  fragmentsFor = { key, windows, runs: new RegExp(`[${cls}]{${FRAGMENT_CHARS},}`, 'g') };
  return fragmentsFor;
}

/**
 * `text` with every run covered by fragments of the secrets replaced by one "[redacted]". A fragment
 * can only lie inside a run of characters that all occur in some secret, so the regex engine finds
 * those runs and only windows inside them are looked up. This runs on every result, log line and
 * output write: a JavaScript loop over every character was hot enough at start-up (the tools/list
 * answer) to wake V8's optimising compilers, which cost the idle server ~4 MB of memory.
 */
function dropFragments(text: string, secrets: readonly string[]): string {
  const long = secrets.filter((s) => s.length >= FRAGMENT_CHARS);
  if (!long.length || text.length < FRAGMENT_CHARS) return text;
  const { windows, runs } = fragmentsOf(long);
  let out = '';
  let copied = 0; // text before this index is in `out`
  let coveredTo = -1; // end of the run being redacted
  runs.lastIndex = 0;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    const end = m.index + m[0].length;
    for (let i = m.index; i + FRAGMENT_CHARS <= end; i++) {
      if (!windows.has(text.slice(i, i + FRAGMENT_CHARS))) continue;
      if (i > coveredTo) out += text.slice(copied, i) + REDACTED;
      coveredTo = i + FRAGMENT_CHARS;
      copied = coveredTo;
    }
  }
  return copied ? out + text.slice(copied) : text;
}

/** The text with secrets (whole or any 12-character piece) and authorization values replaced by "[redacted]". */
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
  out = dropFragments(out, secrets);
  if (/authorization|api-key|bearer/i.test(out)) {
    out = out.replace(HEADER_VALUE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
    out = out.replace(BEARER, (_m, word: string, space: string) => `${word}${space}${REDACTED}`);
  }
  return out;
}

/**
 * Credentials an API may put in a URL inside an error message (a signed preview URL names its token
 * in the host or the path, a presigned link in its query, a proxy in its user info): every URL in
 * untrusted API text keeps its scheme and host, with a token-looking host label, user info, path and
 * query replaced. Applied where API text becomes an error (errors.ts), not to results: a preview URL
 * an agent asked for is the tool's answer.
 */
export function redactUrls(text: string): string {
  return text.replace(/\b(https?|wss?):\/\/([^\s"'<>\\/?#]+)([^\s"'<>\\]*)/gi, (_m, scheme: string, authority: string, rest: string) => {
    const host = authority.replace(/^[^@]*@/, `${REDACTED}@`);
    const labels = host.split('.').map((l) => (/^(\d{1,5}-)?[A-Za-z0-9_-]{16,}$/.test(l) && !/^[a-z-]+$/.test(l) ? REDACTED : l));
    return `${scheme}://${labels.join('.')}${rest && rest !== '/' ? '/…' : rest}`;
  });
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
