/**
 * Adds, updates or removes our server entry in an agent's JSON(C) config file, safely: the edit is
 * computed on the text (jsonc-text.ts; official-entry.ts says which entries we may touch), the
 * previous content is kept at `<path>.bak`, and the new content replaces the file atomically (temp file in the same folder, fsync, rename), so a crash
 * or a full disk never leaves a half-written config behind.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { writeBackups } from './backups';
import { mapFsError, RegistrationError } from './errors';
import type { JsonObject, JsonValue } from './json';
import type { TextFormat } from './jsonc-text';
import { lineDiff } from './line-diff';
import { planRemove, planUpsert, readEntries, type EntryPlan, type FileFormat } from './official-entry';

/** The file-system calls used here; tests replace some of them to simulate failures. */
export type FileSystem = Pick<
  typeof fsp,
  'readFile' | 'open' | 'rename' | 'unlink' | 'mkdir' | 'stat' | 'lstat' | 'realpath' | 'readlink' | 'access' | 'chmod'
>;

interface CommonOptions {
  /** The config file as the host knows it (may be a symlink; the link is kept, its target edited). */
  path: string;
  topKey: string;
  name: string;
  /** The file's syntax; default JSON with comments. */
  format?: FileFormat;
  /** Compute the result (including diff and newText) without touching the disk. */
  dryRun?: boolean;
  fs?: Partial<FileSystem>;
}

export interface UpsertOptions extends CommonOptions {
  entry: JsonObject;
  /** Style for a new or empty file; an existing file's own indentation and line endings win. */
  defaultFormat?: TextFormat;
  /** Mode of folders we create (default 0o700: they live under the user's home). */
  dirMode?: number;
  /** Mode of a file we create (default 0o600: an opted-in env may hold a secret). */
  fileMode?: number;
  /** The entry holds a secret (bearer token, inline key): the file ends up 0600 whatever it was. */
  secret?: boolean;
}

export type RemoveOptions = CommonOptions;

export interface EditResult {
  path: string;
  /** The file actually written: differs from `path` when `path` is a symlink. */
  targetPath: string;
  changed: boolean;
  /** The file did not exist before. */
  created: boolean;
  /** Copy of the previous content; only when an existing file was changed. */
  backupPath?: string;
  /** The file's mode before we made it 0600 because it now holds a secret (only when it was wider). */
  tightenedFrom?: number;
  previousEntry?: JsonValue;
  /** The official Daytona CLI server (`daytona-mcp`) is configured in this file too; it is left alone. */
  officialEntryPresent: boolean;
  /** Unified-style diff of the change (when changed). */
  diff?: string;
  /** Dry run only: the content the file would get. */
  newText?: string;
}

function io(overrides: Partial<FileSystem> | undefined): FileSystem {
  return { ...fsp, ...overrides };
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Follows symlinks (also dangling ones, whose target we may have to create). */
async function resolveTarget(fs: FileSystem, path: string): Promise<string> {
  let current = nodePath.resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await fs.realpath(current);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw mapFsError(err, path, 'read');
    }
    try {
      const st = await fs.lstat(current);
      if (!st.isSymbolicLink()) return current;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return current; // missing file: create it here
      throw mapFsError(err, path, 'read');
    }
    current = nodePath.resolve(nodePath.dirname(current), await fs.readlink(current));
  }
  throw new RegistrationError('io', `Cannot resolve ${path}: too many levels of symbolic links.`, { path, errno: 'ELOOP' });
}

interface Current {
  bytes: Buffer | undefined; // undefined: the file does not exist
  mode: number;
}

async function readCurrent(fs: FileSystem, target: string, label: string): Promise<Current> {
  try {
    const st = await fs.stat(target);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return { bytes: await fs.readFile(target), mode: st.mode & 0o7777 };
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { bytes: undefined, mode: 0 };
    throw mapFsError(err, label, 'read');
  }
}

/** Refuses files marked read-only even where the OS would let us (root, or a rename over them). */
async function assertWritable(fs: FileSystem, target: string, current: Current, label: string): Promise<void> {
  if (current.bytes === undefined) return;
  if ((current.mode & 0o222) === 0) {
    throw new RegistrationError(
      'read_only',
      `${label} is read-only (EACCES). Make it writable, or add the server to it by hand. Nothing was changed.`,
      { path: label, errno: 'EACCES' },
    );
  }
  try {
    await fs.access(target, constants.W_OK);
  } catch (err) {
    throw mapFsError(err, label, 'write');
  }
}

