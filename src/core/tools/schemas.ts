/**
 * Zod pieces shared by the tools: how a sandbox is named in inputs, label and name rules (the same
 * ones the API enforces, stated in the error message), and the shape of a sandbox in outputs.
 */
import { z } from 'zod';
import { ERROR_KINDS } from '../errors';
import { SANDBOX_STATES } from '../types';

export const sandboxRef = z
  .string()
  .trim()
  .min(1, 'Give a sandbox id or name (from list_sandboxes).')
  .max(255, 'A sandbox id or name is at most 255 characters.')
  // "." and ".." are URL dot-segments: /sandbox/. would address the list endpoint, /sandbox/.. the API root.
  .refine((s) => !/^\.+$/.test(s), 'A sandbox id or name is never made of dots only; use one from list_sandboxes.')
  .describe('Sandbox id or name, exactly as returned by list_sandboxes');

export const sandboxRefs = z
  .array(sandboxRef)
  .min(1, 'Name at least one sandbox.')
  .max(100, 'At most 100 sandboxes per call; split larger batches.')
  .describe('Sandbox ids or names (1–100); processed in parallel');

export const NAME_RULE = 'Names are 1–63 characters: letters, digits, "-", "_" and ".", starting with a letter or digit.';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const sandboxName = z.string().trim().regex(NAME_PATTERN, NAME_RULE);

export const stateSchema = z.enum(SANDBOX_STATES);

/** Keys that would reach Object.prototype if copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const LABEL_RULE = 'Label keys are 1–63 characters (letters, digits, ".", "_", "-", "/"); values are strings of at most 255 characters.';
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

export const labelsSchema = z
  .record(z.string(), z.string().max(255, LABEL_RULE))
  .refine((o) => Object.keys(o).every((k) => LABEL_KEY.test(k) && !FORBIDDEN_KEYS.has(k)), { message: LABEL_RULE })
  .refine((o) => Object.keys(o).length <= 64, { message: 'At most 64 labels per sandbox.' })
  .describe('Labels as key/value strings, e.g. {"project": "api", "owner": "ana"}');

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envSchema = z
  .record(z.string(), z.string().max(32_768, 'An environment value is at most 32 KiB.'))
  .refine((o) => Object.keys(o).every((k) => ENV_KEY.test(k) && k.length <= 255 && !FORBIDDEN_KEYS.has(k)), {
    message: 'Environment variable names are letters, digits and "_", not starting with a digit.',
  })
  .refine((o) => Object.keys(o).length <= 200, { message: 'At most 200 environment variables.' })
  .describe('Environment variables for the sandbox. Values are never echoed back or logged.');

export const projectSchema = z
  .string()
  .trim()
  .min(1)
  .max(255, LABEL_RULE)
  .describe('Project name; stored as the label "project" and used to group sandboxes');

export const sandboxSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: stateSchema,
  snapshot: z.string().nullable(),
  cpu: z.number(),
  memory: z.number().describe('GiB'),
  disk: z.number().describe('GiB'),
  gpu: z.number(),
  target: z.string().describe('Region / target'),
  labels: z.record(z.string(), z.string()),
  public: z.boolean(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  autoStopMinutes: z.number().nullable().describe('0 = never auto-stop'),
  autoArchiveMinutes: z.number().nullable(),
  autoDeleteMinutes: z.number().nullable().describe('-1 = never auto-delete'),
  errorReason: z.string().nullable(),
});

export const sandboxDetailsSchema = sandboxSchema.extend({
  envNames: z.array(z.string()).describe('Names of environment variables (values are never shown)'),
  user: z.string().nullable(),
  desiredState: z.string().nullable(),
  backupState: z.string().nullable(),
  recoverable: z.boolean().nullable(),
  organizationId: z.string().nullable(),
  dockerfile: z.string().nullable().describe('Dockerfile of an image-built sandbox; null when created from a snapshot'),
});

export const errorSchema = z.object({ kind: z.enum(ERROR_KINDS), message: z.string(), hint: z.string().describe('What to do next') });

export const waitSchema = z.boolean().default(true).describe('Wait until the sandbox reaches the target state (default true)');
export const timeoutSchema = z
  .number()
  .int()
  .min(1)
  .max(900)
  .default(180)
  .describe('How long to wait, in seconds, when wait is true (default 180)');
