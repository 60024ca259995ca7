/**
 * What update_sandbox may change and in which state, checked before any API write: the API's resize
 * rules (a running sandbox only grows CPU and memory; disk changes only while stopped and only
 * grows; GPU never), then the writes in a fixed order (resize first, as it is the one that can fail
 * on quota; then the intervals; then public). A resize above the organisation's per-sandbox maxima
 * is refused before any write too, when those maxima can be read (the API would refuse it, or — for
 * a stopped sandbox on older servers — accept it and refuse the next start).
 */
import { isMissingRoute, ToolError } from './errors';
import type { CallOptions, DaytonaGateway, IntervalKind, SandboxLimits } from './gateway';
import { waitUntilSettled } from './lifecycle';
import type { Resources, SandboxDetails, SandboxSettings } from './types';

/** The settings a call asks to change (absent = keep). */
export type SandboxChanges = SandboxSettings;

export const RESIZE_RULE =
  'A started sandbox can only grow CPU and memory; disk changes only while stopped and only grows; GPU never changes.';

/** The resources that differ from the sandbox's; throws invalid_state/invalid_input naming the rule. */
export function resizeFor(s: SandboxDetails, c: SandboxChanges): Partial<Resources> {
  const want: Partial<Resources> = {};
  for (const key of ['cpu', 'memory', 'disk'] as const) {
    const v = c[key];
    if (v !== undefined && v !== s[key]) want[key] = v;
  }
  if (Object.keys(want).length === 0) return want;
  if (s.state === 'started') {
    if (want.disk !== undefined) {
      throw new ToolError('invalid_state', `Cannot change the disk of ${s.name} while it is started (${RESIZE_RULE})`, {
        hint: 'Stop it (stop_sandbox), then resize the disk, then start it again.',
      });
    }
    const shrinks = (['cpu', 'memory'] as const).filter((k) => want[k] !== undefined && (want[k] as number) < s[k]);
    if (shrinks.length) {
      throw new ToolError('invalid_state', `Cannot lower ${shrinks.join(' and ')} of ${s.name} while it is started (${RESIZE_RULE})`, {
        hint: 'Stop it (stop_sandbox) to lower CPU or memory, or ask for at least the current size.',
      });
    }
  } else if (s.state === 'stopped') {
    if (want.disk !== undefined && want.disk < s.disk) {
      throw new ToolError('invalid_input', `Cannot shrink the disk of ${s.name} from ${s.disk} to ${want.disk} GiB (${RESIZE_RULE})`, {
        hint: `Ask for at least ${s.disk} GiB, or create a new sandbox with a smaller disk.`,
      });
    }
  } else {
    throw new ToolError('invalid_state', `Cannot resize ${s.name}: it is ${s.state}; resizing needs a started or stopped sandbox.`, {
      hint: s.state === 'archived' ? 'Start it (start_sandbox) first.' : 'Wait for it to settle (get_sandbox), then retry.',
    });
  }
  return want;
}

/**
 * The per-sandbox maxima that apply to `s`: the rows of its region (all rows when none is), then of
 * its class when there are such rows. Several rows left: the largest maximum of each, so nothing the
 * API might allow is refused here.
 */
export function limitsFor(rows: readonly SandboxLimits[], s: Pick<SandboxDetails, 'target' | 'sandboxClass'>): SandboxLimits | undefined {
  const narrow = (from: readonly SandboxLimits[], keep: (r: SandboxLimits) => boolean) => (from.some(keep) ? from.filter(keep) : from);
  const left = narrow(
    narrow(rows, (r) => r.regionId === s.target),
    (r) => r.sandboxClass === s.sandboxClass,
  );
  if (!left.length) return undefined;
  const widest = (key: 'maxCpu' | 'maxMemory' | 'maxDisk'): number | null =>
    left.some((r) => r[key] === null) ? null : Math.max(...left.map((r) => r[key] as number));
  return { regionId: s.target, sandboxClass: s.sandboxClass, maxCpu: widest('maxCpu'), maxMemory: widest('maxMemory'), maxDisk: widest('maxDisk') };
}

/** "cpu 9 is above this organisation's per-sandbox maximum of 4" for the first value above its maximum. */
export function aboveLimit(want: Partial<Resources>, limits: SandboxLimits | undefined): string | undefined {
  if (!limits) return undefined;
  for (const [key, max, unit] of [['cpu', limits.maxCpu, ''], ['memory', limits.maxMemory, ' GiB'], ['disk', limits.maxDisk, ' GiB']] as const) {
    const v = want[key];
    if (v !== undefined && max !== null && v > max) return `${key} ${v}${unit} is above this organisation's per-sandbox maximum of ${max}${unit}`;
  }
  return undefined;
}

/**
 * The maxima for `s`, or undefined when they cannot be read (no organisation id, an API without the
 * usage route, a key without access): the API then remains the judge, as before.
 */
