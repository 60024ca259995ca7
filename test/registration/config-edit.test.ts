// File-level behaviour: atomic writes, backups, modes, symlinks, failures that must change nothing.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, readlink, lstat, stat, symlink, chmod, utimes, writeFile, rename, open } from 'node:fs/promises';
import type { PathLike } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { readServerEntries, removeServerEntry, upsertServerEntry, type UpsertOptions } from '../../src/registration/config-edit';
import { mapFsError, RegistrationError } from '../../src/registration/errors';
import { ENTRY, INVALID, VALID } from './fixtures';

const isRoot = process.getuid?.() === 0;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'daytona-reg-'));
  t.after(async () => {
    // A read-only test may leave a folder we cannot clean up otherwise.
    await chmod(dir, 0o700).catch(() => undefined);
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Every file under dir, recursively, relative names. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

function noTempFiles(names: string[]): void {
  assert.deepEqual(names.filter((n) => n.endsWith('.tmp')), [], 'no temp files left behind');
}

function opts(path: string, extra: Partial<UpsertOptions> = {}): UpsertOptions {
  return { path, topKey: 'mcpServers', name: 'daytona', entry: ENTRY, ...extra };
}

const OTHER = VALID.find((f) => f.name === 'line and block comments');
assert.ok(OTHER?.expected);

test('missing file and folders: created (0700 folders, 0600 file), no backup', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'home', '.codeium', 'windsurf', 'mcp_config.json');
  const result = await upsertServerEntry(opts(path));
  assert.equal(result.changed, true);
  assert.equal(result.created, true);
  assert.equal(result.backupPath, undefined);
  assert.equal(result.officialEntryPresent, false);
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { mcpServers: { daytona: ENTRY } });
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'home', '.codeium'))).mode & 0o777, 0o700);
  assert.deepEqual(await tree(dir), ['home', 'home/.codeium', 'home/.codeium/windsurf', 'home/.codeium/windsurf/mcp_config.json']);
});

test('existing file: backup holds the previous bytes, mode is kept, result has a diff', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'claude_desktop_config.json');
  await writeFile(path, OTHER.text);
  await chmod(path, 0o640);
  const result = await upsertServerEntry(opts(path));
  assert.equal(result.changed, true);
  assert.equal(result.created, false);
  assert.equal(result.backupPath, `${path}.bak`);
  assert.equal(await readFile(`${path}.bak`, 'utf8'), OTHER.text);
  assert.equal(await readFile(path, 'utf8'), OTHER.expected);
  assert.equal((await stat(path)).mode & 0o777, 0o640);
  assert.match(result.diff ?? '', /^\+ {4}"daytona": \{$/m);
  assert.match(result.diff ?? '', /^- {4}\} \/\* end filesystem \*\/$/m);
  noTempFiles(await tree(dir));
});

test('idempotent: second run writes nothing, touches no backup', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  await upsertServerEntry(opts(path));
  const past = new Date(Date.now() - 60_000);
  await utimes(path, past, past);
  await utimes(`${path}.bak`, past, past);
  const before = await stat(path);
  const bakBefore = await stat(`${path}.bak`);

  const again = await upsertServerEntry(opts(path));
  assert.equal(again.changed, false);
  assert.equal(again.backupPath, undefined);
  assert.equal(again.diff, undefined);
  assert.deepEqual(again.previousEntry, ENTRY);
  assert.equal((await stat(path)).mtimeMs, before.mtimeMs);
  assert.equal((await stat(`${path}.bak`)).mtimeMs, bakBefore.mtimeMs);
  assert.equal(await readFile(`${path}.bak`, 'utf8'), OTHER.text);
  assert.deepEqual(await tree(dir), ['mcp.json', 'mcp.json.bak', 'mcp.json.daytona-original']);
});

test('idempotent on a file we created: never a backup', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await upsertServerEntry(opts(path));
  const again = await upsertServerEntry(opts(path));
  assert.equal(again.changed, false);
  assert.deepEqual(await tree(dir), ['mcp.json']);
});

