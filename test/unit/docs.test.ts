import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

test('README and docs/tools.md carry the tool reference generated from the tool definitions', () => {
  const reference = execFileSync(process.execPath, [resolve(root, 'dist/cli.js'), 'tools'], { encoding: 'utf8' });
  assert.match(reference, /### `cleanup_sandboxes`/);
  for (const file of ['README.md', 'docs/tools.md']) {
    const text = readFileSync(resolve(root, file), 'utf8');
    const start = text.indexOf('-->', text.indexOf('<!-- tools:begin')) + 4;
    const end = text.indexOf('<!-- tools:end -->');
    assert.equal(text.slice(start, end), `${reference}\n`, `${file} is stale: run npm run docs`);
  }
});
