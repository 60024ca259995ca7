/**
 * Zod pieces shared by the tools: how a sandbox is named in inputs, label and name rules (the same
 * ones the API enforces, stated in the error message), and the shape of a sandbox in outputs.
 */
import { z } from 'zod';
import { SANDBOX_STATES } from '../types';

export const sandboxRef = z
  .string()
  .trim()
  .min(1, 'Give a sandbox id or name (from list_sandboxes).')
  .max(255, 'A sandbox id or name is at most 255 characters.')
  // "." and ".." are URL dot-segments: /sandbox/. would address the list endpoint, /sandbox/.. the API root.
  .refine((s) => !/^\.+$/.test(s), 'A sandbox id or name is never made of dots only; use one from list_sandboxes.')
  .describe('Id or name (from list_sandboxes)');

export const sandboxRefs = z
  .array(sandboxRef)
  .min(1, 'Name at least one sandbox.')
  .max(100, 'At most 100 sandboxes per call; split larger batches.')
  .describe('From list_sandboxes');

export const NAME_RULE = 'Names are 1–63 characters: letters, digits, "-", "_" and ".", starting with a letter or digit.';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const sandboxName = z.string().trim().regex(NAME_PATTERN, NAME_RULE);

export const stateSchema = z.enum(SANDBOX_STATES);

/** Words people use for a state ("running sandboxes") that the API spells otherwise. */
const STATE_ALIASES: Readonly<Record<string, string>> = { running: 'started', failed: 'error', active: 'started' };
/**
 * A state as a filter: any API state, any case, or an alias. The schema shows the common ones in
 * words instead of the 22-value enum; a wrong value is answered with the full list.
 */
/** The states the API can filter by: it has no `destroyed` sandboxes to list (a 400 if asked). */
export const FILTER_STATES = SANDBOX_STATES.filter((s) => s !== 'destroyed');
export const stateFilter = z
  .string()
  .transform((s) => {
    const key = s.trim().toLowerCase();
    return STATE_ALIASES[key] ?? key;
  })
  .pipe(
    z.enum(FILTER_STATES, {
      error: (iss) =>
        `${JSON.stringify(iss.input)} is not a state to filter by${iss.input === 'destroyed' ? ' (deleted sandboxes are not listed)' : ''}; use one of: ${FILTER_STATES.join(', ')}.`,
    }),
  );
/** A one-or-many state filter's failure says which value is wrong and what is allowed, not "Invalid input". */
export function stateUnionError(iss: { code?: string; errors?: ReadonlyArray<ReadonlyArray<{ code?: string; message?: string }>> }): string | undefined {
  return iss.code === 'invalid_union' ? iss.errors?.flat().find((e) => e.code === 'invalid_value')?.message : undefined;
}
export const STATES_IN_WORDS = '"started", "stopped", "archived", … (any API state)';
/**
 * A state in results: the 22 values are spelled out once, in the inputs that filter by state
 * (list_sandboxes, cleanup_sandboxes), not again in every output schema.
 */
export const stateOut = z.string();

/** Keys that would reach Object.prototype if copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const LABEL_RULE = 'Label keys are 1–63 characters (letters, digits, ".", "_", "-", "/"); values are strings of at most 255 characters.';
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

export const labelsSchema = z
  .record(z.string(), z.string().max(255, LABEL_RULE))
  .refine((o) => Object.keys(o).every((k) => LABEL_KEY.test(k) && !FORBIDDEN_KEYS.has(k)), { message: LABEL_RULE })
  .refine((o) => Object.keys(o).length <= 64, { message: 'At most 64 labels per sandbox.' })
  .describe('e.g. {"owner": "ana"}');

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envSchema = z
  .record(z.string(), z.string().max(32_768, 'An environment value is at most 32 KiB.'))
  .refine((o) => Object.keys(o).every((k) => ENV_KEY.test(k) && k.length <= 255 && !FORBIDDEN_KEYS.has(k)), {
    message: 'Environment variable names are letters, digits and "_", not starting with a digit.',
  })
  .refine((o) => Object.keys(o).length <= 200, { message: 'At most 200 environment variables.' })
  .describe('{"NAME": "value"}; values never echoed');

/** The provenance filter of list_sandboxes and cleanup_sandboxes (core/creation-guard.ts labels). */
export const byAgentSchema = z.boolean().optional();

export const projectSchema = z
  .string()
  .trim()
  .min(1)
  .max(255, LABEL_RULE)
  .describe('Label "project", any case');

export const sandboxSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: stateOut,
  snapshot: z.string().nullable(),
  cpu: z.number(),
  memory: z.number(),
  disk: z.number(),
  gpu: z.number(),
  target: z.string(),
  labels: z.record(z.string(), z.string()),
  public: z.boolean(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  autoStopMinutes: z.number().nullable(),
  autoArchiveMinutes: z.number().nullable(),
  autoDeleteMinutes: z.number().nullable(),
  errorReason: z.string().nullable(),
});

/**
 * A sandbox as list_sandboxes and create_sandbox declare it: the fields a program branches on. The
 * results carry every field of get_sandbox (outputs never forbid extra fields); declaring all 25 in
 * each of three tools cost ~2 KB of every agent's context.
 */
export const sandboxSummarySchema = z
  .object({ id: z.string(), name: z.string(), state: stateOut, labels: z.record(z.string(), z.string()), cpu: z.number(), memory: z.number(), disk: z.number(), lastActivityAt: z.string().nullable() })
  .describe('Plus the fields of get_sandbox');

export const sandboxDetailsSchema = sandboxSchema.extend({
  envNames: z.array(z.string()),
  user: z.string().nullable(),
  desiredState: z.string().nullable(),
  backupState: z.string().nullable(),
  recoverable: z.boolean().nullable(),
  organizationId: z.string().nullable(),
  dockerfile: z.string().nullable(),
});

/** `kind` is one of ERROR_KINDS; the text result shows it too ("[not_found]"). */
export const errorSchema = z.object({ kind: z.string(), message: z.string(), hint: z.string() });

export const waitSchema = z.boolean().default(true);
export const timeoutSchema = z
  .number()
  .int()
  .min(1)
  .max(900)
  .default(180)
  .meta({ minimum: undefined, maximum: undefined }); // 1–900, enforced with its message
