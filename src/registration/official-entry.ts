/**
 * Daytona's policy for the files we edit: the official Daytona CLI server (`daytona mcp start`, or
 * anything under its name) is the user's, never ours to overwrite or remove, and when it sits beside
 * our entry the user is told (an agent showing both sets of tools is confusing). The text edits
 * themselves are jsonc-text.ts's; this wraps them.
 */
import { RegistrationError } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { readEntriesFromText, removeFromText, upsertInText, type EntryTarget, type TextPlan } from './jsonc-text';
import { readTomlEntries, removeFromToml, upsertInToml } from './toml-text';

export const OFFICIAL_SERVER_NAME = 'daytona-mcp';

/** The official Daytona CLI's server: by its documented name, or by its command line under any name. */
export function isOfficialDaytonaEntry(name: string, value: unknown): boolean {
  if (name === OFFICIAL_SERVER_NAME) return true;
  if (!isJsonObject(value)) return false;
  const { command, args } = value;
  return (
    typeof command === 'string' &&
    /(^|[\\/])daytona(\.exe)?$/i.test(command) &&
    Array.isArray(args) &&
    args[0] === 'mcp' &&
    args[1] === 'start'
  );
}

/** How the file is written: JSON with comments (most hosts) or TOML (Codex). */
export type FileFormat = 'jsonc' | 'toml';

/** The server entries under `topKey` of a config text in either format. */
export function readEntries(raw: string, topKey: string, file: string, format: FileFormat = 'jsonc') {
  return format === 'toml' ? readTomlEntries(raw, topKey, file) : readEntriesFromText(raw, topKey, file);
}

export interface EntryPlan extends TextPlan {
  /** The official `daytona-mcp` server is configured in the same file. */
  officialEntryPresent: boolean;
}

function refuseOfficial(target: EntryTarget, previous: JsonValue | undefined, verb: string): void {
  // By name (even when absent: the name is reserved) or by its `daytona mcp start` command line.
  if (isOfficialDaytonaEntry(target.name, previous ?? null)) {
    throw new RegistrationError(
      'official_entry',
      `"${target.name}" in ${target.file} is the official Daytona CLI server (daytona mcp start) or its name; ` +
        `it will not be ${verb}. Use another name for this server.`,
      { path: target.file },
    );
  }
}

function officialEntryIn(raw: string, target: EntryTarget, format: FileFormat): boolean {
  return Object.entries(readEntries(raw, target.topKey, target.file, format)).some(([name, value]) => isOfficialDaytonaEntry(name, value));
}

/** Adds or replaces our entry, refusing to touch the official one. */
export function planUpsert(raw: string, target: EntryTarget, entry: JsonObject, format: FileFormat = 'jsonc'): EntryPlan {
  const plan = format === 'toml' ? upsertInToml(raw, target, entry) : upsertInText(raw, target, entry);
  refuseOfficial(target, plan.previousEntry, 'overwritten');
  return { ...plan, officialEntryPresent: officialEntryIn(raw, target, format) };
}

/** Removes our entry if present, refusing to remove the official one. */
export function planRemove(raw: string, target: EntryTarget, format: FileFormat = 'jsonc'): EntryPlan {
  const plan = format === 'toml' ? removeFromToml(raw, target) : removeFromText(raw, target);
  if (plan.changed) refuseOfficial(target, plan.previousEntry, 'removed');
  return { ...plan, officialEntryPresent: officialEntryIn(raw, target, format) };
}