export async function readLimitsFor(gateway: DaytonaGateway, s: SandboxDetails, signal?: AbortSignal): Promise<SandboxLimits | undefined> {
  if (!s.organizationId) return undefined;
  try {
    return limitsFor(await gateway.sandboxLimits(s.organizationId, { signal }), s);
  } catch {
    if (signal?.aborted) throw new ToolError('cancelled', 'The operation was cancelled.');
    return undefined;
  }
}

const INTERVALS: ReadonlyArray<[keyof SandboxChanges & `auto${string}`, IntervalKind, keyof SandboxDetails]> = [
  ['autoStopMinutes', 'autostop', 'autoStopMinutes'],
  ['autoArchiveMinutes', 'autoarchive', 'autoArchiveMinutes'],
  ['autoDeleteMinutes', 'autodelete', 'autoDeleteMinutes'],
];

export interface UpdateResult {
  sandbox: SandboxDetails;
  /** What was changed, in words ("cpu 1→2", "auto-stop 15→60 min"); empty when nothing differed. */
  changed: string[];
  /** What was asked for and not changed, with why (resizing unavailable); absent when all was applied. */
  notChanged?: { what: string[]; why: string };
}

/** Said when the API has no resize for this organisation (feature flag sandbox_resize off). */
export const RESIZE_UNAVAILABLE =
  'Resizing is not available for this Daytona organisation (the API offers no resize: its feature flag is off)';

function resizeUnavailable(name: string, what: string[]): ToolError {
  return new ToolError('invalid_input', `${RESIZE_UNAVAILABLE}; ${what.join(', ')} of ${name} not changed.`, {
    reason: 'resize_unavailable',
    hint: 'CPU, memory and disk cannot be changed in place here: create a new sandbox with the size you need (create_sandbox with an image and cpu/memory/disk), or ask Daytona to enable resizing.',
  });
}

/**
 * Applies the changes to `ref`. Every rule is checked before the first write; values equal to the
 * current ones are not sent. Waits for a resize to finish.
 */
export async function updateSandbox(
  gateway: DaytonaGateway,
  ref: string,
  c: SandboxChanges,
  o: { timeoutMs: number; signal?: AbortSignal },
): Promise<UpdateResult> {
  const callOpts: CallOptions = { signal: o.signal };
  const s = await gateway.get(ref, callOpts);
  const resize = resizeFor(s, c);
  if (Object.keys(resize).length) {
    const limits = await readLimitsFor(gateway, s, o.signal);
    const above = aboveLimit(resize, limits);
    if (above && limits) {
      const caps = [
        limits.maxCpu !== null && `${limits.maxCpu} CPU`,
        limits.maxMemory !== null && `${limits.maxMemory} GiB memory`,
        limits.maxDisk !== null && `${limits.maxDisk} GiB disk`,
      ].filter(Boolean);
      throw new ToolError('invalid_input', `Cannot resize ${s.name}: ${above}; nothing changed.`, {
        hint: `Per sandbox this organisation allows at most ${caps.join(', ')}: ask for no more, or ask Daytona to raise its per-sandbox limits.`,
      });
    }
  }
  const intervals = INTERVALS.filter(([key, , field]) => c[key] !== undefined && c[key] !== s[field]);
  const setPublic = c.public !== undefined && c.public !== s.public;
  const changed: string[] = [];
  let notChanged: UpdateResult['notChanged'];
  if (Object.keys(resize).length) {
    const words = Object.entries(resize).map(([k, v]) => `${k} ${s[k as keyof Resources]}→${v}${k === 'cpu' ? '' : ' GiB'}`);
    try {
      await gateway.resize(s.id, resize, callOpts);
    } catch (err) {
      if (!(err instanceof ToolError && isMissingRoute(err))) throw err;
      // Nothing else depends on the resize: the other settings of the call are still applied.
      if (!intervals.length && !setPublic) throw resizeUnavailable(s.name, words);
      notChanged = { what: words, why: RESIZE_UNAVAILABLE };
    }
    if (!notChanged) {
      await waitUntilSettled(gateway, s.id, { timeoutMs: o.timeoutMs, signal: o.signal });
      changed.push(...words);
    }
  }
  for (const [key, kind, field] of intervals) {
    await gateway.setInterval(s.id, kind, c[key] as number, callOpts);
    changed.push(`${kind.replace('auto', 'auto-')} ${String(s[field])}→${String(c[key])} min`);
  }
  if (setPublic) {
    await gateway.setPublic(s.id, c.public as boolean, callOpts);
    changed.push(c.public ? 'now public' : 'now private');
  }
  const sandbox = changed.length ? await gateway.get(s.id, callOpts) : s;
  return notChanged ? { sandbox, changed, notChanged } : { sandbox, changed };
}
