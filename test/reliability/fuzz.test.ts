/**
 * Input fuzzing of every tool through ONE spawned server over MCP (raw JSON-RPC on the stdio
 * transport, so the client library cannot tidy inputs up before the server sees them).
 *
 * Pass 1: ≥ 1,000 inputs that are invalid by construction — mutations of valid inputs that the
 * server must refuse (its own reserved-key check or the tool's zod schema, applied in-process to
 * exactly what the server will see). Every call must answer with a well-formed error result, the
 * server must survive, and the emulator must see zero requests.
 * Pass 2: valid inputs that name sandboxes that do not exist: only GETs may reach the API.
 * Then: Object.prototype stays clean, in the server (canary calls) and in-process (validator path).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  type CallToolResult,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type Emulator, type EmulatorSandboxView } from '../emulator/emulator';
import { childOf, spawnServer, textOf, type SpawnedServer } from '../helpers/mcp-client';
import { SENTINEL_KEY } from '../helpers/secrets';
import { ALL_TOOLS } from '../../src/core/tools';
import type { AnyTool } from '../../src/core/tool';
import { ERROR_KINDS, ToolError } from '../../src/core/errors';
import { redactArguments } from '../../src/core/audit-log';
import { createMcpServer } from '../../src/mcp/server';
import { prng } from '../helpers/prng';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SEED = 20_240_601;
const MIN_INVALID = 1_000;
const HUGE = 'x'.repeat(100 * 1024);
const TOOLS = new Map(ALL_TOOLS.map((t) => [t.name, t]));
const KIND_RE = new RegExp(`^Error \\[(${ERROR_KINDS.join('|')})\\]: `);
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

type Obj = { [key: string]: Json };

/** Sets an own, enumerable property, even for "__proto__" (plain assignment would set the prototype). */
function setOwn(o: Obj, key: string, value: Json): Obj {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}
function copy(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) setOwn(out, k, v);
  return out;
}

/** Valid inputs per tool; every sandbox they name is a "ghost" that the emulator does not hold. */
const BASES: Record<string, Obj[]> = {
  list_sandboxes: [{}, { state: 'started' }, { state: ['started', 'stopped'] }, { project: 'ghost-proj', limit: 5 }, { labels: { team: 'ghost' }, name: 'ghost' }],
  get_sandbox: [{ sandbox: 'ghost-1' }],
  create_sandbox: [
    { name: 'ghost-new' },
    { name: 'ghost-img', image: 'python:3.12-slim', cpu: 2, memory: 4, disk: 8 },
    { name: 'ghost-n', count: 3, wait: false, timeoutSeconds: 60 },
    { copyFrom: 'ghost-src', env: { A_B: 'c' }, labels: { x: 'y' }, autoStopMinutes: 0, autoDeleteMinutes: -1, public: true, language: 'python' },
  ],
  start_sandbox: [{ sandboxes: ['ghost-a', 'ghost-b'] }, { sandboxes: ['ghost-a'], wait: false, timeoutSeconds: 30 }],
  stop_sandbox: [{ sandboxes: ['ghost-a'] }, { sandboxes: ['ghost-a', 'ghost-b'], force: true }],
  archive_sandbox: [{ sandboxes: ['ghost-a'] }],
  delete_sandbox: [{ sandboxes: ['ghost-a'], wait: false }],
  set_sandbox_labels: [{ sandbox: 'ghost-a', labels: { k: 'v' } }, { sandbox: 'ghost-a', labels: {}, replace: true, remove: ['old'] }],
  cleanup_sandboxes: [{ labels: { ghost: 'yes' } }, { states: ['stopped', 'archived'], project: 'ghost', idleMinutes: 10, dryRun: true, max: 5 }],
  list_snapshots: [{}, { name: 'python' }],
  update_sandbox: [{ sandbox: 'ghost-a', cpu: 2 }, { sandbox: 'ghost-a', autoStopMinutes: 0, autoArchiveMinutes: 60, autoDeleteMinutes: -1, public: true, disk: 8 }],
  fork_sandbox: [{ sandbox: 'ghost-a' }, { sandbox: 'ghost-a', name: 'ghost-fork', timeoutSeconds: 30 }],
  snapshot_sandbox: [{ sandbox: 'ghost-a', name: 'ghost-snap' }],
  get_preview_url: [{ sandbox: 'ghost-a', port: 3000 }, { sandbox: 'ghost-a', port: 8080, expiresInSeconds: 60, signed: false }],
};

