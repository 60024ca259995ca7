// The list's own copy of the sandboxes, as the real API keeps one: `GET /sandbox` is served from a
// search index ("Eventually consistent", sandbox.controller.ts), while `GET /sandbox/{id}` reads the
// database. Every change to a sandbox reaches the list `lagMs` later: a new sandbox is missing for
// that long, a deleted one still listed, a state shown as it was.
import type { SandboxRecord } from './types';

interface Version {
  /** Clock ms at which this version became true (the list shows it from `at + lagMs`). */
  at: number;
  /** A copy of the sandbox as it was; null once it is gone. */
  rec: SandboxRecord | null;
}

/** What a change is compared by: everything the list shows (the pending transition is not shown). */
const fingerprint = (rec: SandboxRecord): string => JSON.stringify({ ...rec, transition: null });

const copy = (rec: SandboxRecord): SandboxRecord => ({
  ...rec,
  env: { ...rec.env },
  labels: { ...rec.labels },
  volumes: rec.volumes.map((v) => ({ ...v })),
  transition: null,
});

export class ListIndex {
  private readonly versions = new Map<string, Version[]>();
  private readonly prints = new Map<string, string>();

  constructor(readonly lagMs: number) {}

  /** Records `rec` as it is now (at clock `at`), if it changed since its last version. */
  publish(rec: SandboxRecord, at: number): void {
    const print = fingerprint(rec);
    if (this.prints.get(rec.id) === print) return;
    this.prints.set(rec.id, print);
    this.push(rec.id, { at, rec: copy(rec) });
  }

  /** The sandbox is gone (from clock `at`). */
  remove(id: string, at: number): void {
    this.prints.delete(id);
    this.push(id, { at, rec: null });
  }

  clear(): void {
    this.versions.clear();
    this.prints.clear();
  }

  /** The sandboxes as the list sees them at clock `now`. */
  view(now: number): SandboxRecord[] {
    const cutoff = now - this.lagMs;
    const out: SandboxRecord[] = [];
    for (const [id, list] of this.versions) {
      let i = list.length - 1;
      while (i >= 0 && (list[i] as Version).at > cutoff) i--;
      if (i > 0) list.splice(0, i); // older versions can never be shown again
      const seen = i >= 0 ? (list[0] as Version) : undefined;
      if (seen?.rec) out.push(seen.rec);
      else if (seen && list.length === 1) this.versions.delete(id); // gone, and the list knows it
    }
    return out;
  }

  private push(id: string, v: Version): void {
    const list = this.versions.get(id) ?? [];
    // Kept in time order (a settled transition is published after the request that noticed it).
    let i = list.length;
    while (i > 0 && (list[i - 1] as Version).at > v.at) i--;
    list.splice(i, 0, v);
    this.versions.set(id, list);
  }
}
