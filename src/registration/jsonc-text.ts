/**
 * Pure text edits of a JSONC config: add, replace or remove one server entry while every byte
 * outside that entry stays as it was (comments, trailing commas, odd formatting, BOM, CRLF).
 *
 * jsonc-parser's `modify` is only fit for this in part: when it inserts or removes a property it
 * re-formats the neighbouring lines (a compact sibling gets expanded, a comment after the last
 * sibling moves onto our entry, a comment above a removed entry's neighbour is dropped). So the
 * edits are computed here from `parseTree` + the scanner and applied with `applyEdits`.
 *
 * Nothing here knows about Daytona: which entries may be touched is official-entry.ts's business,
 * and showing the change is line-diff.ts's.
 */
import {
  applyEdits,
  createScanner,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Edit,
  type Node,
  type ParseError,
  type SyntaxKind,
} from 'jsonc-parser';
import { RegistrationError } from './errors';
import { jsonEqual, type JsonObject, type JsonValue } from './json';

const BOM = '\uFEFF';

// jsonc-parser's SyntaxKind is a `const enum`, which isolatedModules cannot read; same values here.
const Kind = {
  CommaToken: 5,
  LineCommentTrivia: 12,
  BlockCommentTrivia: 13,
  LineBreakTrivia: 14,
  Trivia: 15,
  EOF: 17,
} as const satisfies Record<string, SyntaxKind>;

export interface TextFormat {
  /** One indentation level: a tab or some spaces. */
  indent: string;
  eol: '\n' | '\r\n';
}

export const DEFAULT_FORMAT: TextFormat = { indent: '  ', eol: '\n' };

export interface EntryTarget {
  topKey: string;
  name: string;
  /** Shown in error messages. */
  file: string;
  /** Used when the file has nothing to learn the style from (new, empty). */
  defaultFormat?: TextFormat;
}

export interface TextPlan {
  newText: string;
  changed: boolean;
  previousEntry: JsonValue | undefined;
}

/** Indentation and line ending as the file already uses them. */
export function detectFormat(text: string, fallback: TextFormat = DEFAULT_FORMAT): TextFormat {
  const eol = text.includes('\r\n') ? '\r\n' : text.includes('\n') ? '\n' : fallback.eol;
  let tabs = 0;
  let spaces = 0;
  let minSpaces = Infinity;
  for (const line of text.split('\n')) {
    const m = /^([ \t]+)[^ \t\r*]/.exec(line); // '*' skips block-comment continuation lines
    const lead = m?.[1];
    if (lead === undefined) continue;
    if (lead.startsWith('\t')) tabs++;
    else {
      spaces++;
      minSpaces = Math.min(minSpaces, lead.length);
    }
  }
  if (tabs === 0 && spaces === 0) return { indent: fallback.indent, eol };
  return { indent: tabs > spaces ? '\t' : ' '.repeat(Math.min(minSpaces, 8)), eol };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** True when the text holds nothing but whitespace and comments. */
function onlyTrivia(text: string): boolean {
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== Kind.EOF; kind = scanner.scan()) {
    if (
      kind !== Kind.Trivia &&
      kind !== Kind.LineBreakTrivia &&
      kind !== Kind.LineCommentTrivia &&
      kind !== Kind.BlockCommentTrivia
    ) {
      return false;
    }
  }
  return true;
}

interface Parsed {
  body: string; // text without BOM
  bom: boolean;
  root: Node | undefined; // undefined: nothing but whitespace/comments
}

function parse(raw: string, file: string): Parsed {
  const bom = raw.startsWith(BOM);
  const body = bom ? raw.slice(1) : raw;
  if (onlyTrivia(body)) return { body, bom, root: undefined };
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined) {
    const { line, column } = lineColumn(body, first.offset);
    throw new RegistrationError(
      'parse',
      `${file} is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}, column ${column}. ` +
        'Fix the file or move it aside, then try again; it was left untouched.',
      { path: file, line, column },
    );
  }
  if (root === undefined || root.type !== 'object') {
    throw new RegistrationError(
      'shape',
      `${file} must contain a JSON object at the top level. Fix the file or move it aside, then try again; it was left untouched.`,
      { path: file },
    );
  }
  return { body, bom, root };
}

function keyOf(property: Node): unknown {
  return property.children?.[0]?.value;
}

