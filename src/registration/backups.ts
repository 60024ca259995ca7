/**
 * Backups of an agent's config before we change it: the latest previous version at `<file>.bak`,
 * older ones at `<file>.bak.1` … `<file>.bak.5` (newest first), and — written once, never replaced —
 * the file as it was before our first edit at `<file>.daytona-original`, so a hand-written entry
 * survives any number of inits.
 */
import type * as fsp from 'node:fs/promises';

/** The file-system calls backups make (config-edit.ts passes its own, which tests may replace). */
type BackupFileSystem = Pick<typeof fsp, 'lstat' | 'rename' | 'unlink'>;

/** Numbered generations kept besides `.bak`. */
export const BACKUP_GENERATIONS = 5;

export function originalBackupPath(path: string): string {
  return `${path}.daytona-original`;
}

async function exists(fs: Pick<BackupFileSystem, 'lstat'>, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the backups of `bytes` (the current content of `path`); returns the `.bak` path. */
export async function writeBackups(
  fs: BackupFileSystem,
  path: string,
  bytes: Buffer,
  mode: number,
  write: (path: string, bytes: Buffer, mode: number) => Promise<void>,
): Promise<string> {
  const original = originalBackupPath(path);
  if (!(await exists(fs, original))) await write(original, bytes, mode);
  const latest = `${path}.bak`;
  if (await exists(fs, latest)) {
    await fs.unlink(`${latest}.${BACKUP_GENERATIONS}`).catch(() => undefined);
    for (let i = BACKUP_GENERATIONS - 1; i >= 1; i--) {
      await fs.rename(`${latest}.${i}`, `${latest}.${i + 1}`).catch(() => undefined); // that generation may not exist yet
    }
    await fs.rename(latest, `${latest}.1`);
  }
  await write(latest, bytes, mode);
  return latest;
}
