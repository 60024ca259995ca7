/**
 * Issue 14 over MCP (built dist/cli.js, official client, emulator): the listed text stays compact for
 * a page of 1,000, and delete_sandbox asks through elicitation above three sandboxes.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { serverPool, textOf as text, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';

let emu: Emulator;
const servers = serverPool(() => emu.url);

async function serverAnswering(answer: 'accept' | 'decline' | undefined): Promise<{ s: SpawnedServer; asked: string[] }> {
  const asked: string[] = [];
  const s = await servers.spawn({ capabilities: answer ? { elicitation: {} } : {} });
  if (answer) {
    s.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
  }
  return { s, asked };
}

before(async () => (emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 20 })));
after(async () => {
  await servers.closeAll();
  await emu.close();
});
beforeEach(() => emu.reset('none'));

test('a page of 1,000 listed sandboxes averages at most 120 bytes of text per sandbox, idle time included', async () => {
  const projects = ['autoviral', 'storefront', 'data-pipeline', 'development'];
  for (let i = 0; i < 1000; i++) {
    emu.seedSandbox({
      name: `${projects[i % 4]}-svc-${i}`,
      state: i % 3 ? 'stopped' : 'started',
      labels: { project: projects[i % 4]! },
      lastActivityAt: Date.now() - (i % 90) * 86_400_000,
    });
  }
  const { s } = await serverAnswering(undefined);
  const r = (await s.client.callTool({ name: 'list_sandboxes', arguments: { limit: 1000 } })) as CallToolResult;
  const lines = text(r).split('\n').filter((l) => l.startsWith('- '));
  assert.equal(lines.length, 1000);
  const perSandbox = Buffer.byteLength(lines.join('\n')) / lines.length;
  assert.ok(perSandbox <= 120, `${perSandbox.toFixed(1)} bytes per sandbox`);
  for (const l of lines) assert.match(l, /^- \S+ \([0-9a-f-]{36}\) (started|stopped), \d+ CPU\/\d+ GiB\/\d+ GiB, project=\S+, idle \d+ (s|min|h|d|mo)$/);
});

describe('delete_sandbox asks before deleting more than three', () => {
  const seedFive = () => Array.from({ length: 5 }, (_, i) => emu.seedSandbox({ name: `batch-${i}`, state: 'stopped' }).name);

  test('decline deletes nothing and says so', async () => {
    const names = seedFive();
    const { s, asked } = await serverAnswering('decline');
    const r = (await s.client.callTool({ name: 'delete_sandbox', arguments: { sandboxes: names } })) as CallToolResult;
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /5 sandboxes.*batch-0.*batch-4/);
    assert.match(text(r), /declined; nothing was deleted/);
    assert.equal(emu.sandboxes().length, 5);
  });

  test('accept deletes them all and names each', async () => {
    const names = seedFive();
    const { s, asked } = await serverAnswering('accept');
    const r = (await s.client.callTool({ name: 'delete_sandbox', arguments: { sandboxes: names } })) as CallToolResult;
    assert.equal(asked.length, 1);
    for (const n of names) assert.match(text(r), new RegExp(`${n} \\(id`));
    assert.equal(emu.sandboxes().length, 0);
  });

  test('three or fewer are deleted without asking', async () => {
    const names = seedFive().slice(0, 3);
    const { s, asked } = await serverAnswering('decline');
    await s.client.callTool({ name: 'delete_sandbox', arguments: { sandboxes: names } });
    assert.equal(asked.length, 0);
    assert.equal(emu.sandboxes().length, 2);
  });

  test('a client without elicitation deletes as asked', async () => {
    const names = seedFive();
    const { s } = await serverAnswering(undefined);
    await s.client.callTool({ name: 'delete_sandbox', arguments: { sandboxes: names } });
    assert.equal(emu.sandboxes().length, 0);
  });
});
