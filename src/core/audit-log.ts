/**
 * Append-only JSON-lines audit log of everything the MCP server does, at ~/.daytona/daytona-mcp.log
 * (DAYTONA_MCP_LOG overrides). Several servers may write at once: each entry is one write() on a
 * file opened with O_APPEND, so lines never interleave, and rotation happens under a lock directory
 * so two servers never rotate the same file twice. The file is 0600 in a 0700 folder.
 *
 * What matters survives a flood: entries written as `noise` (calls refused for bad input — an agent
 * can make any number) are capped per minute and the rest counted in one summary line, and every
 * file a writer opens starts with its own `server_running` line (its start), so rotation cannot take
 * away which server was running. Writes to the API are never noise.
 */
import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { REDACTED, scrub, scrubber } from './scrub';

export interface AuditLogOptions {
  path: string;
  /** Rotate when the file would grow past this many bytes. */
  maxBytes?: number;
  /** Rotated files kept: log.1 … log.N. */
  keep?: number;
  /** Strings that must never reach the file (API keys); replaced by "[redacted]". */
  secrets?: () => readonly string[];
  /** Noise entries written per minute; past it they are counted (default 60). */
  noisePerMinute?: number;
}

type Fields = Record<string, unknown>;

/** Noise entries are counted in windows this long. */
const NOISE_WINDOW_MS = 60_000;

