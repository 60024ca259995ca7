/**
 * The tool-definition budget (issue 14): every agent turn carries these bytes. Measured as a host
 * sees them — tools/list from the built dist/cli.js through the official MCP client — per tool, so the
 * budget holds for every tool added later.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServer, type SpawnedServer } from '../helpers/mcp-client';

/** What the model sees: name, description and input schema, as JSON. */
export const SEEN_BYTES_PER_TOOL = 600;
/** The whole tools/list answer (titles, annotations and output schemas too), as JSON. */
export const LIST_BYTES_PER_TOOL = 1200;

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

let server: SpawnedServer;
before(async () => (server = await spawnServer({ env: {} })));
after(() => server.close());

test(`what the model sees is at most ${SEEN_BYTES_PER_TOOL} bytes per tool, the whole tools/list at most ${LIST_BYTES_PER_TOOL}`, async () => {
  const { tools } = await server.client.listTools();
  assert.ok(tools.length > 0);
  const seen = tools.reduce((n, t) => n + bytes({ name: t.name, description: t.description, inputSchema: t.inputSchema }), 0);
  const whole = bytes({ tools });
  const report = `${tools.length} tools: model sees ${seen} B (${Math.round(seen / tools.length)}/tool), tools/list ${whole} B (${Math.round(whole / tools.length)}/tool)`;
  assert.ok(seen <= SEEN_BYTES_PER_TOOL * tools.length, report);
  assert.ok(whole <= LIST_BYTES_PER_TOOL * tools.length, report);
});

test('the guidance survives the diet: never invent ids, dry run first, confirm deletes, pagination', async () => {
  const { tools } = await server.client.listTools();
  const d = Object.fromEntries(tools.map((t) => [t.name, t.description ?? '']));
  assert.match(d.list_sandboxes!, /never invent ids/);
  assert.match(d.list_sandboxes!, /nextCursor/);
  assert.match(d.cleanup_sandboxes!, /dryRun=true first/);
  assert.match(d.cleanup_sandboxes!, /running only if "started"/);
  assert.match(d.delete_sandbox!, /Confirm the exact ones with the user/);
  assert.match(d.archive_sandbox!, /stop running ones first/);
  assert.match(d.create_sandbox!, /image \(needed for cpu\/memory\/disk\)/);
});

test('output schemas still let the official client validate results (state as text, no required lists)', async () => {
  const { tools } = await server.client.listTools();
  for (const t of tools) {
    assert.equal(t.outputSchema?.type, 'object', t.name);
    assert.doesNotMatch(JSON.stringify(t.outputSchema), /"enum":\["creating"/, `${t.name}: the state vocabulary is not repeated in results`);
  }
});
