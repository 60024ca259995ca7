/**
 * What this server answers to `initialize` and `tools/list`. Both answers are fixed for a build, so
 * scripts/build.mjs computes them once from the real server (listing-build.ts) and the stdio server
 * writes them before the MCP SDK is even loaded (quick-stdio.ts). Nothing here imports the SDK or zod.
 */
export interface Listing {
  /** Protocol versions the SDK's server accepts as asked; any other gets `latestVersion`. */
  supportedVersions: string[];
  latestVersion: string;
  /** The real server's initialize result (its protocolVersion is then negotiated per request). */
  initialize: Record<string, unknown>;
  /** Every tool in registry order: its tools/list entry, and whether --read-only keeps it. */
  tools: Array<{ listed: { name: string } & Record<string, unknown>; readOnly: boolean }>;
}

declare const __MCP_LISTING__: Listing | undefined;
/** Set in the production bundle; undefined when running the sources (tests, tsx). */
export const PRELISTED: Listing | undefined = typeof __MCP_LISTING__ === 'undefined' ? undefined : __MCP_LISTING__;

/** The same choice as core/tools' selectTools (--read-only, --tools), over the listing. */
export function selectListed(listing: Listing, o: { readOnly?: boolean; allow?: readonly string[] }): Listing['tools'] {
  return listing.tools.filter((t) => (!o.readOnly || t.readOnly) && (!o.allow || o.allow.includes(t.listed.name)));
}

/** The initialize result for the version a client asked for, negotiated as the SDK's server does. */
export function initializeResult(listing: Listing, requested: unknown): Record<string, unknown> {
  const protocolVersion = typeof requested === 'string' && listing.supportedVersions.includes(requested) ? requested : listing.latestVersion;
  return { ...listing.initialize, protocolVersion };
}