test('dry run: returns the would-be text and diff, touches nothing', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  const dry = await upsertServerEntry(opts(path, { dryRun: true }));
  assert.equal(dry.changed, true);
  assert.equal(dry.newText, OTHER.expected);
  assert.ok(dry.diff);
  assert.equal(dry.backupPath, undefined);
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  assert.deepEqual(await tree(dir), ['mcp.json']);

  const missing = join(dir, 'no', 'such', 'mcp.json');
  const dryNew = await upsertServerEntry(opts(missing, { dryRun: true }));
  assert.equal(dryNew.created, true);
  assert.deepEqual(JSON.parse(dryNew.newText ?? ''), { mcpServers: { daytona: ENTRY } });
  assert.deepEqual(await tree(dir), ['mcp.json'], 'no folders created');

  const real = await upsertServerEntry(opts(path));
  assert.equal(await readFile(path, 'utf8'), dry.newText);
  assert.equal(real.diff, dry.diff);
});

test('BOM and CRLF survive on disk', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, '\uFEFF{\r\n  "mcpServers": {\r\n    "a": {"command": "a"}\r\n  }\r\n}\r\n');
  await upsertServerEntry(opts(path));
  const bytes = await readFile(path);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  assert.doesNotMatch(text, /[^\r]\n/);
  assert.deepEqual(await readServerEntries(path), { a: { command: 'a' }, daytona: ENTRY });
});

test('empty and whitespace-only files are treated as {} (and backed up)', async (t) => {
  const dir = await tempDir(t);
  for (const [i, content] of ['', '   \n\n'].entries()) {
    const path = join(dir, `f${i}.json`);
    await writeFile(path, content);
    const result = await upsertServerEntry(opts(path));
    assert.equal(result.changed, true);
    assert.equal(result.created, false);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { mcpServers: { daytona: ENTRY } });
    assert.equal(await readFile(`${path}.bak`, 'utf8'), content);
  }
});

test('invalid JSON: file untouched, typed error with file and line/column, no backup or temp', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, INVALID);
  await assert.rejects(upsertServerEntry(opts(path)), (e: unknown) => {
    assert.ok(e instanceof RegistrationError);
    assert.equal(e.code, 'parse');
    assert.ok(e.message.includes(path));
    assert.match(e.message, /line 4, column 5/);
    assert.match(e.message, /Fix the file or move it aside/);
    return true;
  });
  await assert.rejects(removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona' }), /line 4, column 5/);
  await assert.rejects(readServerEntries(path), /line 4, column 5/);
  assert.equal(await readFile(path, 'utf8'), INVALID);
  assert.deepEqual(await tree(dir), ['mcp.json']);
});

test('read-only file (no write bits): refused with EACCES even as root, nothing changed', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  await chmod(path, 0o444);
  await assert.rejects(upsertServerEntry(opts(path)), (e: unknown) => {
    assert.ok(e instanceof RegistrationError);
    assert.equal(e.code, 'read_only');
    assert.equal(e.errno, 'EACCES');
    assert.match(e.message, /read-only/);
    assert.match(e.message, /Nothing was changed/);
    return true;
  });
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  assert.equal((await stat(path)).mode & 0o777, 0o444);
  assert.deepEqual(await tree(dir), ['mcp.json']);
});

test('OS refuses the write (read-only folder, not root): EACCES, nothing changed', { skip: isRoot && 'root bypasses folder permissions; covered by the injected-failure tests' }, async (t) => {
  const dir = await tempDir(t);
  const sub = join(dir, 'locked');
  await mkdir(sub);
  const path = join(sub, 'mcp.json');
  await writeFile(path, OTHER.text);
  await chmod(sub, 0o500);
  await assert.rejects(upsertServerEntry(opts(path)), (e: unknown) => e instanceof RegistrationError && e.code === 'permission' && e.errno === 'EACCES');
  await chmod(sub, 0o700);
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  assert.deepEqual(await tree(sub), ['mcp.json']);
});

