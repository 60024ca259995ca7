/**
 * The one gate every tool that makes sandboxes (create_sandbox, and fork) passes before its first API
 * call: `admitCreation` checks the host's creation limit (a runaway agent is stopped early, the whole
 * call refused, nothing sent) and returns the provenance labels the new sandboxes carry when an agent
 * made them through our MCP server. Hosts describe themselves in `ToolContext.origin` (the MCP server:
 * an agent and its client's name; the editor and the CLI: nothing, so their sandboxes are unlabelled).
 */
import { ToolError } from './errors';

/** Label keys (README "Provenance labels"). Values: MADE_BY_LABEL = AGENT_MADE; CLIENT_LABEL = the client's name. */
export const MADE_BY_LABEL = 'daytona-mcp.made-by';
export const AGENT_MADE = 'agent';
export const CLIENT_LABEL = 'daytona-mcp.client';

/** When nothing says otherwise: enough for real work, few enough to stop a loop early. */
export const DEFAULT_MAX_CREATE = 30;

/** Who asks a tool to make sandboxes: set by a host that serves agents. */
export interface CallOrigin {
  /** The MCP client's name from `initialize` (raw; sanitised here). */
  client?: string;
}

/**
 * A label value from a client's name: letters, digits, ".", "_" and "-", at most 63 characters,
 * starting and ending alphanumeric (the strictest label rule Daytona's backends apply); "unknown" if
 * nothing is left.
 */
export function clientLabelValue(name: string | undefined): string {
  const cleaned = (name ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'unknown';
}

/** The labels of a sandbox an agent made; empty for other hosts. */
export function provenanceLabels(origin: CallOrigin | undefined): Record<string, string> {
  return origin ? { [MADE_BY_LABEL]: AGENT_MADE, [CLIENT_LABEL]: clientLabelValue(origin.client) } : {};
}

/** Whether a sandbox's labels say an agent made it through this server. */
export function isAgentMade(labels: Record<string, string>): boolean {
  return labels[MADE_BY_LABEL] === AGENT_MADE;
}

export interface CreationLimitOptions {
  /** At most this many sandboxes per process; 0 = unlimited. */
  max: number;
  /** How a user raises the limit for this host, for the error's hint. */
  howToRaise: string;
  /** Told about each refusal (the audit log). */
  onRefused?: (fields: { tool: string; requested: number; created: number; max: number }) => void;
}

/**
 * The per-process creation counter. Shared by every session of one server process (HTTP serves many),
 * so a loop cannot escape it by reconnecting.
 */
export class CreationLimit {
  private used = 0;
  constructor(private readonly o: CreationLimitOptions) {}

  get max(): number {
    return this.o.max;
  }
  get created(): number {
    return this.used;
  }

  /** Reserves `n` creations or refuses them all (nothing reserved). */
  reserve(tool: string, n: number): void {
    if (this.o.max > 0 && this.used + n > this.o.max) {
      this.o.onRefused?.({ tool, requested: n, created: this.used, max: this.o.max });
      const left = this.o.max - this.used;
      throw new ToolError(
        'quota',
        `Refused: this server may create at most ${this.o.max} sandboxes per run (runaway guard); ` +
          `${this.used} created so far, ${n} more requested${left > 0 ? `, ${left} left` : ''}. Nothing was created.`,
        { hint: `Delete sandboxes you no longer need, then ask the user; only they can raise the limit (${this.o.howToRaise}; 0 = unlimited) and restart the server.` },
      );
    }
    this.used += n;
  }

  /** Gives back creations that did not happen (the item failed). */
  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}

/**
 * Admits a call that will make `count` sandboxes: refuses it whole when it would pass the limit
 * (before any API call), else reserves them and returns the provenance labels to add to each.
 */
export interface Admission {
  /** Provenance labels each new sandbox carries (none unless an agent made it). */
  labels: Record<string, string>;
  /** Gives back `n` reserved creations that were not made. */
  release(n: number): void;
}

export function admitCreation(
  ctx: { origin?: CallOrigin; creationLimit?: CreationLimit },
  tool: string,
  count: number,
): Admission {
  ctx.creationLimit?.reserve(tool, count);
  return { labels: provenanceLabels(ctx.origin), release: (n) => ctx.creationLimit?.release(n) };
}

/**
 * The `byAgent` filter of list_sandboxes and cleanup_sandboxes: true adds the provenance label to the
 * API's label filter; false keeps only sandboxes without it (checked here, the API cannot negate).
 */
export function byAgentFilter(byAgent: boolean | undefined): { labels: Record<string, string>; accept(labels: Record<string, string>): boolean } {
  return {
    labels: byAgent === true ? { [MADE_BY_LABEL]: AGENT_MADE } : {},
    accept: (labels) => byAgent === undefined || isAgentMade(labels) === byAgent,
  };
}

/**
 * Labels an agent asks to set, with the provenance labels as they were: an agent can neither hide
 * that it made a sandbox nor mark a person's sandbox as agent-made (a `byAgent` clean-up would then
 * delete it). Other hosts (the editor, people) may change them.
 */
export function keepProvenance(origin: CallOrigin | undefined, before: Record<string, string>, next: Record<string, string>): Record<string, string> {
  if (!origin) return next;
  const out = { ...next };
  for (const key of [MADE_BY_LABEL, CLIENT_LABEL]) {
    if (before[key] === undefined) delete out[key];
    else out[key] = before[key];
  }
  return out;
}
