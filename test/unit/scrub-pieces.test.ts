/**
 * The scrubber's rules for pieces of secrets and for URLs in API text, and the one rule for where
 * credentials may be sent (core/scrub.ts, core/credential-scope.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrls, scrub, scrubValue, REDACTED } from '../../src/core/scrub';
import { mayCarryCredentials } from '../../src/core/credential-scope';

const KEY = 'unit-secret-4f8a1c9e2b7d6a3f5e0c8b1d9a';

test('any 12 consecutive characters of a secret are removed; runs merge into one marker', () => {
  assert.equal(scrub(`preview "${KEY.slice(0, 18)}…"`, [KEY]), `preview "${REDACTED}…"`);
  assert.equal(scrub(`tail: ${KEY.slice(-20)}\nnext`, [KEY]), `tail: ${REDACTED}\nnext`);
  assert.equal(scrub(`a ${KEY.slice(3, 15)} b ${KEY.slice(10, 30)} c`, [KEY]), `a ${REDACTED} b ${REDACTED} c`);
  // 11 characters are not a piece; ordinary text is left alone.
  assert.equal(scrub(`x ${KEY.slice(0, 11)} y`, [KEY]), `x ${KEY.slice(0, 11)} y`);
  assert.equal(scrub('Created 3 sandboxes: alpha, beta, gamma', [KEY]), 'Created 3 sandboxes: alpha, beta, gamma');
});

test('secrets shorter than a piece are replaced only whole', () => {
  assert.equal(scrub('abcdefghij and abcdefgh', ['abcdefghij']), `${REDACTED} and abcdefgh`);
});

test('the shortest texts that hold something are still scrubbed (short strings are skipped below them)', () => {
  assert.equal(scrub('abcdefgh', ['abcdefgh']), REDACTED, 'a secret of the minimum length, alone');
  assert.equal(scrub('x-api-key=a'), `x-api-key=${REDACTED}`, 'the shortest header value');
  assert.deepEqual(scrubValue({ k: 'abcdefgh', abcdefgh: 1 }, ['abcdefgh']), { k: REDACTED, [REDACTED]: 1 });
});

test('URLs in API error text keep scheme and host, not tokens, user info, path or query', () => {
  assert.equal(redactUrls('see https://8080-Sg7hT2kLq9Wz4Xc8Vb3N.proxy.daytona.works/x?token=abc now'), `see https://${REDACTED}.proxy.daytona.works/… now`);
  assert.equal(redactUrls('at http://127.0.0.1:3000/preview/8080-Sg7hT2kLq9Wz4Xc8Vb3N'), 'at http://127.0.0.1:3000/…');
  assert.equal(redactUrls('via https://user:pw@proxy.example.com'), `via https://${REDACTED}@proxy.example.com`);
  assert.equal(redactUrls('https://app.daytona.io/'), 'https://app.daytona.io/');
  assert.equal(redactUrls('no url here'), 'no url here');
});

test('credentials go to the API origin, or over https to the API\'s own domain — nowhere else', () => {
  const api = 'https://app.daytona.io/api';
  assert.equal(mayCarryCredentials('https://app.daytona.io/api/sandbox/x/build-logs', api), true);
  assert.equal(mayCarryCredentials('https://proxy.app.daytona.io/sandboxes/x/build-logs', api), true);
  assert.equal(mayCarryCredentials('https://proxy.daytona.io/x', api), true);
  assert.equal(mayCarryCredentials('http://proxy.app.daytona.io/x', api), false, 'plain http');
  assert.equal(mayCarryCredentials('https://evil.example/x', api), false);
  assert.equal(mayCarryCredentials('https://daytona.io.evil.example/x', api), false);
  assert.equal(mayCarryCredentials('https://u:p@app.daytona.io/x', api), false);
  assert.equal(mayCarryCredentials('http://127.0.0.1:4000/api/x', 'http://127.0.0.1:4000/api'), true, 'the emulator itself');
  assert.equal(mayCarryCredentials('http://localhost:4000/api/x', 'http://127.0.0.1:4000/api'), false);
  assert.equal(mayCarryCredentials('http://127.0.0.1:4001/x', 'http://127.0.0.1:4000/api'), false);
  assert.equal(mayCarryCredentials('not a url', api), false);
});

test('every 12-character piece of a secret is found at every offset, whatever characters the secret has', () => {
  // The fast check looks for one of the secret's 6-character blocks first; a piece starting anywhere holds one.
  const secrets = [KEY, 'dtn_' + 'a3f9c2e17b4d8f0e6c5a9b2d1e7f3c8a4b6d0e9f2a7c1b5d8e3f6a0c9b4d7e2f', 'k.*+?^${}()|[]\\/-ünï©ødé-🔑-x0123456789'];
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      for (const len of [12, 13, 17]) {
        const piece = secret.slice(i, i + len);
        if (piece.length < 12) continue;
        const out = scrub(`before ${piece} after`, [secret]);
        assert.equal(out, `before ${REDACTED} after`, `piece at ${i} (${len}) of ${JSON.stringify(secret.slice(0, 8))}…`);
      }
    }
  }
});

test('scrubValue copies only what it changes, never changes its input, and keeps "__proto__" keys as data', () => {
  const page = { sandboxes: [{ id: 'a1', name: 'alpha', labels: { team: 'x' } }, { id: 'b2', name: `leak ${KEY.slice(2, 20)}` }], nextCursor: null };
  const before = JSON.stringify(page);
  const clean = scrubValue(page, [KEY]);
  assert.equal(JSON.stringify(page), before, 'the input is unchanged');
  assert.notEqual(clean, page);
  assert.equal(clean.sandboxes[0], page.sandboxes[0], 'an item with nothing to scrub is not copied');
  assert.equal(clean.sandboxes[1]!.name, `leak ${REDACTED}`);
  const untouched = { a: ['x', { b: 'plain text long enough' }], n: 1 };
  assert.equal(scrubValue(untouched, [KEY]), untouched, 'nothing to scrub: the very same value');

  const hostile = JSON.parse(`{"__proto__": {"polluted": "${KEY}"}, "${KEY}": "key as a key"}`) as Record<string, unknown>;
  const out = scrubValue(hostile, [KEY]) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', REDACTED]);
  assert.equal(JSON.stringify(out), `{"__proto__":{"polluted":"${REDACTED}"},"${REDACTED}":"key as a key"}`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