/** The property node for `key`, or undefined; a key given twice is ambiguous, so refuse. */
function findProperty(obj: Node, key: string, file: string, where: string): Node | undefined {
  const matches = (obj.children ?? []).filter((p) => keyOf(p) === key);
  if (matches.length > 1) {
    throw new RegistrationError(
      'shape',
      `${file} defines "${key}" ${matches.length} times${where}. Keep one of them, then try again; the file was left untouched.`,
      { path: file },
    );
  }
  return matches[0];
}

function valueOf(property: Node): Node | undefined {
  return property.children?.[1];
}

/** getNodeValue builds null-prototype objects; callers get ordinary JSON (JSON.parse keeps "__proto__" as data). */
function plainValue(node: Node): JsonValue {
  return JSON.parse(JSON.stringify(getNodeValue(node))) as JsonValue;
}

interface Located {
  parsed: Parsed;
  servers: Node | undefined; // the topKey object, if present
  entry: Node | undefined; // the property `name` inside it, if present
}

function locate(raw: string, target: EntryTarget): Located {
  const parsed = parse(raw, target.file);
  if (parsed.root === undefined) return { parsed, servers: undefined, entry: undefined };
  const serversProp = findProperty(parsed.root, target.topKey, target.file, '');
  const servers = serversProp === undefined ? undefined : valueOf(serversProp);
  if (servers === undefined) return { parsed, servers: undefined, entry: undefined };
  if (servers.type !== 'object') {
    throw new RegistrationError(
      'shape',
      `"${target.topKey}" in ${target.file} must be an object mapping server names to entries. Fix the file, then try again; it was left untouched.`,
      { path: target.file },
    );
  }
  const entry = findProperty(servers, target.name, target.file, ` in "${target.topKey}"`);
  return { parsed, servers, entry };
}

/** Reads `topKey` of a config text; {} for an empty document. */
export function readEntriesFromText(raw: string, topKey: string, file: string): Record<string, JsonValue> {
  const parsed = parse(raw, file);
  if (parsed.root === undefined) return {};
  const prop = findProperty(parsed.root, topKey, file, '');
  const value = prop === undefined ? undefined : valueOf(prop);
  if (value === undefined) return {};
  const data = plainValue(value);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RegistrationError('shape', `"${topKey}" in ${file} must be an object mapping server names to entries.`, { path: file });
  }
  return data as Record<string, JsonValue>;
}

// ---- text helpers -------------------------------------------------------------------------------

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Leading whitespace of the line containing `offset`. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
}

