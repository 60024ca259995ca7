/**
 * A tool is data: a name, words for the agent, zod schemas for what goes in and comes out, MCP
 * behaviour hints, and a handler that returns structured data plus a one-paragraph summary. Hosts
 * (the MCP server, the editor's commands) supply a ToolContext and decide how to present results.
 */
import type { z } from 'zod';
import type { CallOrigin, CreationLimit } from './creation-guard';
import type { GatewayProvider } from './gateway';
import type { SandboxState } from './types';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type ConfirmAnswer = 'accepted' | 'declined' | 'unsupported';

export interface ToolContext {
  gateway: GatewayProvider;
  signal: AbortSignal;
  /** Progress of a long operation; hosts forward it (MCP progress notifications, editor progress). */
  progress(done: number, total: number | undefined, message: string): void;
  /** Asks the user; 'unsupported' when the host cannot ask (the tool then proceeds as requested). */
  confirm(message: string): Promise<ConfirmAnswer>;
  /** Host defaults, e.g. the editor's default project label. */
  defaults: { project?: string };
  /** Set by a host serving agents (the MCP server): who asks. Sandboxes it makes carry provenance labels. */
  origin?: CallOrigin;
  /** The host's per-process creation limit (core/creation-guard.ts); none = unlimited. */
  creationLimit?: CreationLimit;
  /**
   * Set by a host whose user chose sandboxes from what it showed (the editor's tree): id → the state
   * shown. A bulk stop or delete then skips any whose fresh state differs (core/fresh-check.ts).
   */
  seen?: ReadonlyMap<string, SandboxState>;
}

export interface ToolOutcome<O> {
  data: O;
  /** Short, human-readable text for the agent transcript. */
  summary: string;
  /** Set when the call as a whole failed (e.g. every item of a bulk call). */
  isError?: boolean;
  /** Sandbox ids the call touched, for the audit log. */
  sandboxIds?: string[];
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /**
   * Results carry a credential (get_preview_url's signed URL or header token): hosts hand them to the
   * caller but never write them to a log (output channel, audit log, stderr).
   */
  sensitiveResult?: boolean;
  handler(input: z.output<I>, ctx: ToolContext): Promise<ToolOutcome<z.input<O>>>;
}

/** Identity function that keeps the handler's types tied to its schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return tool;
}

// The registry holds tools of different schemas; hosts only need the erased shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;
