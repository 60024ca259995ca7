/**
 * The pure parts of the editor's Fork…, Save as Snapshot…, Resize…, Auto-stop… and preview commands:
 * what the input boxes accept and what they turn into for the tools. No vscode import: unit-tested.
 * The tools check every rule again against the live API; these only give early, specific feedback.
 */
import type { SandboxLimits } from '../core/gateway';
import { aboveLimit } from '../core/sandbox-update';
import type { SandboxDetails } from '../core/types';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * "2, 4, 10" (CPU, memory GiB, disk GiB) → only the values that differ from the sandbox's. `limits`:
 * the organisation's per-sandbox maxima when they could be read (update_sandbox checks them again).
 */
export function parseResize(text: string, s: SandboxDetails, limits?: SandboxLimits): Parsed<{ cpu?: number; memory?: number; disk?: number }> {
  const parts = text.replace(/(cpus?|gib|gb)\b/gi, ' ').split(/[\s,/]+/).filter(Boolean);
  if (parts.length !== 3) {
    return { ok: false, error: `Give three whole numbers: CPU, memory GiB, disk GiB (e.g. ${sizeText(s)}); got ${parts.length}.` };
  }
  // Each value on its own, so the message says which one is wrong and why.
  const names = ['CPU', 'Memory', 'Disk'] as const;
  for (const [i, part] of parts.entries()) {
    const n = Number(part);
    if (!Number.isInteger(n)) return { ok: false, error: `${names[i]}: "${part.slice(0, 12)}" is not a whole number.` };
    if (n < 1) return { ok: false, error: `${names[i]} must be at least 1${i ? ' GiB' : ''} (got ${n}).` };
  }
  const [cpu, memory, disk] = parts.map(Number) as [number, number, number];
  const value: { cpu?: number; memory?: number; disk?: number } = {};
  if (cpu !== s.cpu) value.cpu = cpu;
  if (memory !== s.memory) value.memory = memory;
  if (disk !== s.disk) value.disk = disk;
  if (!Object.keys(value).length) return { ok: false, error: 'That is the current size.' };
  const above = aboveLimit(value, limits);
  if (above) return { ok: false, error: `${above.replace(/^\w+/, (k) => RESOURCE_WORD[k] ?? k)}.` };
  if (s.state === 'started') {
    if (value.disk !== undefined) return { ok: false, error: 'Disk changes only while the sandbox is stopped: stop it first.' };
    if ((value.cpu ?? s.cpu) < s.cpu || (value.memory ?? s.memory) < s.memory) {
      return { ok: false, error: 'A running sandbox can only grow CPU and memory: stop it to lower them.' };
    }
  }
  if (value.disk !== undefined && value.disk < s.disk) return { ok: false, error: `Disk only grows (now ${s.disk} GiB).` };
  return { ok: true, value };
}

const RESOURCE_WORD: Record<string, string> = { cpu: 'CPU', memory: 'Memory', disk: 'Disk' };

/** The current size as the Resize… box shows it. */
export const sizeText = (s: SandboxDetails): string => `${s.cpu}, ${s.memory}, ${s.disk}`;

export function parsePort(text: string): Parsed<number> {
  const port = Number(text.trim());
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? { ok: true, value: port } : { ok: false, error: 'A port is a whole number from 1 to 65535.' };
}

/** Choices of the Auto-stop… picker, in minutes (0 = never). */
export const AUTO_STOP_CHOICES: ReadonlyArray<{ label: string; minutes: number }> = [
  { label: '15 minutes', minutes: 15 },
  { label: '1 hour', minutes: 60 },
  { label: '4 hours', minutes: 240 },
  { label: '1 day', minutes: 1440 },
  { label: 'Never', minutes: 0 },
];

/** Minutes typed for a custom auto-stop: a whole number 0–525600. */
export function parseMinutes(text: string): Parsed<number> {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 0 && n <= 525_600 ? { ok: true, value: n } : { ok: false, error: 'Minutes: a whole number from 0 (never) to 525600.' };
}

/**
 * Create Sandbox's first step: a name already in the list the tree shows is taken (the API answers
 * 409 for it three steps later otherwise). The API is asked again when the name is accepted.
 */
export function takenNameError(name: string, existing: readonly { name: string; state: string }[]): string | undefined {
  const wanted = name.trim();
  const clash = wanted && existing.find((x) => x.name === wanted && x.state !== 'destroying' && x.state !== 'destroyed');
  return clash ? `"${wanted}" is taken: a sandbox (${clash.state}) already has that name. Choose another, or leave empty for a generated name.` : undefined;
}
