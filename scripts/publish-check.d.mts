// Types for scripts/publish-check.mjs (plain Node ESM), for the TypeScript tests that import it.

/** One line of the report. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** An entry of a zip as readZip returns it, inflated. */
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Length of the central-directory extra field (Open VSX rejects entries that have one). */
  extraLength: number;
  localExtraLength: number;
  data: Buffer;
}

/** The .vsix's entries by full name (extension/package.json, extension.vsixmanifest, ...). */
export type VsixFiles = ReadonlyMap<string, Uint8Array>;

export const DEFAULT_VSIX: string;
export const MAX_VSIX_BYTES: number;
export const ALLOWED_FILES: ReadonlyArray<{ label: string; re: RegExp }>;
export const NETWORK_STEPS: readonly string[];

export function readZip(buffer: Uint8Array): ZipEntry[];
export function pngSize(data: Uint8Array): { width: number; height: number } | undefined;
export function checkArchive(entries: readonly ZipEntry[], byteLength: number): Check[];
export function checkContents(files: VsixFiles): Check[];
export function checkManifest(pkg: Record<string, unknown>, files: VsixFiles, options?: { vsixManifest?: unknown }): Check[];
export function checkVsix(vsixPath: string): Promise<Check[]>;
/** Command-line arguments: help, a .vsix to check (undefined: run npm run package first), or an error. */
export function parseArgs(argv: readonly string[]): { help?: boolean; vsix?: string; error?: string };
export function formatReport(checks: readonly Check[], options?: { vsixPath?: string }): string;

/** Sections the store page (the packaged README) has for users, by heading. */
export const STORE_SECTIONS: readonly string[];
