/**
 * core/invoke.ts, the one validate-and-run path of the MCP server and the editor: real tools
 * against the emulator over HTTP, plus a tool defined here whose handler throws what an SDK or a
 * bug would throw.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { testContext, type TestContext } from '../helpers/context';
import { SENTINEL_KEY } from '../helpers/secrets';
import { invokeTool } from '../../src/core/invoke';
import { defineTool } from '../../src/core/tool';
import { getSandbox } from '../../src/core/tools/get_sandbox';
import { stopSandbox } from '../../src/core/tools/stop_sandbox';
import { ALL_TOOLS, LIFECYCLE_TOOLS } from '../../src/core/tools';
import type { LifecycleAction } from '../../src/core/types';

let emu: Emulator;
let ctx: TestContext;

before(async () => {
  emu = await startEmulator({ apiKeys: [SENTINEL_KEY], transitionMs: 60 });
  ctx = testContext(emu.url);
});
after(async () => {
  await ctx.provider.dispose();
  await emu.close();
});

test('valid arguments run the handler and return its outcome', async () => {
  emu.seedSandbox({ name: 'web', state: 'started' });
  const r = await invokeTool(stopSandbox, { sandboxes: ['web'] }, ctx);
  assert.ok(r.ok);
  assert.equal(r.outcome.data.succeeded, 1);
  assert.equal(emu.sandboxes().find((s) => s.name === 'web')?.state, 'stopped');
});

test('schema issues become one invalid_input error naming every field; the handler never runs', async () => {
  const before = emu.stats().requests.length;
  const r = await invokeTool(stopSandbox, { sandboxes: [], wait: 'yes' }, ctx);
  assert.ok(!r.ok);
  assert.equal(r.stage, 'input');
  assert.equal(r.error.kind, 'invalid_input');
  assert.match(r.error.message, /^Invalid arguments for stop_sandbox: sandboxes: .*at least one.*; wait: /);
  assert.match(r.error.hint, /input schema/);
  assert.equal(emu.stats().requests.length, before, 'no API request was made');
});

test('missing arguments are read as {} and an issue at the top is named "(arguments)"', async () => {
  const r = await invokeTool(getSandbox, undefined, ctx);
  assert.ok(!r.ok);
  assert.match(r.error.message, /Invalid arguments for get_sandbox: sandbox: /);
  const notObject = await invokeTool(getSandbox, 'web', ctx);
  assert.ok(!notObject.ok);
  assert.match(notObject.error.message, /\(arguments\): /);
});

test('prototype keys are refused anywhere in the arguments, with their path', async () => {
  const args = JSON.parse('{"sandbox":"web","labels":{"__proto__":{"x":1}}}') as unknown;
  const r = await invokeTool(getSandbox, args, ctx);
  assert.ok(!r.ok);
  assert.equal(r.stage, 'input');
  assert.match(r.error.message, /the key "labels\.__proto__" is not allowed/);
});

test('what a handler throws comes back as a ToolError of the run stage', async () => {
  const failing = defineTool({
    name: 'failing',
    title: 'Failing',
    description: 'Throws what the SDK throws on a 404.',
    input: z.strictObject({}),
    output: z.object({}),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: () => Promise.reject(Object.assign(new Error('Sandbox nope not found'), { name: 'DaytonaNotFoundError', statusCode: 404 })),
  });
  const r = await invokeTool(failing, {}, ctx);
  assert.ok(!r.ok);
  assert.equal(r.stage, 'run');
  assert.equal(r.error.kind, 'not_found');
  assert.equal(r.error.message, 'Sandbox nope not found');
});

test('an API failure inside a real tool maps the same way (bad key → auth)', async () => {
  const wrong = testContext(emu.url, { apiKey: 'not-the-key' });
  try {
    const r = await invokeTool(getSandbox, { sandbox: 'web' }, wrong);
    assert.ok(!r.ok);
    assert.equal(r.stage, 'run');
    assert.equal(r.error.kind, 'auth');
  } finally {
    await wrong.provider.dispose();
  }
});

test('LIFECYCLE_TOOLS: each action\'s tool is registered and its summary uses the words the editor reads from it', async () => {
  emu.seedSandbox({ name: 'cycle', state: 'stopped' });
  for (const action of ['start', 'stop', 'archive', 'delete'] as LifecycleAction[]) {
    const tool = LIFECYCLE_TOOLS[action];
    assert.ok(ALL_TOOLS.includes(tool), `${tool.name} is in ALL_TOOLS`);
    assert.equal(tool.lifecycle.action, action);
    assert.equal(tool.lifecycle.verb, action);
    assert.match(tool.lifecycle.ongoing, /^[A-Z][a-z]+ing$/);
    const r = await invokeTool(tool, { sandboxes: ['cycle'], wait: true }, ctx);
    assert.ok(r.ok, `${action}: ${r.ok ? '' : r.error.message}`);
    assert.match(r.outcome.summary, new RegExp(`^1 sandbox ${tool.lifecycle.pastTense}\\.`));
  }
  assert.equal(emu.sandboxes().some((s) => s.name === 'cycle'), false, 'deleted at the end');
});
