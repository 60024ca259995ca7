/**
 * The audit log scrubs twice, and each pass guards what the other cannot see:
 *  - each value before it is clipped (a key cut in half by the clip would no longer match), and
 *  - the whole line (a value is only a secret by its key's name: `"Authorization":"Basic …"`).
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
