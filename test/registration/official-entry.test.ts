// Daytona's policy over the text edits: the official Daytona CLI entry is reported, never touched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { RegistrationError } from '../../src/registration/errors';
import { upsertInText } from '../../src/registration/jsonc-text';
import { isOfficialDaytonaEntry, planRemove, planUpsert } from '../../src/registration/official-entry';
import { ENTRY, OFFICIAL_UNDER_OUR_NAME, VALID } from './fixtures';

const target = { topKey: 'mcpServers', name: 'daytona', file: '/cfg/mcp.json' };
const refused = (e: unknown) => e instanceof RegistrationError && e.code === 'official_entry';

test('official daytona-mcp entry is reported and left untouched', () => {
  const f = VALID.find((v) => v.name === 'official daytona-mcp entry');
  assert.ok(f);
  const plan = planUpsert(f.text, target, ENTRY);
  assert.equal(plan.officialEntryPresent, true);
  const official = f.text.slice(0, f.text.indexOf('    }\n  }') + 5); // through the entry's closing brace
  assert.ok(plan.newText.startsWith(official));
  assert.deepEqual((parse(plan.newText) as { mcpServers: unknown }).mcpServers, { 'daytona-mcp': { command: 'daytona', args: ['mcp', 'start'] }, daytona: ENTRY });
  const removed = planRemove(plan.newText, target);
  assert.equal(removed.officialEntryPresent, true);
  assert.equal(removed.newText, f.text);
});

test('no official entry beside ours: nothing to report', () => {
  const f = VALID.find((v) => v.name === 'existing daytona entry between neighbours');
  assert.ok(f);
  assert.equal(planUpsert(f.text, { ...target, topKey: f.topKey }, ENTRY).officialEntryPresent, false);
  assert.equal(planRemove('{"mcpServers": {"a": 1}}', target).officialEntryPresent, false);
});

test('the official CLI entry is never overwritten or removed, whatever its name', () => {
  for (const run of [() => planUpsert(OFFICIAL_UNDER_OUR_NAME, target, ENTRY), () => planRemove(OFFICIAL_UNDER_OUR_NAME, target)]) {
    assert.throws(run, refused);
  }
  const official = '{"mcpServers": {"daytona-mcp": {"command": "daytona", "args": ["mcp", "start"]}}}';
  const named = { ...target, name: 'daytona-mcp' };
  assert.throws(() => planRemove(official, named), refused);
  assert.throws(() => planUpsert('{}', named, ENTRY), refused);
  // Removing a name that is not there changes nothing, so there is nothing to refuse.
  assert.equal(planRemove('{}', named).changed, false);
});

test('the policy is not the text layer: jsonc-text edits any entry it is asked to', () => {
  assert.equal(upsertInText(OFFICIAL_UNDER_OUR_NAME, target, ENTRY).changed, true);
});

test('isOfficialDaytonaEntry', () => {
  assert.equal(isOfficialDaytonaEntry('daytona-mcp', {}), true);
  assert.equal(isOfficialDaytonaEntry('x', { command: 'daytona', args: ['mcp', 'start'] }), true);
  assert.equal(isOfficialDaytonaEntry('x', { command: '/opt/homebrew/bin/daytona', args: ['mcp', 'start', '--v'] }), true);
  assert.equal(isOfficialDaytonaEntry('x', { command: 'C:\\Tools\\Daytona.exe', args: ['mcp', 'start'] }), true);
  assert.equal(isOfficialDaytonaEntry('daytona', { command: 'node', args: ['/cli.js', 'start'] }), false);
  assert.equal(isOfficialDaytonaEntry('x', { command: 'daytona', args: ['sandbox', 'list'] }), false);
  assert.equal(isOfficialDaytonaEntry('x', { command: 'not-daytona', args: ['mcp', 'start'] }), false);
  assert.equal(isOfficialDaytonaEntry('x', null), false);
});
