/**
 * One way to write the files under ~/.daytona/mcp that only the user may read (credentials, the HTTP
 * server's token, the compile cache): mode 0600 in a 0700 folder, written to a temp file, flushed and
 * renamed over the old one, so readers see the old file or the new one, never a torn one.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writePrivateFileAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600); // a temp file left by a crash may have other bits
  renameSync(tmp, path);
}
