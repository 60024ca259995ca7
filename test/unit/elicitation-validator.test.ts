// The validator the MCP server hands the SDK for elicitation answers (src/mcp/elicitation-validator.ts):
// it replaces Ajv in the bundle, so it must check the flat forms this server asks for as strictly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flatFormValidator } from '../../src/mcp/elicitation-validator';

const confirmForm = { type: 'object', properties: { confirm: { type: 'boolean', title: 'Delete these sandboxes', default: false } }, required: ['confirm'] } as const;

test('a flat form: the right answer passes, wrong types, missing required and extra fields fail', () => {
  const check = flatFormValidator<{ confirm: boolean }>(confirmForm);
  assert.deepEqual(check({ confirm: true }), { valid: true, data: { confirm: true }, errorMessage: undefined });
  assert.equal(check({ confirm: 'yes' }).valid, false);
  assert.match(check({ confirm: 'yes' }).errorMessage ?? '', /"confirm" must be a boolean/);
  assert.match(check({}).errorMessage ?? '', /"confirm" is required/);
  assert.match(check({ confirm: true, also: 1 }).errorMessage ?? '', /"also" was not asked for/);
  for (const bad of [null, [], 'confirm', 1]) assert.equal(check(bad).valid, false, JSON.stringify(bad));
});

test('numbers and integers are told apart; optional fields may be left out', () => {
  const check = flatFormValidator({ type: 'object', properties: { n: { type: 'integer' }, x: { type: 'number' }, s: { type: 'string' } }, required: ['n'] });
  assert.equal(check({ n: 2 }).valid, true);
  assert.equal(check({ n: 2.5 }).valid, false);
  assert.equal(check({ n: 2, x: 2.5, s: 'a' }).valid, true);
  assert.equal(check({ n: 2, x: Number.NaN }).valid, false);
});

test('a schema outside the flat-form shape is refused, not half-checked', () => {
  assert.throws(() => flatFormValidator({ type: 'object', properties: { nested: { type: 'object' } } }), /unsupported elicitation schema/);
  assert.throws(() => flatFormValidator({ type: 'array' }), /unsupported elicitation schema/);
});
