// Where the editors, Chromium and Playwright are (the manifest written by scripts/e2e/install-editors.sh),
// and packaging an extension folder into a .vsix.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './processes';

// ------------------------------------------------------------------------------------------------
// Paths and the editors manifest written by scripts/e2e/install-editors.sh
// ------------------------------------------------------------------------------------------------

/** Repository root (this file is test/e2e/driver/install.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where install-editors.sh puts code-server installs and editors.json. */
export const EDITORS_DIR = join(REPO_ROOT, '.cache', 'editors');
/** Fallback install of playwright-core and mocha (when they are not project devDependencies yet). */
export const TOOLS_DIR = join(REPO_ROOT, '.cache', 'e2e-tools');
/** Screenshots land here (gitignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');
/** Chromium binary (Debian's); override with E2E_CHROMIUM. */
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** 'old' = code-server 4.100.3 / VS Code 1.100 (no MCP provider API); 'new' = code-server 4.139.x / VS Code 1.139. */
export type EditorVersion = 'old' | 'new';

export interface EditorInfo {
  codeServerVersion: string;
  vscodeVersion: string;
  /** Absolute path of code-server's out/node/entry.js. */
  entry: string;
  /** Absolute path of the node binary that runs it. */
  node: string;
}

/** Reads .cache/editors/editors.json; `undefined` when that editor is not installed (or broken). */
export function editorInfo(version: EditorVersion): EditorInfo | undefined {
  let manifest: Record<string, { codeServerVersion: string; vscodeVersion: string; entry: string; node: string } | undefined>;
  try {
    manifest = JSON.parse(readFileSync(join(EDITORS_DIR, 'editors.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const raw = manifest[version];
  if (!raw) return undefined;
  const info: EditorInfo = {
    codeServerVersion: raw.codeServerVersion,
    vscodeVersion: raw.vscodeVersion,
    entry: resolve(EDITORS_DIR, raw.entry),
    node: resolve(EDITORS_DIR, raw.node),
  };
  return existsSync(info.entry) && existsSync(info.node) ? info : undefined;
}

/**
 * Why the e2e suite cannot run here, or `undefined` if it can: editors, Chromium and playwright-core
 * must all be installed (`bash scripts/e2e/install-editors.sh`).
 */
export function missingPrerequisite(versions: EditorVersion[] = ['old', 'new']): string | undefined {
  const hint = 'run `bash scripts/e2e/install-editors.sh`';
  for (const v of versions) if (!editorInfo(v)) return `code-server (${v}) is not installed in ${EDITORS_DIR}: ${hint}`;
  if (!existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM}: ${hint}`;
  if (!resolveFromProjectOrTools('playwright-core')) return `playwright-core is not installed: ${hint} or add it as a devDependency`;
  return undefined;
}

/** Resolves a package from the project's node_modules first, then from .cache/e2e-tools. */
export function resolveFromProjectOrTools(pkg: string): string | undefined {
  for (const base of [REPO_ROOT, TOOLS_DIR]) {
    try {
      return createRequire(join(base, 'package.json')).resolve(pkg);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export function loadPlaywright(): typeof import('playwright-core') {
  const path = resolveFromProjectOrTools('playwright-core');
  if (!path) throw new Error('playwright-core not found: add it as a devDependency or run scripts/e2e/install-editors.sh');
  return createRequire(import.meta.url)(path) as typeof import('playwright-core');
}

// ------------------------------------------------------------------------------------------------
// Packaging
// ------------------------------------------------------------------------------------------------

/**
 * Packages an extension folder into a .vsix with the project's @vscode/vsce (no dependency scan, no
 * repository/license checks) and returns its path.
 */
export function packageVsix(extensionDir: string, outFile = join(extensionDir, 'extension.vsix')): string {
  const vsce = resolveFromProjectOrTools('@vscode/vsce/vsce');
  if (!vsce) throw new Error('@vscode/vsce not found in node_modules');
  const r = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', outFile],
    { cwd: extensionDir, encoding: 'utf8', env: childEnv() },
  );
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}${r.stderr}`);
  return outFile;
}