test('path is a folder, or a parent is a file: not_a_file, nothing created', async (t) => {
  const dir = await tempDir(t);
  const asDir = join(dir, 'mcp.json');
  await mkdir(asDir);
  await assert.rejects(upsertServerEntry(opts(asDir)), (e: unknown) => e instanceof RegistrationError && e.code === 'not_a_file' && e.errno === 'EISDIR');
  const file = join(dir, 'plain');
  await writeFile(file, 'x');
  await assert.rejects(
    upsertServerEntry(opts(join(file, 'mcp.json'))),
    (e: unknown) => e instanceof RegistrationError && e.code === 'not_a_file' && e.errno === 'ENOTDIR',
  );
  assert.deepEqual(await tree(dir), ['mcp.json', 'plain']);
});

test('rename fails (EACCES): original intact, temp file removed', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  const denied = Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
  // Only the final rename fails: the backup still goes through.
  const failing = async (from: PathLike, to: PathLike) => {
    if (String(to) === path) throw denied;
    return rename(from, to);
  };
  await assert.rejects(upsertServerEntry(opts(path, { fs: { rename: failing } })), (e: unknown) => {
    assert.ok(e instanceof RegistrationError);
    assert.equal(e.code, 'permission');
    assert.equal(e.errno, 'EACCES');
    assert.ok(e.message.includes(path));
    return true;
  });
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  assert.equal(await readFile(`${path}.bak`, 'utf8'), OTHER.text);
  noTempFiles(await tree(dir));

  // Every rename fails: not even a backup appears.
  await writeFile(`${path}.bak`, 'old backup');
  await assert.rejects(upsertServerEntry(opts(path, { fs: { rename: async () => Promise.reject(denied) } })), /permission denied/);
  assert.equal(await readFile(`${path}.bak`, 'utf8'), 'old backup');
  assert.deepEqual(await tree(dir), ['mcp.json', 'mcp.json.bak', 'mcp.json.daytona-original']);
});

test('disk full while writing: temp file removed, original intact', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const openFailingWrites: typeof open = async (...args: Parameters<typeof open>) => {
    const handle = await open(...args);
    if (String(args[0]).endsWith('.tmp')) handle.writeFile = async () => Promise.reject(full);
    return handle;
  };
  await assert.rejects(upsertServerEntry(opts(path, { fs: { open: openFailingWrites } })), (e: unknown) => e instanceof RegistrationError && e.code === 'io' && e.errno === 'ENOSPC');
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  noTempFiles(await tree(dir));
});

test('file changed by someone else during the update: conflict, their content wins', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  const theirs = '{"mcpServers": {"theirs": {"command": "t"}}}\n';
  // chmod of our temp file is the last step before the check; the host writes just then.
  const racingChmod = async (p: Parameters<typeof chmod>[0], mode: Parameters<typeof chmod>[1]) => {
    await chmod(p, mode);
    if (String(p).includes('.mcp.json.')) await writeFile(path, theirs);
  };
  await assert.rejects(upsertServerEntry(opts(path, { fs: { chmod: racingChmod } })), (e: unknown) => e instanceof RegistrationError && e.code === 'conflict');
  assert.equal(await readFile(path, 'utf8'), theirs);
  noTempFiles(await tree(dir));
});

test('symlinked config: the target is edited, the link stays a link, backup next to the link', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'dotfiles'));
  await mkdir(join(dir, 'home'));
  const real = join(dir, 'dotfiles', 'mcp.json');
  const link = join(dir, 'home', 'mcp.json');
  await writeFile(real, OTHER.text);
  await symlink('../dotfiles/mcp.json', link);
  const result = await upsertServerEntry(opts(link));
  assert.equal(result.targetPath, real);
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.equal(await readlink(link), '../dotfiles/mcp.json');
  assert.equal(await readFile(real, 'utf8'), OTHER.expected);
  assert.equal(await readFile(`${link}.bak`, 'utf8'), OTHER.text);
  noTempFiles(await tree(dir));
  assert.equal((await upsertServerEntry(opts(link))).changed, false);
});

test('dangling symlink: the target (and its folder) is created, the link kept', async (t) => {
  const dir = await tempDir(t);
  const link = join(dir, 'mcp.json');
  await symlink(join(dir, 'store', 'mcp.json'), link);
  const result = await upsertServerEntry(opts(link));
  assert.equal(result.created, true);
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.deepEqual(await readServerEntries(link), { daytona: ENTRY });
});

