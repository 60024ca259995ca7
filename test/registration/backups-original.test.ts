/**
 * `.daytona-original` is the file before our first edit, byte for byte, and never replaced — even
 * when later edits keep the same comments (so a content check by pattern could not tell them apart).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertServerEntry } from '../../src/registration/config-edit';

test('.daytona-original keeps the exact bytes before the first edit through later edits', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cfg-original-'));
  const path = join(dir, 'mcp.json');
  const before = '\uFEFF{\r\n  // mine\r\n  "mcpServers": { "other": { "command": "x" } }\r\n}\r\n';
  await writeFile(path, before);
  for (let i = 0; i < 4; i++) await upsertServerEntry({ path, topKey: 'mcpServers', name: 'daytona', entry: { command: `node-${i}` } });
  assert.equal(await readFile(`${path}.daytona-original`, 'utf8'), before);
  assert.match(await readFile(`${path}.bak`, 'utf8'), /node-2/, '.bak is the version before the last edit');
});
