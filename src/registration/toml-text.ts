/**
 * Pure text edits of a TOML config (Codex's `~/.codex/config.toml`): add, replace or remove the one
 * table `[<topKey>.<name>]` while every other byte stays as it was (comments, order, other tables,
 * CRLF). No TOML serializer ever rewrites the file: smol-toml only parses it, to refuse a broken
 * file with its line and column, to read the entries, and to check the edited text means what we
 * meant. Our table is written as one standard table with `key = value` lines; an entry the user
 * wrote in another form (inline table, dotted keys inside `[mcp_servers]`) is refused, not rewritten.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { RegistrationError } from './errors';
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json';
import type { EntryTarget, TextPlan } from './jsonc-text';

const BOM = '\uFEFF';

function parseDoc(body: string, file: string): JsonObject {
  try {
    return toJson(parseToml(body)) as JsonObject;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new RegistrationError(
        'parse',
        `${file} is not valid TOML: ${reason} at line ${err.line}, column ${err.column}. ` +
          'Fix the file or move it aside, then try again; it was left untouched.',
        { path: file, line: err.line, column: err.column },
      );
    }
    throw err;
  }
}

/** TOML dates become strings; everything else is already JSON-shaped. */
function toJson(value: unknown): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value as JsonValue;
}

/** The entries under `topKey`; {} when absent. */
export function readTomlEntries(raw: string, topKey: string, file: string): Record<string, JsonValue> {
  const doc = parseDoc(raw.startsWith(BOM) ? raw.slice(1) : raw, file);
  const servers = doc[topKey];
  if (servers === undefined) return {};
  if (!isJsonObject(servers)) {
    throw new RegistrationError('shape', `"${topKey}" in ${file} must be a table of servers.`, { path: file });
  }
  return servers;
}

// --- a line scanner that knows where table headers are (not inside multi-line strings) ---

interface Line {
  start: number; // offset of the first character
  end: number; // offset just after the line break (or end of text)
  text: string; // without the line break
}

function splitLines(body: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  while (start < body.length) {
    const nl = body.indexOf('\n', start);
    const end = nl === -1 ? body.length : nl + 1;
    out.push({ start, end, text: body.slice(start, nl === -1 ? end : nl).replace(/\r$/, '') });
    start = end;
  }
  return out;
}

interface ScanState {
  /** The multi-line string still open, if any. */
  open: '"""' | "'''" | undefined;
  /** Brackets of a multi-line array still open (a line inside one is never a table header). */
  depth: number;
}

/** The state after `text`, given the state at its start: strings and comments are skipped. */
function scanLine(text: string, start: ScanState): ScanState {
  let i = 0;
  let { open, depth } = start;
  while (i < text.length) {
    if (open !== undefined) {
      if (open === '"""' && text[i] === '\\') {
        i += 2;
        continue;
      }
      if (text.startsWith(open, i)) {
        // A closing delimiter may be followed by up to two more quotes that belong to the string.
        let j = i + 3;
        while (text[j] === open[0] && j < i + 5) j++;
        open = undefined;
        i = j;
        continue;
      }
      i++;
      continue;
    }
    const c = text[i];
    if (c === '#') break;
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      open = text.slice(i, i + 3) as ScanState['open'];
      i += 3;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    i++;
  }
  return { open, depth };
}

/** The key path of a `[a.b."c"]` or `[[a.b]]` header line; undefined for any other line. */
export function headerPath(line: string): string[] | undefined {
  const m = /^\s*(\[\[?)(.*)$/.exec(line);
  if (!m) return undefined;
  const close = m[1] === '[[' ? ']]' : ']';
  const rest = m[2]!;
  const keys: string[] = [];
  let i = 0;
  for (;;) {
    while (rest[i] === ' ' || rest[i] === '\t') i++;
    const c = rest[i];
    let key: string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < rest.length && rest[j] !== c) {
        if (c === '"' && rest[j] === '\\') {
          const esc = rest[j + 1];
          value += esc === 'n' ? '\n' : esc === 't' ? '\t' : (esc ?? '');
          j += 2;
        } else value += rest[j++];
      }
      if (j >= rest.length) return undefined;
      key = value;
      i = j + 1;
    } else {
      const k = /^[A-Za-z0-9_-]+/.exec(rest.slice(i));
      if (!k) return undefined;
      key = k[0];
      i += key.length;
    }
    keys.push(key);
    while (rest[i] === ' ' || rest[i] === '\t') i++;
    if (rest[i] === '.') {
      i++;
      continue;
    }
    if (!rest.startsWith(close, i)) return undefined;
    const after = rest.slice(i + close.length).trim();
    return after === '' || after.startsWith('#') ? keys : undefined;
  }
}

interface Section {
  path: string[];
  first: number; // index of the header line
  last: number; // index of the last line that belongs to it (trailing blank/comment lines excluded)
}