test('official daytona-mcp entry: reported, kept byte-for-byte, never removed', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  const official = VALID.find((f) => f.name === 'official daytona-mcp entry');
  assert.ok(official);
  await writeFile(path, official.text);
  const added = await upsertServerEntry(opts(path));
  assert.equal(added.officialEntryPresent, true);
  const removed = await removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona' });
  assert.equal(removed.officialEntryPresent, true);
  assert.equal(await readFile(path, 'utf8'), official.text);
  await assert.rejects(removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona-mcp' }), (e: unknown) => e instanceof RegistrationError && e.code === 'official_entry');
  assert.equal(await readFile(path, 'utf8'), official.text);
});

test('remove: missing file or entry is a no-op that creates nothing', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'sub', 'mcp.json');
  const result = await removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona' });
  assert.equal(result.changed, false);
  assert.deepEqual(await tree(dir), []);
  await mkdir(join(dir, 'sub'));
  await writeFile(path, OTHER.text);
  assert.equal((await removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona' })).changed, false);
  assert.deepEqual(await tree(dir), ['sub', 'sub/mcp.json']);
});

test('remove after upsert restores the original and reports the removed entry', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'mcp.json');
  await writeFile(path, OTHER.text);
  await upsertServerEntry(opts(path));
  const removed = await removeServerEntry({ path, topKey: 'mcpServers', name: 'daytona' });
  assert.equal(removed.changed, true);
  assert.deepEqual(removed.previousEntry, ENTRY);
  assert.equal(await readFile(path, 'utf8'), OTHER.text);
  assert.equal(await readFile(`${path}.bak`, 'utf8'), OTHER.expected);
});

test('readServerEntries', async (t) => {
  const dir = await tempDir(t);
  assert.deepEqual(await readServerEntries(join(dir, 'missing.json')), {});
  const path = join(dir, 'mcp.json');
  await writeFile(path, '{\n\t"servers": {"x": {"type": "stdio", "command": "c"},},\n}\n');
  assert.deepEqual(await readServerEntries(path, 'servers'), { x: { type: 'stdio', command: 'c' } });
  assert.deepEqual(await readServerEntries(path), {});
});

test('mapFsError: advice per errno, our errors pass through', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });
  const eacces = mapFsError(err('EACCES'), '/x/mcp.json', 'write');
  assert.equal(eacces.code, 'permission');
  assert.match(eacces.message, /^Cannot write \/x\/mcp\.json: permission denied \(EACCES\)/);
  assert.match(eacces.message, /Nothing was changed/);
  assert.equal(mapFsError(err('EPERM'), 'p', 'write').code, 'permission');
  assert.equal(mapFsError(err('EROFS'), 'p', 'write').code, 'permission');
  assert.equal(mapFsError(err('EISDIR'), 'p', 'read').code, 'not_a_file');
  assert.doesNotMatch(mapFsError(err('EISDIR'), 'p', 'read').message, /Nothing was changed/);
  const other = mapFsError(err('EIO'), 'p', 'write');
  assert.equal(other.code, 'io');
  assert.equal(other.errno, 'EIO');
  assert.ok(other.cause instanceof Error);
  const ours = new RegistrationError('conflict', 'x');
  assert.equal(mapFsError(ours, 'p', 'write'), ours);
});

test('numbered backups: .bak is the latest, .bak.1… older ones, the original is kept forever', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cfg-gen-'));
  const path = join(dir, 'mcp.json');
  await writeFile(path, '{\n  // hand-written\n  "mcpServers": { "mine": { "command": "x" } }\n}\n');
  for (let i = 0; i < 8; i++) {
    await upsertServerEntry({ path, topKey: 'mcpServers', name: 'daytona', entry: { command: `node-${i}` } });
  }
  assert.match(await readFile(`${path}.daytona-original`, 'utf8'), /hand-written/);
  assert.match(await readFile(`${path}.bak`, 'utf8'), /node-6/);
  assert.match(await readFile(`${path}.bak.1`, 'utf8'), /node-5/);
  assert.match(await readFile(`${path}.bak.5`, 'utf8'), /node-1/);
  assert.ok(!(await tree(dir)).includes('mcp.json.bak.6'));
});
