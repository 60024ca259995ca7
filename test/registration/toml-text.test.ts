/** Codex's config.toml: our one table is added, replaced or removed; every other byte stays. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseToml } from 'smol-toml';
import { headerPath, readTomlEntries, removeFromToml, upsertInToml } from '../../src/registration/toml-text';
import { RegistrationError } from '../../src/registration/errors';
import { AGENT_FILES } from './fixtures';

/** Plain objects (smol-toml's tables have a null prototype). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary nested tables
type Doc = any;
const parse = (text: string): Doc => JSON.parse(JSON.stringify(parseToml(text)));

const target = { topKey: 'mcp_servers', name: 'daytona', file: '/home/me/.codex/config.toml' };
const ENTRY = { command: '/usr/bin/node', args: ['/home/me/.daytona/mcp/daytona-mcp.js', 'start'] };

const CODEX_CONFIG = AGENT_FILES.codex;

test('header lines: bare, quoted and spaced keys; anything else is not a header', () => {
  assert.deepEqual(headerPath('[mcp_servers.daytona]'), ['mcp_servers', 'daytona']);
  assert.deepEqual(headerPath('  [ mcp_servers . "day.tona" ] # c'), ['mcp_servers', 'day.tona']);
  assert.deepEqual(headerPath("[[a.'b c']]"), ['a', 'b c']);
  for (const line of ['a = [1]', '[unterminated', '[a] b', '["x]', '# [a]']) assert.equal(headerPath(line), undefined, line);
});

test('adding to a realistic file appends one table and keeps every byte before it', () => {
  const plan = upsertInToml(CODEX_CONFIG, target, ENTRY);
  assert.ok(plan.changed);
  assert.ok(plan.newText.startsWith(CODEX_CONFIG), 'the original text is a prefix');
  assert.equal(plan.newText.slice(CODEX_CONFIG.length), '\n[mcp_servers.daytona]\ncommand = "/usr/bin/node"\nargs = ["/home/me/.daytona/mcp/daytona-mcp.js", "start"]\n');
  const doc = parse(plan.newText) as Doc;
  assert.deepEqual(doc.mcp_servers.daytona, ENTRY);
  assert.equal(doc.mcp_servers.github.env.GITHUB_TOKEN_FILE, '/home/me/.gh');
  assert.match(doc.profiles.deep.notes, /\[mcp_servers\.daytona\]/);
  // Idempotent, and removal gives back the original bytes.
  assert.equal(upsertInToml(plan.newText, target, ENTRY).changed, false);
  assert.equal(removeFromToml(plan.newText, target).newText, CODEX_CONFIG);
});

test('replacing our table (and its env sub-table) keeps the comments and tables around it', () => {
  const before = 'a = 1\r\n\r\n# ours\r\n[mcp_servers.daytona]\r\ncommand = "old" # old one\r\nargs = []\r\n\r\n[mcp_servers.daytona.env]\r\nX = "1"\r\n\r\n# next table\r\n[tui]\r\nx = 2\r\n';
  const entry = { ...ENTRY, env: { ELECTRON_RUN_AS_NODE: '1' } };
  const plan = upsertInToml(before, target, entry);
  assert.deepEqual(plan.previousEntry, { command: 'old', args: [], env: { X: '1' } });
  assert.equal(
    plan.newText,
    'a = 1\r\n\r\n# ours\r\n[mcp_servers.daytona]\r\ncommand = "/usr/bin/node"\r\nargs = ["/home/me/.daytona/mcp/daytona-mcp.js", "start"]\r\nenv = { ELECTRON_RUN_AS_NODE = "1" }\r\n\r\n\r\n# next table\r\n[tui]\r\nx = 2\r\n',
  );
  assert.deepEqual((parse(plan.newText) as Doc).mcp_servers.daytona, entry);
});

test('lines inside a multi-line array are never taken for table headers', () => {
  const before = '[mcp_servers.daytona]\ncommand = "old"\nargs = [\n  "a", # [not.a.header]\n]\nmatrix = [\n  [1],\n[2]\n]\n\n[other]\nm = [\n[3],\n]\n';
  const plan = upsertInToml(before, target, ENTRY);
  assert.equal(plan.newText, `[mcp_servers.daytona]\ncommand = "/usr/bin/node"\nargs = ["/home/me/.daytona/mcp/daytona-mcp.js", "start"]\n\n[other]\nm = [\n[3],\n]\n`);
  assert.deepEqual(parse(plan.newText).other, { m: [[3]] });
});

test('empty file, file without a final newline, strings that need escaping', () => {
  assert.equal(upsertInToml('', target, ENTRY).newText, '[mcp_servers.daytona]\ncommand = "/usr/bin/node"\nargs = ["/home/me/.daytona/mcp/daytona-mcp.js", "start"]\n');
  assert.ok(upsertInToml('x = 1', target, ENTRY).newText.startsWith('x = 1\n\n[mcp_servers.daytona]\n'));
  const odd = { command: 'C:\\Program Files\\node.exe', args: ['a "quoted" \u0001 arg \u007f', 'ünï\u2028cödé\ttab'] };
  assert.deepEqual((parse(upsertInToml('', target, odd).newText) as Doc).mcp_servers.daytona, odd);
});

test('a broken file is refused with its line and column; an entry in another form is refused, not rewritten', () => {
  const broken = 'model = "x"\n[mcp_servers.github\ncommand = "y"\n';
  assert.throws(
    () => upsertInToml(broken, target, ENTRY),
    (err: unknown) => err instanceof RegistrationError && err.code === 'parse' && err.line === 2 && /line 2, column \d+/.test(err.message),
  );
  for (const other of ['[mcp_servers]\ndaytona = { command = "x", args = [] }\n', 'mcp_servers.daytona.command = "x"\n']) {
    assert.throws(() => upsertInToml(other, target, ENTRY), (err: unknown) => err instanceof RegistrationError && err.code === 'shape', other);
  }
  assert.deepEqual(Object.keys(readTomlEntries(CODEX_CONFIG, 'mcp_servers', 'f')), ['github']);
});
