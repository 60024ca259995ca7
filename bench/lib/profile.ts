/**
 * Attributes a V8 CPU profile (`node --cpu-prof`) of a process running an esbuild bundle to the
 * packages the bundle was built from. Needs an unminified bundle: esbuild starts every module with a
 * `// path/to/file.js` comment, which maps a line to `node_modules/<package>` or `src/<folder>`.
 *
 * Categories: "V8 compile of the bundle" (wrapSafe, i.e. parsing the whole file before any of it
 * runs), "read the bundle", "node bootstrap" (before the bundle), and per package: its own code plus
 * the node built-ins it calls, GC and idle.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface ModuleIndex {
  starts: number[];
  labels: string[];
}

/** Line (0-based) → module label, from the bundle's `// file` comments. */
function moduleIndex(bundle: string): ModuleIndex {
  const starts: number[] = [];
  const labels: string[] = [];
  bundle.split('\n').forEach((line, i) => {
    const m = /^\/\/ (\S*?(?:node_modules|src)\/\S+\.(?:[cm]?[jt]s|json))$/.exec(line);
    if (!m) return;
    const file = m[1] as string;
    const at = file.lastIndexOf('node_modules/');
    let label: string;
    if (at >= 0) {
      const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.slice(at));
      label = nm ? (nm[1] as string) : file;
    } else {
      label = file.slice(file.indexOf('src/')).replace(/\.[cm]?[jt]s$/, '');
    }
    starts.push(i);
    labels.push(label);
  });
  return { starts, labels };
}

function labelFor(idx: ModuleIndex, line: number): string {
  let lo = 0;
  let hi = idx.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((idx.starts[mid] as number) <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (idx.starts.length === 0) return 'bundle code (minified: no module boundaries)';
  return found < 0 ? '(bundle prelude)' : (idx.labels[found] as string);
}

export interface ProfileSummary {
  totalMs: number;
  /** Time per category / package, descending. */
  byOwner: Array<{ owner: string; ms: number }>;
}

/**
 * `callerOf`: packages (e.g. ["zod"]) whose time is split by who called them — the nearest enclosing
 * bundle frame from another package, e.g. "zod ← @modelcontextprotocol/sdk".
 */
export function summariseProfile(profilePath: string, bundlePath: string, callerOf: readonly string[] = []): ProfileSummary {
  const prof = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const idx = moduleIndex(readFileSync(bundlePath, 'utf8'));
  const bundleUrls = new Set([pathToFileURL(bundlePath).href, bundlePath]);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isBundle = (n: ProfileNode) => bundleUrls.has(n.callFrame.url);

  // Self time (µs) per node.
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));

  const owners = new Map<string, number>();
  const add = (owner: string, us: number) => owners.set(owner, (owners.get(owner) ?? 0) + us);

  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    const fn = n.callFrame.functionName;
    if (fn === '(garbage collector)' || fn === '(idle)' || fn === '(program)') {
      add(fn, us);
      continue;
    }
    if (isBundle(n)) {
      const caller = (label: string): string => {
        if (!callerOf.includes(label)) return label;
        for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
          const a = byId.get(p) as ProfileNode;
          if (!isBundle(a)) continue;
          const l = a.callFrame.lineNumber <= 0 ? 'bundle top level' : labelFor(idx, a.callFrame.lineNumber);
          if (l !== label) return `${label} ← ${l}`;
        }
        return label;
      };
      // Spread over the lines that were executing (positionTicks), else the function's line.
      const ticks = n.positionTicks ?? [];
      const total = ticks.reduce((s, t) => s + t.ticks, 0);
      if (total > 0) for (const t of ticks) add(caller(labelFor(idx, t.line - 1)), (us * t.ticks) / total);
      else add(caller(labelFor(idx, n.callFrame.lineNumber)), us);
      continue;
    }
    // Outside the bundle: find what it is doing for whom.
    let owner: string | undefined;
    for (let p = id; p !== undefined; p = parent.get(p) as number) {
      const a = byId.get(p) as ProfileNode;
      const afn = a.callFrame.functionName;
      if (afn === 'wrapSafe') {
        owner = 'V8 compile of the bundle (wrapSafe)';
        break;
      }
      if (afn === 'loadSource') {
        owner = 'read the bundle file';
        break;
      }
      if (isBundle(a)) {
        const line = a.callFrame.lineNumber;
        owner = line <= 0 ? 'node built-ins required from the bundle top level' : `${labelFor(idx, line)} (node built-ins it calls)`;
        break;
      }
      if (!parent.has(p)) break;
    }
    add(owner ?? 'node bootstrap and other', us);
  }
  const byOwner = [...owners.entries()].map(([owner, us]) => ({ owner, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: (prof.endTime - prof.startTime) / 1000, byOwner };
}

export function profileTable(s: ProfileSummary, top = 12): string {
  const rows = s.byOwner.slice(0, top).map((o) => `| ${o.owner} | ${o.ms.toFixed(1)} ms |`);
  const rest = s.byOwner.slice(top).reduce((n, o) => n + o.ms, 0);
  return ['| where (CPU time) | ms |', '|---|---|', ...rows, `| everything else | ${rest.toFixed(1)} ms |`, `| **profile total** | ${s.totalMs.toFixed(1)} ms |`].join('\n');
}
