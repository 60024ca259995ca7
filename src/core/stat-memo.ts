/**
 * Files read on every tool call (the credentials file, the Daytona CLI's config) are parsed again only
 * when stat says they changed. Any write changes what is compared: a rename gives a new inode, an
 * in-place write the size or the modification time (nanoseconds), a chmod or chown the mode, owner and
 * change time. So a key fixed while the server runs still counts from the next call on, and a stat
 * replaces a read and a JSON parse — several times per call, as every scrub asks for the current key.
 */
import { statSync, type BigIntStats } from 'node:fs';

export interface StatMemo<T> {
  /** What `read` made of the file as it is now; `absent` when there is nothing at `path`. */
  get(path: string, read: (st: BigIntStats) => T, absent: () => T): T;
}

/** Paths remembered per memo; the oldest is forgotten first (tests read hundreds of temp files). */
const MAX_PATHS = 16;

export function statMemo<T>(): StatMemo<T> {
  const seen = new Map<string, { stamp: string; value: T }>();
  return {
    get(path, read, absent) {
      let st: BigIntStats;
      try {
        st = statSync(path, { bigint: true });
      } catch {
        seen.delete(path);
        return absent();
      }
      const stamp = `${st.dev}:${st.ino}:${st.mode}:${st.uid}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      const hit = seen.get(path);
      if (hit?.stamp === stamp) return hit.value;
      const value = read(st);
      seen.delete(path);
      seen.set(path, { stamp, value });
      if (seen.size > MAX_PATHS) seen.delete(seen.keys().next().value as string);
      return value;
    },
  };
}
