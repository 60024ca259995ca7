/**
 * The audit log scrubs twice, and each pass guards what the other cannot see:
 *  - each value before it is clipped (a key cut in half by the clip would no longer match), and
 *  - the whole line (a value is only a secret by its key's name: `"Authorization":"Basic …"`).
 * The value pass also finds a secret that reads differently inside JSON (a quote, a backslash, a
 * control character), which the line pass sees escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/core/audit-log';
import { SENTINEL_KEY } from '../helpers/secrets';

const logAt = () => join(mkdtempSync(join(tmpdir(), 'audit-scrub-')), 'daytona-mcp.log');

test('a value named as a credential by its key is redacted (the line pass)', () => {
  const path = logAt();
  const log = new AuditLog({ path, secrets: () => [SENTINEL_KEY] });
  log.write('api_call', { error: { request: { headers: { Authorization: 'Basic dXNlcjpwYXNzd29yZA==', 'x-api-key': 'plain-api-key-value' } } } });
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes('dXNlcjpwYXNzd29yZA'), text);
  assert.ok(!text.includes('plain-api-key-value'), text);
  assert.match(text, /\[redacted\]/);
});

test('a key that straddles the clipping limit leaves no fragment behind (the value pass)', () => {
  const path = logAt();
  const log = new AuditLog({ path, secrets: () => [SENTINEL_KEY] });
  // Each field is clipped at 4,000 characters: put the key across that edge, at every offset.
  for (let cut = 1; cut < SENTINEL_KEY.length; cut += 3) log.write('tool_call', { message: `${'x'.repeat(4_000 - cut)}${SENTINEL_KEY} tail` });
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes(SENTINEL_KEY.slice(0, 8)), 'no fragment of the key');
});

test('a secret that JSON escapes is still scrubbed from every value, whole and in pieces', () => {
  // In the line these read `\"`, `\\` and `\t`: only a pass over each value (before JSON) finds them.
  for (const secret of ['quote"in-the-middle-of-it', 'back\\slash-key-0123456789', 'tab\tand-newline\n-key-01234']) {
    const path = logAt();
    const log = new AuditLog({ path, secrets: () => [secret] });
    log.write('tool_call', { arguments: { note: `see ${secret} here` }, message: secret.slice(2, 16), list: [secret] });
    const entry = JSON.parse(readFileSync(path, 'utf8').trim()) as Record<string, unknown>;
    const text = JSON.stringify(entry);
    assert.ok(!text.includes(JSON.stringify(secret).slice(1, -1)), text);
    for (let i = 0; i + 12 <= secret.length; i++) {
      for (const value of [(entry.arguments as { note: string }).note, entry.message as string, (entry.list as string[])[0]!]) {
        assert.ok(!value.includes(secret.slice(i, i + 12)), `piece ${i} of ${JSON.stringify(secret)} in ${JSON.stringify(value)}`);
      }
    }
  }
});
