/** A tiny argv parser (positionals, --flag, --key value, --key=value; unknown options are errors) and the options shared by the verbs. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_MAX_CREATE } from '../core/creation-guard';
import { HOSTS, HOST_IDS, isHostId, type HostId } from '../registration/hosts';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: { flags?: readonly string[]; values?: readonly string[] }): ParsedArgs {
  const flags = new Set(spec.flags ?? []);
  const values = new Set(spec.values ?? []);
  const out: ParsedArgs = { positionals: [], options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      out.positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.has(rawName)) {
      if (inline !== undefined) throw new UsageError(`--${rawName} takes no value.`);
      out.options.set(rawName, true);
    } else if (values.has(rawName)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${rawName} needs a value.`);
      out.options.set(rawName, value);
    } else {
      const known = [...flags, ...values].map((n) => `--${n}`).join(', ');
      throw new UsageError(`Unknown option --${rawName}.${known ? ` Valid here: ${known}.` : ''}`);
    }
  }
  return out;
}

/** An option that must name a folder that already exists (we never create it): its absolute path. */
export function existingFolder(value: string, option: string): string {
  const path = resolve(value);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`${option} ${path}: no such folder. Pass an existing project folder; it is never created.`);
  }
  if (!isDir) throw new UsageError(`${option} ${path} is a file, not a folder. Pass the project folder.`);
  return path;
}

/** `--tools a,b` (or DAYTONA_MCP_TOOLS): the names, each checked against the tool registry. */
export function toolsOption(raw: string | true | undefined, known: readonly string[]): string[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const tools = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = tools.filter((n) => !known.includes(n));
  if (unknown.length) throw new UsageError(`Unknown tool name(s): ${unknown.join(', ')}. Valid: ${known.join(', ')}`);
  return tools;
}

/**
 * `--port N`, else `fallback`. `start --http` may bind 0 (any free port, reported in http.json); a
 * port written into an agent's config must be a real one, 1–65535.
 */
export function portOption(raw: string | true | undefined, fallback: number, { anyFree = false } = {}): number {
  const port = typeof raw === 'string' ? Number(raw) : fallback;
  const lowest = anyFree ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65535) throw new UsageError(`--port takes a port number (${lowest}–65535).`);
  return port;
}

/**
 * The creation limit of `start`: `--max-create N`, else DAYTONA_MCP_MAX_CREATE, else the default;
 * 0 = unlimited. `from` says which, for `status` and the audit log.
 */
export function maxCreateOption(flag: string | true | undefined, env: string | undefined): { max: number; from: string } {
  const parse = (raw: string, name: string) => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100_000) throw new UsageError(`${name} takes a whole number of sandboxes (0 = unlimited).`);
    return n;
  };
  if (typeof flag === 'string') return { max: parse(flag, '--max-create'), from: '--max-create' };
  if (env !== undefined && env.trim() !== '') return { max: parse(env, 'DAYTONA_MCP_MAX_CREATE'), from: 'DAYTONA_MCP_MAX_CREATE' };
  return { max: DEFAULT_MAX_CREATE, from: 'default' };
}

/** `--max-create N` of `init` / `config`: written into the agent's entry; absent = the server's own default. */
export function entryMaxCreate(flag: string | true | undefined): number | undefined {
  return flag === undefined ? undefined : maxCreateOption(flag === true ? '' : flag, undefined).max;
}

/** `--profile NAME` (else DAYTONA_PROFILE, read by resolveCredentials): the Daytona CLI profile to use. */
export function profileOption(raw: string | true | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (!raw.trim()) throw new UsageError('--profile needs the name of a Daytona CLI profile.');
  return raw.trim();
}

/** Refuses to go on with an unusable profile: the message names the existing ones. */
export function checkProfile(c: { profileProblem?: string }): void {
  if (c.profileProblem) throw new UsageError(c.profileProblem);
}

/** Names people use for an agent that are not its id (the id stays what configs and docs print). */
const HOST_ALIASES: Record<string, HostId> = { 'claude-desktop': 'claude', 'vs-code': 'vscode', code: 'vscode', 'gemini-cli': 'gemini', 'codex-cli': 'codex' };

/** The agents as a user reads them: `claude (Claude Desktop), claude-code (Claude Code), …`. */
export function hostList(): string {
  return HOST_IDS.map((id) => `${id} (${HOSTS[id].displayName})`).join(', ');
}

/** The one agent argument of `init` (required) or `config` (optional: `fallback`), aliases accepted. */
export function hostArgument(verb: string, positionals: readonly string[], fallback?: HostId): HostId {
  const [raw, ...extra] = positionals;
  if (extra.length) throw new UsageError(`${verb} takes one agent, got ${positionals.length}: ${hostList()}.`);
  if (raw === undefined) {
    if (fallback) return fallback;
    throw new UsageError(`${verb} needs one agent: ${hostList()}.`);
  }
  const id = raw.toLowerCase();
  if (isHostId(id)) return id;
  if (HOST_ALIASES[id]) return HOST_ALIASES[id];
  throw new UsageError(`Unknown agent "${raw}". ${verb} takes one of: ${hostList()}.`);
}
