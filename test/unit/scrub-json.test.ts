/**
 * scrubbedJson (core/scrub.ts): the text the stdio transport writes is always JSON.stringify(scrubValue(v)),
 * whether its one pass over the text let the value through as it is or sent it to scrubValue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, scrubValue, scrubbedJson } from '../../src/core/scrub';

const KEY = 'json-secret-4f8a1c9e2b7d6a3f5e0c8b1d9a';
const SHORT = 'k9Xq2Lm8w'; // 9 characters: replaced only whole
const QUOTED = 'quote"in-secret-0123456789'; // JSON escapes it: the text cannot show it as it is
const same = (value: unknown, secrets: readonly string[], what: string) =>
  assert.equal(scrubbedJson(value, secrets), JSON.stringify(scrubValue(value, secrets)), what);

test('holding nothing to scrub, a value is written as it is', () => {
  const page = { sandboxes: Array.from({ length: 50 }, (_, i) => ({ id: `id-${i}`, name: `web-${i}`, labels: { project: 'p', owner: 'ana' } })), nextCursor: null };
  assert.equal(scrubbedJson(page, [KEY, SHORT]), JSON.stringify(page));
});

test('a secret, a piece of one, a header value or a bearer token anywhere — value or key, at any depth — is scrubbed as scrubValue scrubs it', () => {
  const cases: Array<[string, unknown]> = [
    ['the key in a value', { content: [{ type: 'text', text: `bad key ${KEY}` }] }],
    ['the key as an object key', { labels: { [KEY]: 'x' } }],
    ['12 characters of the key', { error: `echo ${KEY.slice(5, 17)} end` }],
    ['a short secret whole', { name: `box-${SHORT}` }],
    ['a short secret cut (left alone by both)', { name: SHORT.slice(0, 8) }],
    ['an Authorization header echoed', { body: 'Authorization: Basic dXNlcjpwYXNz' }],
    ['a JSON-quoted header echoed', { body: '{"authorization":"Bearer abcdefghijklmnopqrstuvwx"}' }],
    ['a bearer token', { text: 'token: bearer abcdefghijklmnopqrstuvwxyz012345' }],
    ['the words without a value', { text: 'authorization required; see api-key docs' }],
    ['deep in arrays', [[[[{ a: [`x${KEY}y`] }]]]]],
    ['a "__proto__" key holding the key', JSON.parse(`{"__proto__": {"v": "${KEY}"}}`)],
    ['escapes around a piece', { text: `line\n"${KEY.slice(0, 14)}"\t\\` }],
  ];
  for (const [what, value] of cases) same(value, [KEY, SHORT], what);
  assert.ok(!scrubbedJson(cases[0]![1], [KEY]).includes(KEY));
  assert.ok(scrubbedJson(cases[0]![1], [KEY]).includes(REDACTED));
});

test('a secret with a character JSON escapes is never looked for in the text: every string is scrubbed', () => {
  const value = { text: `it was ${QUOTED}`, [QUOTED]: 1, piece: QUOTED.slice(2, 16) };
  same(value, [QUOTED], 'a quote in the secret');
  assert.ok(!scrubbedJson(value, [QUOTED]).includes(JSON.stringify(QUOTED).slice(1, -1)));
  same({ text: 'line\nbreak-secret-0123456789 here' }, ['line\nbreak-secret-0123456789'], 'a newline in the secret');
  // Shorter than a piece, so only the whole secret is looked for — and the text holds it escaped.
  const short = 'a"b\\c"d\ne';
  same({ text: `x ${short} y` }, [short], 'a short secret of escaped characters');
  assert.ok(scrubbedJson({ text: short }, [short]).includes(REDACTED));
});

test('random values built from pieces of the secrets: the text is always what scrubValue gives', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pieces = [KEY, SHORT, 'Bearer ', 'authorization=', 'x-api-key: ', '"', '\\', '\n', 'ü', '名前', ' ', 'web-', '0123'];
  const word = () => {
    let s = '';
    for (let i = rand(5); i >= 0; i--) {
      const p = pieces[rand(pieces.length)]!;
      const from = rand(p.length);
      s += rand(3) ? p.slice(from, from + 1 + rand(p.length)) : p;
    }
    return s;
  };
  const valueOf = (depth: number): unknown => {
    const k = rand(depth > 3 ? 3 : 6);
    if (k === 0) return word();
    if (k === 1) return rand(1000);
    if (k === 2) return null;
    if (k === 3) return Array.from({ length: rand(4) }, () => valueOf(depth + 1));
    return Object.fromEntries(Array.from({ length: rand(4) }, () => [word(), valueOf(depth + 1)]));
  };
  for (let i = 0; i < 3000; i++) same({ result: valueOf(0) }, [KEY, SHORT], `random value ${i}`);
});
