// Text-level edits over the fixture corpus: everything outside our entry must survive byte-for-byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScanner, findNodeAtLocation, parse, parseTree, type ParseError } from 'jsonc-parser';
import { RegistrationError } from '../../src/registration/errors';
import { detectFormat, readEntriesFromText, removeFromText, upsertInText } from '../../src/registration/jsonc-text';
import { BAD_SHAPES, ENTRY, INVALID, VALID, type Fixture } from './fixtures';

const NAME = 'daytona';

function target(f: Pick<Fixture, 'topKey'>) {
  return { topKey: f.topKey, name: NAME, file: '/cfg/mcp.json' };
}

function strictParse(text: string, allowEmpty = false): Record<string, unknown> {
  if (allowEmpty && onlySeparators(text)) return {};
  const errors: ParseError[] = [];
  const value = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true }) as unknown;
  assert.deepEqual(errors, [], 'result must parse');
  return (value ?? {}) as Record<string, unknown>;
}

function comments(text: string): string[] {
  const scanner = createScanner(text.replace(/^\uFEFF/, ''), false);
  const out: string[] = [];
  for (let kind = scanner.scan(); kind !== 17; kind = scanner.scan()) {
    if (kind === 12 || kind === 13) out.push(scanner.getTokenValue());
  }
  return out;
}

/** Range of the value of `daytona` in `text` (without BOM), if present. */
function entryValueRange(text: string, topKey: string): [number, number] | undefined {
  const root = parseTree(text.replace(/^\uFEFF/, ''), [], { allowTrailingComma: true });
  const node = root && findNodeAtLocation(root, [topKey, NAME]);
  return node ? [node.offset, node.offset + node.length] : undefined;
}

/**
 * Splits `after` against `before` into common prefix, changed middle and common suffix; returns the
 * two middles (what was replaced, and by what).
 */
function changedRegion(before: string, after: string): { removed: string; added: string } {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { removed: before.slice(p, before.length - s), added: after.slice(p, after.length - s) };
}

/** Only whitespace, commas and comments. */
function onlySeparators(text: string): boolean {
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== 17; kind = scanner.scan()) {
    if (![5, 12, 13, 14, 15].includes(kind)) return false;
  }
  return true;
}

function withoutKey(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  const copy = { ...(obj as Record<string, unknown>) };
  delete copy[key];
  return copy;
}

