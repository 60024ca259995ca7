// Types for scripts/pack-cli.mjs (plain Node ESM), for the TypeScript test that imports it.
export declare const CLI_PACKAGE_NAME: string;
export declare function packCli(options?: { outDir?: string }): { tarball: string; bytes: number; unpackedBytes: number; files: string[] };