/** Whitespace before `offset` on its line, or undefined when something else precedes it. */
function ownLineIndent(text: string, offset: number): string | undefined {
  const before = text.slice(lineStart(text, offset), offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** JSON text of `value`, laid out for a property whose line starts with `baseIndent`. */
function serialize(value: JsonValue, baseIndent: string, fmt: TextFormat): string {
  return JSON.stringify(value, null, fmt.indent).split('\n').join(fmt.eol + baseIndent);
}

interface Tail {
  hasComma: boolean;
  commaOffset: number | undefined;
  /** End of the last comma or comment found. */
  end: number;
}

/**
 * Looks at what follows `from` (up to `to`): a separating comma and comments. With `sameLineOnly`
 * it stops at the first line break after the comma, so only comments on the entry's own line count.
 */
function scanTail(text: string, from: number, to: number, sameLineOnly: boolean): Tail {
  const scanner = createScanner(text.slice(from, to), false);
  const tail: Tail = { hasComma: false, commaOffset: undefined, end: from };
  for (let kind = scanner.scan(); kind !== Kind.EOF; kind = scanner.scan()) {
    const end = from + scanner.getTokenOffset() + scanner.getTokenLength();
    if (kind === Kind.Trivia) continue;
    if (kind === Kind.LineBreakTrivia) {
      if (sameLineOnly) break;
      continue;
    }
    if (kind === Kind.CommaToken && !tail.hasComma) {
      tail.hasComma = true;
      tail.commaOffset = from + scanner.getTokenOffset();
      tail.end = end;
    } else if (kind === Kind.LineCommentTrivia || kind === Kind.BlockCommentTrivia) {
      tail.end = end;
    } else break;
  }
  return tail;
}

/** Adds `"key": value` as the last property of `obj`, keeping the file's trailing-comma habit. */
function insertProperty(text: string, obj: Node, key: string, value: JsonValue, fmt: TextFormat): Edit {
  const close = obj.offset + obj.length - 1;
  const objIndent = lineIndent(text, obj.offset);
  const last = obj.children?.at(-1);
  const propIndent = (last !== undefined ? ownLineIndent(text, last.offset) : undefined) ?? objIndent + fmt.indent;
  const from = last !== undefined ? last.offset + last.length : obj.offset + 1;
  // Insert after the separator and any comments that follow the last sibling, so they stay with it.
  const tail = scanTail(text, from, close, false);
  const trailingComma = last !== undefined && tail.hasComma;
  const separator = last !== undefined && !tail.hasComma ? ',' : '';
  const closeOnOwnLine = /[\r\n]/.test(text.slice(tail.end, close));
  const content =
    separator +
    text.slice(from, tail.end) +
    fmt.eol +
    propIndent +
    `${JSON.stringify(key)}: ${serialize(value, propIndent, fmt)}` +
    (trailingComma ? ',' : '') +
    (closeOnOwnLine ? '' : fmt.eol + objIndent);
  return { offset: from, length: tail.end - from, content };
}

/** Removes one property, its comma and same-line trailing comment; a line left blank goes too. */
function removeProperty(text: string, obj: Node, property: Node): Edit[] {
  const siblings = obj.children ?? [];
  const index = siblings.indexOf(property);
  const next = siblings[index + 1];
  const prev = siblings[index - 1];
  const close = obj.offset + obj.length - 1;
  const tail = scanTail(text, property.offset + property.length, next?.offset ?? close, true);
  let start = property.offset;
  let end = Math.max(tail.end, property.offset + property.length);
  const restOfLine = /^[ \t]*(\r\n|\n|\r|$)/.exec(text.slice(end));
  if (ownLineIndent(text, start) !== undefined && restOfLine !== null) {
    start = lineStart(text, start);
    end += restOfLine[0].length;
  }
  const edits: Edit[] = [{ offset: start, length: end - start, content: '' }];
  if (!tail.hasComma && prev !== undefined) {
    // We were the last property without a trailing comma: the previous one's comma must go.
    const prevTail = scanTail(text, prev.offset + prev.length, property.offset, false);
    if (prevTail.commaOffset !== undefined) edits.push({ offset: prevTail.commaOffset, length: 1, content: '' });
  }
  return edits;
}

function finish(parsed: Parsed, body: string): string {
  return (parsed.bom ? BOM : '') + body;
}

/** Document for a file that has no JSON yet, keeping any comments it already holds. */
function newDocument(parsed: Parsed, target: EntryTarget, entry: JsonObject, fmt: TextFormat): string {
  const doc = serialize({ [target.topKey]: { [target.name]: entry } }, '', fmt) + fmt.eol;
  const kept = parsed.body.trimEnd();
  return finish(parsed, kept === '' ? doc : kept + fmt.eol + doc);
}

export function upsertInText(raw: string, target: EntryTarget, entry: JsonObject): TextPlan {
  const { parsed, servers, entry: existing } = locate(raw, target);
  const existingValue = existing === undefined ? undefined : valueOf(existing);
  const previousEntry = existingValue === undefined ? undefined : plainValue(existingValue);
  const plan = { previousEntry };
  if (previousEntry !== undefined && jsonEqual(previousEntry, entry)) return { ...plan, newText: raw, changed: false };

  const body = parsed.body;
  const fmt = detectFormat(body, target.defaultFormat);
  let edits: Edit[];
  if (parsed.root === undefined) {
    return { ...plan, newText: newDocument(parsed, target, entry, fmt), changed: true };
  } else if (existingValue !== undefined && existing !== undefined) {
    const indent = ownLineIndent(body, existing.offset) ?? lineIndent(body, existing.offset);
    edits = [{ offset: existingValue.offset, length: existingValue.length, content: serialize(entry, indent, fmt) }];
  } else if (servers !== undefined) {
    edits = [insertProperty(body, servers, target.name, entry, fmt)];
  } else {
    edits = [insertProperty(body, parsed.root, target.topKey, { [target.name]: entry }, fmt)];
  }
  return { ...plan, newText: finish(parsed, applyEdits(body, edits)), changed: true };
}

export function removeFromText(raw: string, target: EntryTarget): TextPlan {
  const { parsed, servers, entry: existing } = locate(raw, target);
  const existingValue = existing === undefined ? undefined : valueOf(existing);
  const previousEntry = existingValue === undefined ? undefined : plainValue(existingValue);
  if (servers === undefined || existing === undefined) return { newText: raw, changed: false, previousEntry };
  const edits = removeProperty(parsed.body, servers, existing);
  return { newText: finish(parsed, applyEdits(parsed.body, edits)), changed: true, previousEntry };
}
