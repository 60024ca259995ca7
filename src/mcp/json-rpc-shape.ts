/**
 * The two shape checks the server's own readers of JSON-RPC make before anything reaches the SDK
 * (quick-stdio.ts, direct-calls.ts). No imports: quick-stdio runs before the SDK is loaded.
 */

/** A JSON object (not an array, not null). */
export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON-RPC id or progress token as the SDK's schemas accept them: a string or an integer. */
export const isRequestId = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