async function renameWithRetry(fs: FileSystem, from: string, to: string): Promise<void> {
  // Windows: an editor or virus scanner holding the file open makes rename fail briefly.
  const retries = process.platform === 'win32' ? 5 : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (err) {
      const transient = ['EPERM', 'EACCES', 'EBUSY'].includes(errnoOf(err) ?? '');
      if (!transient || attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

async function syncDir(fs: FileSystem, dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself already happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes via a temp file in the same folder; the temp file is removed on every failure path. */
async function writeAtomic(
  fs: FileSystem,
  target: string,
  data: string | Buffer,
  mode: number,
  beforeRename?: () => Promise<void>,
): Promise<void> {
  const dir = nodePath.dirname(target);
  const tmp = nodePath.join(dir, `.${nodePath.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(tmp, mode); // open() applied the umask
    await beforeRename?.();
    await renameWithRetry(fs, tmp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(fs, dir);
}

async function apply(
  fs: FileSystem,
  opts: CommonOptions & { dirMode?: number; fileMode?: number; secret?: boolean },
  plan: (raw: string) => EntryPlan,
): Promise<EditResult> {
  const label = opts.path;
  const target = await resolveTarget(fs, opts.path);
  const current = await readCurrent(fs, target, label);
  const raw = current.bytes?.toString('utf8') ?? '';
  const exists = current.bytes !== undefined;
  const p = plan(raw);
  const result: EditResult = {
    path: opts.path,
    targetPath: target,
    changed: p.changed,
    created: !exists && p.changed,
    officialEntryPresent: p.officialEntryPresent,
  };
  if (p.previousEntry !== undefined) result.previousEntry = p.previousEntry;
  if (!p.changed) return opts.dryRun && exists ? { ...result, newText: raw } : result;
  result.diff = lineDiff(raw, p.newText, label);
  if (opts.dryRun) return { ...result, newText: p.newText };

  await assertWritable(fs, target, current, label);
  try {
    if (!exists) await fs.mkdir(nodePath.dirname(target), { recursive: true, mode: opts.dirMode ?? 0o700 });
    const mode = opts.secret ? 0o600 : exists ? current.mode : (opts.fileMode ?? 0o600);
    if (opts.secret && exists && (current.mode & 0o077) !== 0) result.tightenedFrom = current.mode;
    if (current.bytes !== undefined) {
      // The backup may hold a secret too (an earlier token): never wider than the file itself.
      result.backupPath = await writeBackups(fs, opts.path, current.bytes, mode & (opts.secret ? 0o600 : 0o7777), (path, bytes, m) => writeAtomic(fs, path, bytes, m));
    }
    await writeAtomic(fs, target, p.newText, mode, async () => {
      // Another program (often the host itself) may have rewritten the file meanwhile; don't clobber it.
      const now = await readCurrent(fs, target, label);
      const same = now.bytes === undefined ? !exists : current.bytes !== undefined && now.bytes.equals(current.bytes);
      if (!same) {
        throw new RegistrationError('conflict', `${label} changed while it was being updated. Nothing was changed; try again.`, {
          path: label,
        });
      }
    });
  } catch (err) {
    throw mapFsError(err, label, 'write');
  }
  return result;
}

/** Adds or replaces `name` under `topKey`; a no-op (nothing written, no backup) when already equal. */
export async function upsertServerEntry(opts: UpsertOptions): Promise<EditResult> {
  const target = { topKey: opts.topKey, name: opts.name, file: opts.path, ...(opts.defaultFormat ? { defaultFormat: opts.defaultFormat } : {}) };
  return apply(io(opts.fs), opts, (raw) => planUpsert(raw, target, opts.entry, opts.format));
}

/** Removes `name` under `topKey` if present; refuses to remove the official Daytona CLI entry. */
export async function removeServerEntry(opts: RemoveOptions): Promise<EditResult> {
  return apply(io(opts.fs), opts, (raw) => planRemove(raw, { topKey: opts.topKey, name: opts.name, file: opts.path }, opts.format));
}

/** The server entries under `topKey`; {} when the file or the key is missing. */
export async function readServerEntries(
  path: string,
  topKey = 'mcpServers',
  fsOverrides?: Partial<FileSystem>,
  format: FileFormat = 'jsonc',
): Promise<Record<string, JsonValue>> {
  const current = await readCurrent(io(fsOverrides), path, path);
  return current.bytes === undefined ? {} : readEntries(current.bytes.toString('utf8'), topKey, path, format);
}