const pollution = (): Obj[] => [
  JSON.parse('{"__proto__": {"polluted": "yes", "sandbox": "canary-polluted", "sandboxes": ["canary-polluted"], "isAdmin": true}}') as Obj,
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes", "sandbox": "canary-polluted"}}}') as Obj,
  JSON.parse('{"prototype": {"polluted": "yes"}}') as Obj,
  JSON.parse('{"a": {"b": {"__proto__": {"polluted": "yes"}}}}') as Obj,
];

function deep(depth: number): Json {
  let v: Json = { leaf: 'x' };
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}

class Gen {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  string(): string {
    return this.pick([
      '', ' ', '\t\n', 'a\u0000b', '\u0000', '\u202Eevil\u202C', 'مرحبا بالعالم', '🧪🔥👩‍💻', '\u200B', '\uD800', 'e\u0301',
      'NaN', 'Infinity', '-0', '1e309', '0x10', ' 5 ', 'true', 'null', 'undefined', '__proto__', 'constructor',
      "'; DROP TABLE sandboxes;--", '../../etc/passwd', '%00', '%2e%2e', '${HOME}', '$(id)', '`id`', '{"a":1}', '<script>', 'a'.repeat(300),
      'b'.repeat(70), 'UPPER CASE', 'ghost space', HUGE,
    ]);
  }
  number(): number {
    return this.pick([-0, 0, 1e308, -1e308, -1, 0.5, 1.5, 2 ** 53 + 2, 2 ** 31, 1e-308, -(2 ** 31), 21, 101, 1001, 901, 999_999_999, Number.NaN, Number.POSITIVE_INFINITY]);
  }
  array(): Json {
    switch (this.int(7)) {
      case 0: return [];
      case 1: return Array.from({ length: 100 + this.int(60) }, (_, i) => `ghost-${i}`);
      case 2: return Array.from({ length: 101 }, (_, i) => i);
      case 3: return [null, 1, true, {}, []];
      case 4: return [[[['nested']]]];
      case 5: return [this.string(), HUGE];
      default: return [{ sandbox: 'ghost-a' }];
    }
  }
  object(): Json {
    switch (this.int(6)) {
      case 0: return {};
      case 1: return deep(5 + this.int(40));
      case 2: return this.pick(pollution());
      case 3: return { length: 5, 0: 'ghost-a' };
      case 4: return { k: { nested: 'object' }, n: 1 };
      default: return Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, 'v']));
    }
  }
  /** A value of any kind, mostly wrong for whatever field receives it. */
  value(): Json {
    switch (this.int(7)) {
      case 0: return this.string();
      case 1: return this.number();
      case 2: return this.pick([true, false, null]);
      case 3: return this.array();
      case 4: return this.object();
      case 5: return String(this.number());
      default: return this.pick([{ sandbox: 'ghost-a' }, ['ghost-a'], 'ghost-a', 1, '1']);
    }
  }
  key(): string {
    return this.pick(['extra', '', ' ', 'Sandboxes', 'sandbox ', 'SANDBOX', '🧪', 'toString', 'hasOwnProperty', 'valueOf', '$ref', 'a.b', 'k'.repeat(10_000), '__proto__', 'constructor', 'prototype', 'dryrun', 'force ']);
  }

  mutate(tool: AnyTool, base: Obj): Obj {
    let o = copy(base);
    const known = Object.keys((tool.input as unknown as { shape: Record<string, unknown> }).shape);
    const steps = 1 + this.int(3);
    for (let i = 0; i < steps; i++) {
      const field = this.pick(known);
      switch (this.int(9)) {
        case 0: // drop a key (required or not)
          delete o[this.pick(Object.keys(o).length ? Object.keys(o) : known)];
          break;
        case 1: // an extra, unknown or reserved key at the top level
          setOwn(o, this.key(), this.value());
          break;
        case 2:
        case 3:
        case 4: // a wrong value in a known field
          setOwn(o, field, this.value());
          break;
        case 5: // reserved keys nested inside object-valued fields
          setOwn(o, this.pick(['labels', 'env', field]), this.pick(pollution()));
          break;
        case 6: // whole-input prototype keys, created the only way JSON can: by parsing
          o = Object.assign(copy(this.pick(pollution())), o);
          break;
        case 7: // arrays where strings/objects go, and objects where arrays go
          setOwn(o, field, this.chance(0.5) ? this.array() : this.object());
          break;
        default: // numbers: NaN-ish strings, -0, 1e308, negatives, floats where ints go
          setOwn(o, this.pick(['count', 'limit', 'cpu', 'memory', 'disk', 'timeoutSeconds', 'max', 'idleMinutes', 'autoStopMinutes', field]), this.chance(0.3) ? String(this.number()) : this.number());
      }
    }
    return o;
  }
}

