// Types for scripts/check-cycles.mjs (plain Node ESM), for the TypeScript tests that import it.

/** The module specifiers one file imports: static, type-only, re-exports, lazy `import()` and `import('…').T`. */
export function importSpecifiers(fileName: string, text: string): string[];
/** The import graph of the .ts files below root: file → the files it imports (absolute paths). */
export function importGraph(root: string): Map<string, string[]>;
/** The import cycles below root, each a loop of paths relative to root: ['a.ts', 'b.ts', 'a.ts']. */
export function findCycles(root: string): string[][];
/** The report and exit code of `node scripts/check-cycles.mjs [folder]`. */
export function checkCycles(root: string): { code: number; text: string };