for (const f of VALID) {
  test(`upsert: ${f.name}`, () => {
    const plan = upsertInText(f.text, target(f), ENTRY);
    const out = plan.newText;
    assert.equal(plan.changed, true);
    if (f.expected !== undefined) assert.equal(out, f.expected);

    // The entry is there, and every other key (root and servers) has the same value as before.
    const before = strictParse(f.text, true);
    const after = strictParse(out);
    assert.deepEqual((after[f.topKey] as Record<string, unknown>)[NAME], ENTRY);
    assert.deepEqual(withoutKey(after, f.topKey), withoutKey(before, f.topKey));
    assert.deepEqual(withoutKey(after[f.topKey], NAME), withoutKey(before[f.topKey] ?? {}, NAME));

    // Byte-for-byte outside the entry.
    const range = entryValueRange(f.text, f.topKey);
    const bomLen = f.text.startsWith('\uFEFF') ? 1 : 0;
    if (range !== undefined) {
      const [start, end] = range;
      assert.ok(out.startsWith(f.text.slice(0, start + bomLen)), 'text before the entry value unchanged');
      assert.ok(out.endsWith(f.text.slice(end + bomLen)), 'text after the entry value unchanged');
    } else if (f.text.trim() !== '' && !f.text.startsWith('//')) {
      // Pure insertion: what the edit spans in the original is only separators/comments, and it is
      // re-emitted unchanged between an optional new comma and our property.
      const { removed, added } = changedRegion(f.text, out);
      assert.ok(onlySeparators(removed), `only separators in the edited span: ${JSON.stringify(removed)}`);
      const at = removed === '' ? (added.startsWith(',') ? 1 : 0) : added.indexOf(removed);
      assert.ok(at === 0 || (at === 1 && added.startsWith(',')), 'original span kept, at most a comma before it');
      assert.match(added.slice(at + removed.length).trimStart(), /^"(daytona|mcpServers)": \{/);
    }

    // Comments survive (those inside a replaced entry value are not "outside").
    const kept = comments(f.text).filter((c) => {
      if (range === undefined) return true;
      const inner = f.text.replace(/^\uFEFF/, '').slice(range[0], range[1]);
      return !inner.includes(c);
    });
    assert.deepEqual(comments(out).filter((c) => kept.includes(c)), kept);

    // Encoding and line endings.
    assert.equal(out.startsWith('\uFEFF'), f.text.startsWith('\uFEFF'));
    if (f.text.includes('\r\n')) assert.doesNotMatch(out, /[^\r]\n/, 'CRLF kept everywhere');
    else assert.doesNotMatch(out, /\r/);
    if (f.text.includes('\n\t"')) assert.match(out, /\n\t\t"daytona": \{\n\t\t\t"command"/, 'tab indentation used');

    // Idempotent.
    const again = upsertInText(out, target(f), ENTRY);
    assert.equal(again.changed, false);
    assert.equal(again.newText, out);
    assert.deepEqual(again.previousEntry, ENTRY);

    if (f.roundTrip) assert.equal(removeFromText(out, target(f)).newText, f.text, 'remove undoes the insert exactly');
  });
}

test('upsert reports the previous entry and keeps neighbours of an updated entry', () => {
  const f = VALID.find((v) => v.name === 'existing daytona entry between neighbours');
  assert.ok(f);
  const plan = upsertInText(f.text, target(f), ENTRY);
  assert.deepEqual(plan.previousEntry, {
    command: '/usr/local/bin/node',
    args: ['/old/extension-1.0.0/dist/cli.js', 'start'],
    env: { DAYTONA_API_KEY: 'old' },
  });
});

test('the comment right after an updated entry stays right after it', () => {
  const f = VALID.find((v) => v.name.startsWith('existing daytona entry with comments'));
  assert.ok(f);
  const out = upsertInText(f.text, target(f), ENTRY).newText;
  assert.match(out, /\/\/ Daytona sandboxes\n {4}"daytona": \{\n/);
  assert.match(out, /"start"\n {6}\]\n {4}\}, \/\/ keep me\n {4}\/\* github \*\/ "github"/);
});

test('key order inside our entry does not count as a change', () => {
  const text = '{"mcpServers": {"daytona": {"args": ["/home/me/.daytona-mcp/cli.js", "start"], "command": "/usr/bin/node"}}}';
  assert.equal(upsertInText(text, target({ topKey: 'mcpServers' }), ENTRY).changed, false);
});

test('invalid JSON: typed error naming the file and the first error position', () => {
  assert.throws(
    () => upsertInText(INVALID, target({ topKey: 'mcpServers' }), ENTRY),
    (e: unknown) => {
      assert.ok(e instanceof RegistrationError);
      assert.equal(e.code, 'parse');
      assert.equal(e.line, 4);
      assert.equal(e.column, 5);
      assert.match(e.message, /\/cfg\/mcp\.json/);
      assert.match(e.message, /line 4, column 5/);
      assert.match(e.message, /CommaExpected/);
      assert.match(e.message, /Fix the file or move it aside/);
      return true;
    },
  );
  assert.throws(() => removeFromText(INVALID, target({ topKey: 'mcpServers' })), /line 4, column 5/);
  assert.throws(() => readEntriesFromText(INVALID, 'mcpServers', 'f'), /line 4, column 5/);
});

test('parse error positions count from the first visible character (BOM, CRLF)', () => {
  const bad = '\uFEFF{\r\n  "a": 1,\r\n  oops\r\n}\r\n';
  assert.throws(
    () => upsertInText(bad, target({ topKey: 'mcpServers' }), ENTRY),
    (e: unknown) => e instanceof RegistrationError && e.line === 3 && e.column === 3,
  );
});

for (const s of BAD_SHAPES) {
  test(`shape we cannot edit safely: ${s.name}`, () => {
    assert.throws(
      () => upsertInText(s.text, target({ topKey: 'mcpServers' }), ENTRY),
      (e: unknown) => e instanceof RegistrationError && e.code === 'shape' && e.message.includes('/cfg/mcp.json'),
    );
  });
}

test('remove: comma handling and comments around the entry', () => {
  const t = target({ topKey: 'mcpServers' });
  const cases: Array<[string, string]> = [
    // first of several, with a same-line comment that belongs to it
    [
      '{\n  "mcpServers": {\n    // about daytona\n    "daytona": {"command": "x"}, // ours\n    // about other\n    "other": 1\n  }\n}\n',
      '{\n  "mcpServers": {\n    // about daytona\n    // about other\n    "other": 1\n  }\n}\n',
    ],
    // last one: the previous comma goes, the previous comment stays
    ['{\n  "mcpServers": {\n    "a": 1, // a\n    "daytona": {}\n  }\n}\n', '{\n  "mcpServers": {\n    "a": 1 // a\n  }\n}\n'],
    // compact, first of two
    ['{"mcpServers": {"daytona": {}, "b": 2}}', '{"mcpServers": { "b": 2}}'],
    // only one, trailing comma
    ['{\n  "mcpServers": {\n    "daytona": {},\n  },\n}\n', '{\n  "mcpServers": {\n  },\n}\n'],
  ];
  for (const [input, expected] of cases) {
    const plan = removeFromText(input, t);
    assert.equal(plan.newText, expected);
    assert.equal(plan.changed, true);
    strictParse(plan.newText);
  }
  const absent = '{\n  "mcpServers": {"a": 1}\n}\n';
  assert.deepEqual(removeFromText(absent, t), { newText: absent, changed: false, previousEntry: undefined });
  assert.equal(removeFromText('', t).changed, false);
});

test('readEntriesFromText', () => {
  assert.deepEqual(readEntriesFromText('', 'mcpServers', 'f'), {});
  assert.deepEqual(readEntriesFromText('{"x": 1}', 'mcpServers', 'f'), {});
  assert.deepEqual(readEntriesFromText('{"servers": {"a": {"type": "stdio"},},}', 'servers', 'f'), { a: { type: 'stdio' } });
  assert.throws(() => readEntriesFromText('{"mcpServers": 3}', 'mcpServers', 'f'), (e: unknown) => e instanceof RegistrationError && e.code === 'shape');
});

test('detectFormat', () => {
  assert.deepEqual(detectFormat('{\n\t"a": 1\n}'), { indent: '\t', eol: '\n' });
  assert.deepEqual(detectFormat('{\r\n    "a": {\r\n        "b": 1\r\n    }\r\n}'), { indent: '    ', eol: '\r\n' });
  assert.deepEqual(detectFormat('{"a":1}'), { indent: '  ', eol: '\n' });
  assert.deepEqual(detectFormat('{"a":1}', { indent: '\t', eol: '\r\n' }), { indent: '\t', eol: '\r\n' });
  // block-comment continuation lines (" * …") do not count as indentation
  assert.deepEqual(detectFormat('/**\n * x\n */\n{\n    "a": 1\n}'), { indent: '    ', eol: '\n' });
});