// ---------------------------------------------------------------------------------------------
// What the server will see, decided in-process with the same code
// ---------------------------------------------------------------------------------------------

function findReserved(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => RESERVED.has(k) || findReserved(x));
}

/** The arguments after the JSON round trip and the MCP request schema, exactly as the handler gets them. */
function serverView(name: string, wire: string): { ok: true; args: Record<string, unknown> } | { ok: false } {
  const parsed = CallToolRequestSchema.safeParse({ method: 'tools/call', params: { name, arguments: JSON.parse(wire) as unknown } });
  return parsed.success ? { ok: true, args: parsed.data.params.arguments ?? {} } : { ok: false };
}

function refusedBeforeHandler(tool: AnyTool, wire: string): boolean {
  const view = serverView(tool.name, wire);
  if (!view.ok) return true;
  return findReserved(view.args) || !tool.input.safeParse(view.args).success;
}

// ---------------------------------------------------------------------------------------------
// Raw JSON-RPC over the spawned server's stdio transport
// ---------------------------------------------------------------------------------------------

interface Answer {
  result?: unknown;
  error?: { code: number; message: string };
}

function rawCaller(s: SpawnedServer) {
  const waiting = new Map<string, (m: Answer) => void>();
  const deliver = s.transport.onmessage;
  s.transport.onmessage = (m: JSONRPCMessage) => {
    const id = (m as { id?: unknown }).id;
    const resolve = typeof id === 'string' ? waiting.get(id) : undefined;
    if (!resolve) return deliver?.(m);
    waiting.delete(id as string);
    resolve(m as Answer);
  };
  let n = 0;
  return async (name: string, wireArgs: string, timeoutMs = 20_000): Promise<Answer> => {
    const id = `fuzz-${n++}`;
    const message = JSON.parse(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${wireArgs}}}`) as JSONRPCMessage;
    const answered = new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms to ${name} ${wireArgs.slice(0, 200)}`)), timeoutMs);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    await s.transport.send(message);
    return answered;
  };
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function checkToolResult(a: Answer, where: string): CallToolResult {
  assert.equal(a.error, undefined, `${where}: JSON-RPC error instead of a tool result: ${JSON.stringify(a.error)?.slice(0, 300)}`);
  const parsed = CallToolResultSchema.safeParse(a.result);
  assert.ok(parsed.success, `${where}: not a valid CallToolResult: ${JSON.stringify(a.result).slice(0, 300)}`);
  return parsed.data as CallToolResult;
}