export class AuditLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly secrets: () => readonly string[];
  private failed = false;
  /** Open descriptor (O_APPEND), its inode, the bytes it holds as far as we know, when the path was last checked. */
  private fd: number | undefined;
  private ino = 0;
  private size = 0;
  private checkedAt = 0;
  private readonly noisePerMinute: number;
  private noise = { windowStart: 0, written: 0, suppressed: 0 };
  /** This writer's start entry, repeated at the head of every file it opens after the first. */
  private preamble: Record<string, unknown> | undefined;
  private openedFirst = false;

  constructor(o: AuditLogOptions) {
    this.path = o.path;
    this.maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
    this.keep = o.keep ?? 3;
    this.secrets = o.secrets ?? (() => []);
    this.noisePerMinute = o.noisePerMinute ?? 60;
  }

  /** Entries of writeSoon() not written yet, in order. */
  private pending: Array<[string, Fields | (() => Fields), { noise?: boolean }]> = [];

  /**
   * Appends one entry once the current turn of the event loop is over (setImmediate): a tool call's
   * line is written after its result went out, so the line costs the call no time. Entries stay in
   * order with write()'s, which writes any pending first, and are written at process exit if the
   * loop never turns again. `fields` may be a function, called then: what it costs (redacting a call's
   * arguments) is then off the answer's path too.
   */
  writeSoon(event: string, fields: Fields | (() => Fields) = {}, opts: { noise?: boolean } = {}): void {
    if (this.pending.push([event, fields, opts]) === 1) {
      WITH_PENDING.add(this);
      setImmediate(() => this.flush());
    }
  }

  /** Writes what writeSoon() holds. */
  flush(): void {
    if (!this.pending.length) return;
    const entries = this.pending;
    this.pending = [];
    WITH_PENDING.delete(this);
    for (const [event, fields, opts] of entries) this.writeNow(event, typeof fields === 'function' ? fields() : fields, opts);
  }

  /**
   * Appends one entry. Never throws: auditing must not break the tool call it records. `noise`:
   * an entry an agent can repeat at will (refused input); capped per minute, the excess counted.
   */
  write(event: string, fields: Record<string, unknown> = {}, opts: { noise?: boolean } = {}): void {
    this.flush();
    this.writeNow(event, fields, opts);
  }

  private writeNow(event: string, fields: Record<string, unknown>, opts: { noise?: boolean }): void {
    const now = Date.now();
    // A window's count is written when the next begins, and before the server stops.
    if (now - this.noise.windowStart >= NOISE_WINDOW_MS || (event === 'server_stop' && this.noise.suppressed)) {
      const { suppressed, windowStart } = this.noise;
      this.noise = { windowStart: now, written: 0, suppressed: 0 };
      if (suppressed) this.append('audit_suppressed', { entries: suppressed, since: new Date(windowStart).toISOString(), reason: 'more refused calls than the per-minute cap' });
    }
    if (opts.noise && this.noise.written >= this.noisePerMinute) {
      this.noise.suppressed++;
      return;
    }
    if (opts.noise) this.noise.written++;
    if (event === 'server_start') this.preamble = { ...fields, startedAt: new Date().toISOString() };
    this.append(event, fields);
  }

  private append(event: string, fields: Record<string, unknown>): void {
    // The secrets are gathered once per entry (every registered source plus ours), not once per string.
    const scrub = scrubber(this.secrets().filter((s) => s.length >= 8));
    // Secrets go first, clipping second: clipping first could leave a fragment of a key behind.
    const safe = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, sanitize(v, scrub, k === 'arguments' ? MAX_ARGUMENT_CHARS : MAX_FIELD_CHARS)]));
    const head = { time: new Date().toISOString(), pid: process.pid, event };
    let line = scrub(JSON.stringify({ ...head, ...safe }));
    // A bounded line: one huge call must not rotate the history away. Past the limit the entry keeps
    // its head and a scrubbed preview of the rest.
    if (line.length > MAX_LINE_CHARS) {
      line = JSON.stringify({ ...head, truncated: true, chars: line.length, preview: line.slice(0, MAX_LINE_CHARS / 4) });
    }
    line += '\n';
    try {
      const bytes = Buffer.byteLength(line);
      const now = Date.now();
      // One write() per entry. Before each, the file's real size (other servers append too) and the
      // path's inode (another server may have rotated it) are checked, so no writer keeps appending
      // to a rotated file or past the limit.
      if (this.fd !== undefined) this.refreshFromDisk();
      if (this.fd === undefined || now - this.checkedAt > 1_000 || this.size + bytes > this.maxBytes) {
        this.reopen(bytes);
        this.checkedAt = now;
      }
      this.writeLine(line, bytes);
      this.failed = false;
    } catch {
      // Another writer rotated between our check and our open: one more try on the new file.
      this.close();
      try {
        this.reopen(Buffer.byteLength(line));
        this.writeLine(line, Buffer.byteLength(line));
        this.failed = false;
        return;
      } catch (err) {
        this.reportFailure(err as Error);
      }
    }
  }

  private writeLine(line: string, bytes: number): void {
    writeSync(this.fd as number, line);
    this.size += bytes;
  }

  private reportFailure(err: Error): void {
    this.close(); // start afresh next time (folder removed, disk full, …)
    if (!this.failed) process.stderr.write(`daytona-mcp: cannot write audit log ${this.path}: ${err.message}\n`);
    this.failed = true;
  }

  /** Closes the descriptor; the next write reopens it. */
  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already gone
      }
    }
    this.fd = undefined;
  }

  /**
   * Our file's true size, and forget it when the path now names another file (rotated). One stat of
   * the path: while it names our inode, its size is our descriptor's.
   */
  private refreshFromDisk(): void {
    try {
      const st = statSync(this.path);
      if (st.ino !== this.ino) this.close();
      else this.size = st.size;
    } catch {
      this.close();
    }
  }

  private reopen(incoming: number): void {
    let current: number | undefined;
    try {
      current = statSync(this.path).ino;
    } catch {
      // no file yet
    }
    if (this.fd !== undefined && current === this.ino && this.size + incoming <= this.maxBytes) return;
    this.close();
    this.ensureFolder();
    this.rotateIfNeeded(incoming);
    const fd = openSync(this.path, 'a', 0o600);
    const st = fstatSync(fd);
    this.fd = fd;
    const newFile = this.openedFirst && st.ino !== this.ino;
    this.ino = st.ino;
    this.size = st.size;
    this.openedFirst = true;
    // A new file (rotated): it starts with what this writer is, so the start is never rotated away.
    if (newFile && this.preamble) {
      const line = `${scrub(JSON.stringify({ time: new Date().toISOString(), pid: process.pid, event: 'server_running', ...this.preamble }), this.secrets())}\n`;
      this.writeLine(line, Buffer.byteLength(line));
    }
  }

  private ensureFolder(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
  }

  private rotateIfNeeded(incoming: number): void {
    let size: number;
    try {
      const st = statSync(this.path);
      size = st.size;
      // An earlier version or another tool may have created it world-readable.
      if ((st.mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    } catch {
      return; // no file yet
    }
    if (size + incoming <= this.maxBytes) return;
    const lock = `${this.path}.lock`;
    // Another writer is rotating: wait for it (milliseconds) rather than append past the limit.
    for (let waited = 0; !tryLock(lock); waited++) {
      if (waited >= 200) return; // a stuck rotation must not stop the server; append a little past the limit
      Atomics.wait(PAUSE, 0, 0, 1);
      try {
        if (statSync(this.path).size + incoming <= this.maxBytes) return; // it rotated
      } catch {
        return; // it rotated and no one has written since
      }
    }
    try {
      let now: number;
      try {
        now = statSync(this.path).size;
      } catch {
        return; // someone else rotated already and no one has written since
      }
      if (now + incoming <= this.maxBytes) return; // someone else rotated already
      for (let i = this.keep - 1; i >= 1; i--) {
        try {
          renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        } catch {
          // that generation does not exist yet
        }
      }
      renameSync(this.path, `${this.path}.1`);
    } finally {
      rmdirSync(lock);
    }
  }
}

/** Logs holding writeSoon() entries; written at exit, whatever ends the process (one listener for all). */
const WITH_PENDING = new Set<AuditLog>();
process.once('exit', () => {
  for (const log of WITH_PENDING) log.flush();
});

/** For a synchronous 1 ms pause while another writer rotates. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      // A writer that crashed while rotating leaves the lock behind; rotation takes milliseconds.
      if (Date.now() - statSync(lock).mtimeMs > 10_000) {
        rmdirSync(lock);
        mkdirSync(lock);
        return true;
      }
    } catch {
      // lost the race to another writer
    }
    return false;
  }
}

const MAX_ARGUMENT_CHARS = 500;
const MAX_FIELD_CHARS = 4_000;
/** Longest line written; longer entries are summarised (see write). */
const MAX_LINE_CHARS = 16_000;
/** Array items logged in full; the rest are counted. */
const MAX_ARRAY_ITEMS = 50;
const MAX_DEPTH = 32;

/** Every string and key: secrets replaced, then clipped; arrays and objects walked (bounded depth). */
function sanitize(v: unknown, scrub: (text: string) => string, max: number, depth = 0): unknown {
  const clean = (s: string): string => {
    s = scrub(s);
    return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
  };
  if (typeof v === 'string') return clean(v);
  if (!v || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_ARRAY_ITEMS).map((x) => sanitize(x, scrub, max, depth + 1));
    return v.length > MAX_ARRAY_ITEMS ? [...shown, `…(${v.length - MAX_ARRAY_ITEMS} more)`] : shown;
  }
  // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), sanitize(x, scrub, max, depth + 1)]));
}

/** Tool arguments as they may be logged: env values and anything key-like replaced (AuditLog.write clips). */
export function redactArguments(args: unknown, depth = 0): unknown {
  if (!args || typeof args !== 'object') return args;
  // Depth-bounded: arguments nested 10⁴ deep must still be logged, not overflow the stack.
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(args)) return args.map((v) => redactArguments(v, depth + 1));
  // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
  return Object.fromEntries(
    Object.entries(args as Record<string, unknown>).map(([k, v]) => {
      if (k === 'env' && v && typeof v === 'object') return [k, Object.fromEntries(Object.keys(v).map((name) => [name, REDACTED]))];
      if (/key|token|secret|password/i.test(k)) return [k, REDACTED];
      return [k, redactArguments(v, depth + 1)];
    }),
  );
}
