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
/** Neither header rule can match a text without one of these words. */
const HEADER_WORDS = /authorization|api-key|bearer/i;

/**
 * Half a key is still a key: an error preview or a log tail may cut a secret anywhere. Any run of
 * FRAGMENT_CHARS characters of a known secret (at least that long) is removed wherever it occurs.
 */
export const FRAGMENT_CHARS = 12;
const ANCHOR_CHARS = FRAGMENT_CHARS / 2;

/** Every FRAGMENT_CHARS-long window of the secrets, and a pattern for runs of their characters, cached per list. */
interface Fragments {
  key: string;
  windows: Set<string>;
  /** Runs of at least FRAGMENT_CHARS characters that all occur in some secret (UTF-16 code units). */
  runs: RegExp;
  /**
   * The secrets cut into blocks of half a fragment, from their start: every fragment holds one whole
   * (its first block boundary is at most half a fragment in). A text matching none holds no fragment,
   * and one alternation of literals rules that out faster than looking for runs.
   */
  anchors: RegExp;
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

let fragmentsFor: Fragments | undefined;
function fragmentsOf(secrets: readonly string[]): Fragments {
  const key = secrets.join('\u0000');
  if (fragmentsFor?.key === key) return fragmentsFor;
  const windows = new Set<string>();
  const units = new Set<number>();
  const anchors = new Set<string>();
  for (const s of secrets) {
    for (let i = 0; i + FRAGMENT_CHARS <= s.length; i++) windows.add(s.slice(i, i + FRAGMENT_CHARS));
    for (let i = 0; i < s.length; i++) units.add(s.charCodeAt(i));
    for (let i = 0; i + ANCHOR_CHARS <= s.length; i += ANCHOR_CHARS) anchors.add(s.slice(i, i + ANCHOR_CHARS));
  }
  const cls = [...units].map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('');
  const anyAnchor = new RegExp([...anchors].map(escapeRegExp).join('|'));
  fragmentsFor = { key, windows, runs: new RegExp(`[${cls}]{${FRAGMENT_CHARS},}`, 'g'), anchors: anyAnchor };
  return fragmentsFor;
}

/**
 * `text` with every run covered by fragments of the secrets replaced by one "[redacted]". A fragment
 * can only lie inside a run of characters that all occur in some secret, so the regex engine finds
 * those runs and only windows inside them are looked up. This runs on every result, log line and
 * output write: a JavaScript loop over every character was hot enough at start-up (the tools/list
 * answer) to wake V8's optimising compilers, which cost the idle server ~4 MB of memory.
 */
function dropFragments(text: string, { windows, runs, anchors }: Fragments): string {
  if (text.length < FRAGMENT_CHARS || !anchors.test(text)) return text;
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
  return text ? scrubber(extra)(text) : text;
}

/**
 * Nothing shorter can hold anything scrubbed: a secret has MIN_SECRET_CHARS, a fragment
 * FRAGMENT_CHARS, a header value its name ("x-api-key") and a separator, a bearer token 16.
 */
const SHORTEST_SCRUBBED = MIN_SECRET_CHARS;

/**
 * A scrubber for many strings at once (a tool result, an audit entry): the secrets and their
 * fragments are gathered once, not once per string. A page of 1,000 sandboxes has ~50,000 strings
 * (keys included), so the per-string path is kept to the checks that can find something.
 */
export function scrubber(extra: readonly string[] = []): (text: string) => string {
  const secrets = knownSecrets(extra);
  const long = secrets.filter((s) => s.length >= FRAGMENT_CHARS);
  const fragments = long.length ? fragmentsOf(long) : undefined;
  return (text) => (text && text.length >= SHORTEST_SCRUBBED ? scrubWith(text, secrets, fragments) : text);
}

function scrubWith(text: string, secrets: readonly string[], fragments: Fragments | undefined): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (fragments) out = dropFragments(out, fragments);
  if (HEADER_WORDS.test(out)) {
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
 * Every string (and object key) in a JSON-like value scrubbed. The value is never changed: what holds
 * something to scrub is copied, what does not is returned as it is (nearly always all of it — a page
 * of 1,000 sandboxes is not rebuilt to change nothing). Depth-bounded, so a hostile, deeply nested
 * value cannot exhaust the stack.
 */
export function scrubValue<T>(value: T, extra: readonly string[] = []): T {
  const clean = scrubber(extra);
  // Object keys repeat in every item of a list: each distinct one is scrubbed once per value.
  const keys = new Map<string, string>();
  const cleanKey = (k: string) => {
    let c = keys.get(k);
    if (c === undefined) keys.set(k, (c = clean(k)));
    return c;
  };
  return scrubEach(value, clean, cleanKey, 0);
}

function scrubEach<T>(value: T, clean: (text: string) => string, cleanKey: (key: string) => string, depth: number): T {
  if (typeof value === 'string') return clean(value) as T;
  if (!value || typeof value !== 'object') return value;
  if (depth > 64) return '[too deep]' as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = scrubEach(value[i], clean, cleanKey, depth + 1);
      if (v !== value[i] && !out) out = value.slice(0, i);
      if (out) out.push(v);
    }
    return (out ?? value) as T;
  }
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const old = (value as Record<string, unknown>)[k];
    const key = cleanKey(k);
    const v = scrubEach(old, clean, cleanKey, depth + 1);
    if (!out && (key !== k || v !== old)) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j] as string, (value as Record<string, unknown>)[keys[j] as string]);
    }
    if (out) define(out, key, v);
  }
  return (out ?? value) as T;
}

/** A "__proto__" key stays data: defined as an own property, never the copy's prototype. */
function define(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** Whether JSON writes `s` otherwise than as it is (a quote, a backslash, a control character, a lone surrogate). */
const jsonEscapes = (s: string) => JSON.stringify(s) !== `"${s}"`;

/**
 * The JSON text of `value` with every string in it (keys too) scrubbed: `JSON.stringify(scrubValue(value))`,
 * nearly always without walking the value. Whether any string could need scrubbing is decided on the
 * text in one pass: a secret, the half-fragment blocks the fragment rule starts from and the words the
 * header rules need each appear in the text exactly as in the strings it was made of, as long as no
 * secret has a character JSON escapes (then every string is scrubbed, as scrubValue does). The one
 * difference: a value nested deeper than scrubValue walks (64 levels; no result of ours is) is sent
 * whole, its text having been checked whole.
 */
export function scrubbedJson(value: unknown, extra: readonly string[] = []): string {
  const text = JSON.stringify(value);
  return mayNeedScrub(text, knownSecrets(extra)) ? JSON.stringify(scrubValue(value, extra)) : text;
}

function mayNeedScrub(text: string, secrets: readonly string[]): boolean {
  if (HEADER_WORDS.test(text)) return true;
  const long: string[] = [];
  for (const secret of secrets) {
    if (jsonEscapes(secret) || text.includes(secret)) return true;
    if (secret.length >= FRAGMENT_CHARS) long.push(secret);
  }
  return long.length > 0 && fragmentsOf(long).anchors.test(text);
}
