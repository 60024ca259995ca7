// The CLI's option helpers shared by start, init and config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portOption, toolsOption, UsageError } from '../../src/cli/args';
import { TOOL_NAMES } from '../../src/core/tools';

test('--tools: comma list, trimmed, empty items dropped, names checked against the registry', () => {
  assert.equal(toolsOption(undefined, TOOL_NAMES), undefined);
  assert.equal(toolsOption(true, TOOL_NAMES), undefined);
  assert.deepEqual(toolsOption(` ${TOOL_NAMES[0]} ,,${TOOL_NAMES[1]}`, TOOL_NAMES), [TOOL_NAMES[0], TOOL_NAMES[1]]);
  assert.deepEqual(toolsOption('', TOOL_NAMES), []);
  assert.throws(() => toolsOption(`${TOOL_NAMES[0]},rm_rf`, TOOL_NAMES), (e: unknown) => e instanceof UsageError && /Unknown tool name\(s\): rm_rf/.test(e.message));
});

test('--port: one validator; 0 (any free port) only where the caller binds it', () => {
  assert.equal(portOption(undefined, 47833), 47833);
  assert.equal(portOption('8080', 1), 8080);
  assert.equal(portOption('0', 1, { anyFree: true }), 0);
  assert.throws(() => portOption('0', 1), /1–65535/);
  for (const bad of ['65536', '-1', '1.5', 'http']) {
    assert.throws(() => portOption(bad, 1, { anyFree: true }), (e: unknown) => e instanceof UsageError && /0–65535/.test(e.message), bad);
  }
  assert.throws(() => portOption(undefined, 70000), UsageError);
});

test('client names become valid label values; the creation limit admits or refuses whole', async () => {
  const { clientLabelValue, CreationLimit, admitCreation } = await import('../../src/core/creation-guard');
  assert.equal(clientLabelValue('Visual Studio Code'), 'Visual-Studio-Code');
  assert.equal(clientLabelValue('  --claude-ai/desktop!! '), 'claude-ai-desktop');
  assert.equal(clientLabelValue('x'.repeat(100)).length, 63);
  assert.equal(clientLabelValue('***'), 'unknown');
  assert.equal(clientLabelValue(undefined), 'unknown');
  const refused: number[] = [];
  const limit = new CreationLimit({ max: 3, howToRaise: '--max-create N', onRefused: (f) => refused.push(f.requested) });
  const ctx = { origin: { client: 'c' }, creationLimit: limit };
  assert.deepEqual(admitCreation(ctx, 'create_sandbox', 2).labels, { 'daytona-mcp.made-by': 'agent', 'daytona-mcp.client': 'c' });
  assert.throws(() => admitCreation(ctx, 'create_sandbox', 2), /at most 3 sandboxes.*1 left/);
  assert.equal(limit.created, 2);
  admitCreation(ctx, 'create_sandbox', 1).release(1);
  assert.equal(limit.created, 2);
  assert.deepEqual(refused, [2]);
  assert.deepEqual(admitCreation({}, 'create_sandbox', 99).labels, {}, 'no origin, no limit: the editor and the CLI');
  assert.doesNotThrow(() => new CreationLimit({ max: 0, howToRaise: '' }).reserve('create_sandbox', 1e6));
});