/** Outcome kinds of a result: per item for bulk tools and create, else the call's ('ok' or its error kind). */
function kindsOf(r: CallToolResult, where: string): string[] {
  const d = r.structuredContent as { results?: Array<{ ok: boolean; error: { kind: string } | null }>; sandboxes?: unknown[]; failed?: Array<{ error: { kind: string } }> } | undefined;
  if (d?.results) return d.results.map((x) => (x.ok ? 'ok' : x.error!.kind));
  if (d?.failed && d.sandboxes) return [...d.sandboxes.map(() => 'ok'), ...d.failed.map((f) => f.error.kind)];
  return [r.isError ? errorKind(r, where) : 'ok'];
}

function errorKind(r: CallToolResult, where: string): string {
  assert.equal(r.isError, true, `${where}: expected an error result, got ${textOf(r).slice(0, 200)}`);
  const m = KIND_RE.exec(textOf(r));
  assert.ok(m, `${where}: error text must start with "Error [<kind>]: ", got ${JSON.stringify(textOf(r).slice(0, 200))}`);
  return m[1]!;
}

// ---------------------------------------------------------------------------------------------

let emu: Emulator;
let server: SpawnedServer;
let call: ReturnType<typeof rawCaller>;
let keepBefore: EmulatorSandboxView[];
const protoNamesBefore = Object.getOwnPropertyNames(Object.prototype).sort();

before(async () => {
  // Only "keep-*" sandboxes exist; every name the fuzzer uses starts with "ghost" or is junk.
  emu = await startEmulator({
    apiKeys: [SENTINEL_KEY],
    transitionMs: 40,
    seed: [{ name: 'keep-running', state: 'started' }, { name: 'keep-stopped', state: 'stopped' }, { name: 'keep-archived', state: 'archived' }],
  });
  keepBefore = emu.sandboxes();
  // Every refused call logged (the per-minute cap on them is tested in security/evidence.test.ts): the
  // bound on logged arguments is checked on all of them.
  server = await spawnServer({ env: { DAYTONA_API_KEY: SENTINEL_KEY, DAYTONA_API_URL: emu.url, DAYTONA_MCP_AUDIT_NOISE_PER_MINUTE: '1000000' } });
  call = rawCaller(server);
});
after(async () => {
  await server.close();
  await emu.close();
});