function sections(lines: Line[]): Section[] {
  const out: Section[] = [];
  let state: ScanState = { open: undefined, depth: 0 };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text;
    const path = state.open === undefined && state.depth === 0 ? headerPath(text) : undefined;
    if (path !== undefined) out.push({ path, first: i, last: i });
    state = scanLine(text, state);
  }
  // A section runs to the line before the next header, minus the blank lines and comments that
  // lead into that header (they describe the next table, not ours).
  for (let s = 0; s < out.length; s++) {
    let last = (s + 1 < out.length ? out[s + 1]!.first : lines.length) - 1;
    while (last > out[s]!.first && /^\s*(#.*)?$/.test(lines[last]!.text)) last--;
    out[s]!.last = last;
  }
  return out;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => path[i] === k);
}

// --- writing our table ---

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

function tomlString(s: string): string {
  // JSON's escapes are TOML basic-string escapes; TOML also forbids a raw DEL, which JSON leaves as is.
  return JSON.stringify(s).replace(/\x7f/g, '\\u007F');
}

function tomlValue(v: JsonValue): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) throw new Error('TOML has no null');
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  const entries = Object.entries(v);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(', ')} }`;
}

export function renderTomlTable(path: string[], entry: JsonObject, eol: string): string {
  const lines = [`[${path.map(tomlKey).join('.')}]`];
  for (const [k, v] of Object.entries(entry)) lines.push(`${tomlKey(k)} = ${tomlValue(v)}`);
  return lines.join(eol) + eol;
}

function refuseOtherForm(target: EntryTarget): never {
  throw new RegistrationError(
    'shape',
    `"${target.topKey}.${target.name}" in ${target.file} is written in a form this tool does not edit (an inline table or dotted keys). ` +
      `Replace it with a [${target.topKey}.${target.name}] table, or remove it, then try again; the file was left untouched.`,
    { path: target.file },
  );
}

function verify(newBody: string, target: EntryTarget, entry: JsonObject | undefined): void {
  const after = readTomlEntries(newBody, target.topKey, target.file)[target.name];
  if (entry === undefined ? after !== undefined : !jsonEqual(after, entry)) {
    throw new RegistrationError('shape', `Could not edit ${target.file} safely (the result did not read back as intended); it was left untouched.`, {
      path: target.file,
    });
  }
}

export function upsertInToml(raw: string, target: EntryTarget, entry: JsonObject): TextPlan {
  const bom = raw.startsWith(BOM);
  const body = bom ? raw.slice(1) : raw;
  const previousEntry = readTomlEntries(body, target.topKey, target.file)[target.name];
  if (previousEntry !== undefined && jsonEqual(previousEntry, entry)) return { newText: raw, changed: false, previousEntry };
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const path = [target.topKey, target.name];
  const lines = splitLines(body);
  const ours = sections(lines).filter((s) => startsWith(s.path, path));
  const table = renderTomlTable(path, entry, eol);
  let newBody: string;
  if (ours.length === 0) {
    if (previousEntry !== undefined) refuseOtherForm(target);
    // Appended after everything else, separated by one blank line; the file's own bytes stay as they are.
    if (body.trim() === '') newBody = body + table;
    else {
      const withEol = /\n$/.test(body) ? body : body + eol;
      newBody = withEol + (/\n[ \t]*\r?\n$/.test(withEol) ? '' : eol) + table;
    }
  } else {
    if (!jsonEqual(ours[0]!.path, path)) refuseOtherForm(target);
    // The first of our sections becomes the new table; its sub-tables ([…daytona.env]) go.
    let out = '';
    let from = 0;
    for (const [i, s] of ours.entries()) {
      out += body.slice(from, lines[s.first]!.start) + (i === 0 ? table : '');
      from = lines[s.last]!.end;
    }
    newBody = out + body.slice(from);
  }
  verify(newBody, target, entry);
  return { newText: (bom ? BOM : '') + newBody, changed: true, previousEntry };
}

export function removeFromToml(raw: string, target: EntryTarget): TextPlan {
  const bom = raw.startsWith(BOM);
  const body = bom ? raw.slice(1) : raw;
  const previousEntry = readTomlEntries(body, target.topKey, target.file)[target.name];
  if (previousEntry === undefined) return { newText: raw, changed: false, previousEntry };
  const path = [target.topKey, target.name];
  const lines = splitLines(body);
  const ours = sections(lines).filter((s) => startsWith(s.path, path));
  if (ours.length === 0 || !jsonEqual(ours[0]!.path, path)) refuseOtherForm(target);
  let out = '';
  let from = 0;
  for (const s of ours) {
    out += body.slice(from, lines[s.first]!.start);
    from = lines[s.last]!.end;
    // One blank line that separated our table from the next goes with it.
    const next = lines[s.last + 1];
    if (next !== undefined && next.text.trim() === '' && next.start === from) from = next.end;
    // At the end of the file, the blank line we put before it when appending goes instead.
    else if (next === undefined) out = out.replace(/(\r?\n)[ \t]*\r?\n$/, '$1');
  }
  const newBody = out + body.slice(from);
  verify(newBody, target, undefined);
  return { newText: (bom ? BOM : '') + newBody, changed: true, previousEntry };
}