describe('fuzzing every tool through one server', () => {
  test('every tool in the registry has valid seed inputs (a new tool adds its own to BASES)', () => {
    for (const t of ALL_TOOLS) assert.ok(BASES[t.name]?.length, `${t.name} has no entry in BASES`);
  });

  test(`pass 1: ≥ ${MIN_INVALID} invalid inputs each get an error result and make zero API requests`, async () => {
    const gen = new Gen(SEED);
    const cases: Array<{ tool: string; wire: string }> = [];
    let generated = 0;
    let discardedValid = 0;
    const perTool = new Map<string, number>();
    while (cases.length < MIN_INVALID + 100 && generated < 20_000) {
      const tool = ALL_TOOLS[generated % ALL_TOOLS.length]!;
      generated++;
      const input = gen.mutate(tool, gen.pick(BASES[tool.name]!));
      const wire = JSON.stringify(input);
      if (!refusedBeforeHandler(tool, wire)) {
        discardedValid++;
        continue;
      }
      cases.push({ tool: tool.name, wire });
      perTool.set(tool.name, (perTool.get(tool.name) ?? 0) + 1);
    }
    assert.ok(cases.length >= MIN_INVALID, `only ${cases.length} invalid inputs generated`);
    assert.equal(perTool.size, ALL_TOOLS.length, 'every tool is fuzzed');
    const features = {
      huge: cases.filter((c) => c.wire.length > 100_000).length,
      reserved: cases.filter((c) => /"(__proto__|constructor|prototype)":/.test(c.wire)).length,
      topLevelProto: cases.filter((c) => c.wire.startsWith('{"__proto__"')).length,
      nul: cases.filter((c) => c.wire.includes('\\u0000')).length,
      bigArrays: cases.filter((c) => /\[("ghost-\d+",){99,}/.test(c.wire)).length,
    };

    emu.resetStats();
    const kinds = new Map<string, number>();
    let answered = 0;
    await inBatches(cases, 16, async (c) => {
      const where = `${c.tool} ${c.wire.slice(0, 160)}`;
      const r = checkToolResult(await call(c.tool, c.wire), where);
      const kind = errorKind(r, where);
      assert.equal(kind, 'invalid_input', `${where}: refused input must be invalid_input, got ${textOf(r).slice(0, 200)}`);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      answered++;
    });
    assert.equal(answered, cases.length, 'every call answered');
    const reqs = emu.stats().requests;
    assert.equal(reqs.filter((q) => q.method !== 'GET').length, 0, 'zero mutating API requests');
    assert.deepEqual(reqs.map((q) => `${q.method} ${q.path}`), [], 'zero API requests at all: nothing invalid reached a handler');
    assert.equal(childOf(server).exitCode, null, 'server process alive');
    assert.equal((await server.client.listTools()).tools.length, ALL_TOOLS.length, 'server still answers tools/list');
    console.log(
      `# fuzz pass 1: ${cases.length} invalid inputs (${generated} generated, ${discardedValid} valid ones set aside) across ${perTool.size} tools; ` +
        `${JSON.stringify(features)}; answers ${JSON.stringify(Object.fromEntries(kinds))}; API requests ${reqs.length}`,
    );
  });

  test('malformed tools/call requests (arguments not an object, unknown tool, no name) get an answer, not a crash', async () => {
    for (const [name, wire] of [['get_sandbox', '"x"'], ['get_sandbox', '[1,2]'], ['get_sandbox', 'null'], ['get_sandbox', '42'], ['format_disk', '{}'], ['', '{}']] as const) {
      const a = await call(name, wire);
      if (a.error) {
        assert.equal(typeof a.error.code, 'number', `${name} ${wire}: JSON-RPC error has a code`);
      } else {
        errorKind(checkToolResult(a, `${name} ${wire}`), `${name} ${wire}`);
      }
    }
    assert.equal((await server.client.listTools()).tools.length, ALL_TOOLS.length);
    assert.equal(emu.stats().requests.length, 0);
  });

  test('every tool call is audited, and logged arguments stay bounded (no 100 KB strings in the log)', async () => {
    const entries = (await server.settledLogEntries()).filter((e) => e.event === 'tool_call');
    assert.ok(entries.length >= MIN_INVALID, `${entries.length} tool_call lines`);
    let longest = { length: 0, where: '' };
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'string' && v.length > longest.length) longest = { length: v.length, where: path };
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k.length > longest.length) longest = { length: k.length, where: `${path} (key)` };
          walk(x, `${path}.${k.slice(0, 20)}`);
        }
      }
    };
    for (const e of entries) walk(e.arguments, `${String(e.tool)}:arguments`);
    // redactArguments() caps strings at 500 characters; the cap must hold everywhere (arrays, keys).
    assert.ok(longest.length <= 600, `a logged argument string is ${longest.length} characters long, at ${longest.where}`);
  });

  test('pass 2: valid inputs naming sandboxes that do not exist reach the API with GETs only', async () => {
    const gen = new Gen(SEED + 1);
    const refs = [
      'ghost-1', 'ghost-2', 'GHOST-CASE', ' ghost-padded ', 'ghost/with/slashes', 'ghost?x=1', 'ghost#frag', 'ghost%2F..', '🧪ghost',
      '\u202Eghost', 'ghost\u0000nul', 'g'.repeat(255), 'undefined', 'null', '00000000-0000-0000-0000-000000000000', 'ghost..', '.ghost',
      '.', '..', './ghost', 'keep', 'keep-', 'KEEP-RUNNING-X',
    ];
    const someRefs = () => Array.from({ length: gen.chance(0.05) ? 100 : 1 + gen.int(4) }, () => gen.pick(refs));
    const cases: Array<{ tool: string; args: Obj; expect: 'not_found' | 'ok' }> = [];
    // Every ref once per single-sandbox tool and alone in a bulk call, then random mixes.
    for (const [i, ref] of refs.entries()) {
      cases.push({ tool: 'get_sandbox', args: { sandbox: ref }, expect: 'not_found' });
      cases.push({ tool: 'create_sandbox', args: { copyFrom: ref, name: `ghost-copy-${i}` }, expect: 'not_found' });
      cases.push({ tool: 'set_sandbox_labels', args: { sandbox: ref, labels: { a: 'b' }, remove: ['x'] }, expect: 'not_found' });
      cases.push({ tool: ['start_sandbox', 'stop_sandbox', 'archive_sandbox', 'delete_sandbox'][i % 4]!, args: { sandboxes: [ref] }, expect: 'not_found' });
    }
    for (let i = 0; cases.length < 250; i++) {
      const tool = ALL_TOOLS[i % ALL_TOOLS.length]!.name;
      let args: Obj;
      let expect: 'not_found' | 'ok' = 'not_found';
      switch (tool) {
        case 'list_sandboxes': args = gen.pick<Obj>([{ name: gen.pick(refs).trim() || 'ghost' }, { labels: { ghost: 'x' } }, { project: 'ghost', state: ['stopped', 'started'] }, { limit: 1 + gen.int(1000) }]); expect = 'ok'; break;
        case 'get_sandbox': args = { sandbox: gen.pick(refs) }; break;
        case 'create_sandbox': args = { copyFrom: gen.pick(refs), name: `ghost-copy-r${i}` }; break;
        case 'set_sandbox_labels': args = { sandbox: gen.pick(refs), labels: { a: 'b' }, replace: gen.chance(0.5) }; break;
        case 'cleanup_sandboxes': args = gen.pick<Obj>([{ labels: { ghost: 'x' } }, { project: 'ghost', states: ['stopped', 'started', 'archived'] }, { labels: { ghost: 'y' }, dryRun: true }]); expect = 'ok'; break;
        case 'list_snapshots': args = gen.pick<Obj>([{}, { name: gen.pick(refs).trim() || 'x' }]); expect = 'ok'; break;
        case 'update_sandbox': args = { sandbox: gen.pick(refs), autoStopMinutes: gen.int(100) }; break;
        case 'fork_sandbox': args = { sandbox: gen.pick(refs) }; break;
        case 'snapshot_sandbox': args = { sandbox: gen.pick(refs), name: `ghost-snap-${i}` }; break;
        case 'get_preview_url': args = { sandbox: gen.pick(refs), port: 1 + gen.int(65535) }; break;
        default: args = { sandboxes: someRefs(), ...(gen.chance(0.3) ? { wait: false } : {}) };
      }
      cases.push({ tool, args, expect });
    }
    // Only inputs the tool accepts (a stricter schema may refuse some refs; those belong to pass 1).
    const valid = cases.filter((c) => TOOLS.get(c.tool)!.input.safeParse(JSON.parse(JSON.stringify(c.args))).success);
    assert.ok(valid.length >= 200, `${valid.length} valid pass-2 inputs`);

    emu.resetStats();
    const problems: string[] = [];
    await inBatches(valid, 8, async (c) => {
      const where = `${c.tool} ${JSON.stringify(c.args).slice(0, 160)}`;
      const r = checkToolResult(await call(c.tool, JSON.stringify(c.args)), where);
      const tool = TOOLS.get(c.tool)!;
      if (!r.isError) {
        const out = tool.output.safeParse(r.structuredContent);
        if (!out.success) problems.push(`${where}: structuredContent does not match the output schema: ${out.error.issues[0]?.message}`);
      }
      if (c.expect === 'ok') {
        if (r.isError) problems.push(`${where}: unexpected error ${textOf(r).slice(0, 160)}`);
        return;
      }
      // A sandbox that does not exist: "not_found", for the call or for every item of a bulk call.
      if (Array.isArray((r.structuredContent as { results?: unknown })?.results)) {
        for (const item of (r.structuredContent as { results: Array<{ sandbox: string; ok: boolean; error: { kind: string } | null }> }).results) {
          if (item.ok || item.error?.kind !== 'not_found') problems.push(`${where}: item ${JSON.stringify(item.sandbox)} → ${item.ok ? 'ok' : item.error?.kind}`);
        }
      } else if (!r.isError) {
        problems.push(`${where}: succeeded for a sandbox that does not exist: ${textOf(r).slice(0, 160)}`);
      } else {
        const kind = errorKind(r, where);
        if (kind !== 'not_found') problems.push(`${where}: ${kind} instead of not_found: ${textOf(r).slice(0, 160)}`);
      }
    });

    const reqs = emu.stats().requests;
    const mutating = reqs.filter((q) => q.method !== 'GET');
    const created = emu.sandboxes().filter((x) => !keepBefore.some((k) => k.id === x.id)).map((x) => x.name);
    if (created.length) problems.unshift(`sandboxes were created: ${created.join(', ')}`);
    for (const q of mutating) problems.unshift(`a ${q.method} reached the API: ${q.method} ${q.path} → ${q.status}`);
    // A ref is one encoded path segment: only the sandbox, list and snapshot endpoints may be read.
    for (const q of reqs) if (!/^\/api\/(sandbox(\/[^/]+)?|snapshots)$/.test(q.path)) problems.unshift(`a ref addressed another endpoint: ${q.method} ${q.path} → ${q.status}`);
    console.log(`# fuzz pass 2: ${valid.length} valid calls on nonexistent sandboxes → ${reqs.length} API requests, ${mutating.length} mutating, ${problems.length} problems`);
    assert.deepEqual([...new Set(problems)].slice(0, 20), [], 'only GETs reach the API, and every nonexistent sandbox is reported as not_found');
    assert.deepEqual(emu.sandboxes(), keepBefore, 'the existing sandboxes are untouched');
  });

  test('refs "." and ".." (URL dot-segments) never address another endpoint or act on a non-sandbox', async () => {
    emu.resetStats();
    const problems: string[] = [];
    for (const [i, ref] of ['.', '..', ' . '].entries()) {
      for (const [tool, args] of [
        ['get_sandbox', { sandbox: ref }],
        ['create_sandbox', { copyFrom: ref, name: `ghost-from-dot-${i}` }],
        ['set_sandbox_labels', { sandbox: ref, labels: { a: 'b' } }],
        ['stop_sandbox', { sandboxes: [ref] }],
        ['delete_sandbox', { sandboxes: [ref] }],
      ] as const) {
        const where = `${tool} ${JSON.stringify(args)}`;
        const r = checkToolResult(await call(tool, JSON.stringify(args)), where);
        const kinds = kindsOf(r, where);
        for (const k of kinds) if (!['not_found', 'invalid_input'].includes(k)) problems.push(`${where} → ${k}: ${textOf(r).slice(0, 120)}`);
      }
    }
    for (const q of emu.stats().requests) if (!/^\/api\/sandbox\/[^/]+$/.test(q.path) || q.method !== 'GET') problems.push(`request ${q.method} ${q.path} → ${q.status}`);
    const created = emu.sandboxes().filter((x) => x.name.startsWith('ghost-from-dot'));
    if (created.length) problems.push('create_sandbox copyFrom "." created a sandbox from a source that does not exist');
    assert.deepEqual(problems, []);
  });

  test('Object.prototype is not polluted in the server: canary calls still behave', async () => {
    emu.resetStats();
    const missing = checkToolResult(await call('get_sandbox', '{}'), 'get_sandbox {}');
    assert.equal(errorKind(missing, 'get_sandbox {}'), 'invalid_input', 'a missing "sandbox" is still missing (not inherited from a polluted prototype)');
    const bulk = checkToolResult(await call('stop_sandbox', '{}'), 'stop_sandbox {}');
    assert.equal(errorKind(bulk, 'stop_sandbox {}'), 'invalid_input');
    const listed = checkToolResult(await call('list_sandboxes', '{}'), 'list_sandboxes {}');
    assert.equal(listed.isError, undefined);
    assert.deepEqual((listed.structuredContent as { sandboxes: Array<{ name: string }> }).sandboxes.map((s) => s.name).sort(), emu.sandboxes().map((s) => s.name).sort());
    const labelled = checkToolResult(await call('set_sandbox_labels', '{"sandbox":"keep-running","labels":{"owner":"fuzz"}}'), 'set labels');
    assert.deepEqual((labelled.structuredContent as { labels: Record<string, string> }).labels, { owner: 'fuzz' }, 'no inherited labels appear');
    assert.ok(!emu.stats().requests.some((q) => q.path.includes('canary')), 'no request for a canary name');
    assert.equal(childOf(server).exitCode, null);
  });

  test('in-process: the validator path (request schema, reserved-key check, zod, audit redaction) never pollutes Object.prototype', async () => {
    const gen = new Gen(SEED + 2);
    let gatewayCalls = 0;
    const mcp = createMcpServer({
      tools: ALL_TOOLS,
      version: 'test',
      gateway: async () => {
        gatewayCalls++;
        throw new ToolError('unknown', 'no gateway in this test');
      },
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: 'fuzz-in-process', version: '1.0.0' });
    await client.connect(clientSide);
    const answers = new Map<string, Answer>();
    const deliver = clientSide.onmessage;
    clientSide.onmessage = (m: JSONRPCMessage) => {
      const id = (m as { id?: unknown }).id;
      if (typeof id === 'string' && id.startsWith('p-')) answers.set(id, m as Answer);
      else deliver?.(m);
    };
    try {
      let sent = 0;
      for (let i = 0; i < 300; i++) {
        const tool = ALL_TOOLS[i % ALL_TOOLS.length]!;
        // Objects straight from JSON.parse, handed over by reference: no serialisation in between.
        const input = JSON.parse(JSON.stringify(gen.mutate(tool, gen.pick(BASES[tool.name]!)))) as Obj;
        if (i % 2) setOwn(input, 'nested', gen.pick(pollution()));
        tool.input.safeParse(input);
        redactArguments(input);
        if (!refusedBeforeHandler(tool, JSON.stringify(input))) continue;
        // Through the real server code (request schema → reserved keys → zod → audit).
        await clientSide.send({ jsonrpc: '2.0', id: `p-${i}`, method: 'tools/call', params: { name: tool.name, arguments: input } } as JSONRPCMessage);
        sent++;
      }
      const end = Date.now() + 5_000;
      while (answers.size < sent && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.ok(sent > 100, `${sent} in-process calls`);
      assert.equal(answers.size, sent, 'every in-process call answered');
      for (const [id, a] of answers) errorKind(checkToolResult(a, id), id);
      assert.equal(gatewayCalls, 0, 'no refused input reached a handler');
    } finally {
      await client.close();
      await mcp.close();
    }
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoNamesBefore, 'Object.prototype has no new properties');
    const probe = {} as Record<string, unknown>;
    for (const k of ['polluted', 'sandbox', 'sandboxes', 'isAdmin']) assert.equal(probe[k], undefined, `({}).${k} is not inherited`);
  });
});
