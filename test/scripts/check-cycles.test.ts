// scripts/check-cycles.mjs, the part of `npm run lint` that refuses import cycles between files of src/:
// on tiny fixture trees (each kind of import closes a loop, type-only ones too), through its command line
// (exit 1 naming the loop), and on src/ itself, which must stay free of cycles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { checkCycles, findCycles } from '../../scripts/check-cycles.mjs';

const REPO = join(import.meta.dirname, '..', '..');
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A temp folder holding `files` (relative path → source text). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-cycles-test-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const B_USES_A = "import { a } from './a';\nexport const b = () => a;\n";

test('every kind of import closes a loop, type-only ones included', () => {
  const kinds: Record<string, string> = {
    'import type': "import type { B } from './b';\nexport const a = 1 as unknown as B;\n",
    'inline type specifier': "import { type B } from './b';\nexport const a = 1 as unknown as B;\n",
    're-export': "export { b } from './b';\nexport const a = 1;\n",
    'export type from': "export type { B } from './b';\nexport const a = 1;\n",
    'lazy import()': "export const a = 1;\nexport const load = () => import('./b');\n",
    "type query import('./b').B": "export const a = 1 as unknown as import('./b').B;\n",
    '.js specifier': "import { b } from './b.js';\nexport const a = b;\n",
  };
  for (const [kind, aText] of Object.entries(kinds)) {
    const root = tree({ 'a.ts': aText, 'b.ts': `${B_USES_A}export type B = number;\n` });
    assert.deepEqual(findCycles(root), [['a.ts', 'b.ts', 'a.ts']], kind);
  }
});

test('a loop through folders and an index file is found, named from its first file', () => {
  const root = tree({
    'core/x.ts': "import { y } from '../util';\nexport const x = y;\n",
    'util/index.ts': "export { y } from './y';\n",
    'util/y.ts': "import type { X } from '../core/x';\nexport const y = 1;\nexport type Y = X;\n",
    'other.ts': "import { x } from './core/x';\nexport const o = x;\n",
  });
  assert.deepEqual(findCycles(root), [['core/x.ts', 'util/index.ts', 'util/y.ts', 'core/x.ts']]);
});

test('a tree without loops passes: shared imports, packages and unresolved names are no cycle', () => {
  const root = tree({
    'a.ts': "import { b } from './b';\nimport { c } from './c';\nimport { readFileSync } from 'node:fs';\nexport const a = [b, c, readFileSync];\n",
    'b.ts': "import { c } from './c';\nimport type { Missing } from './missing';\nexport const b = c;\nexport type M = Missing;\n",
    'c.ts': 'export const c = 1;\n',
  });
  assert.deepEqual(findCycles(root), []);
  assert.equal(checkCycles(root).code, 0);
});

test('the command line exits 1 and names each loop; 0 on a clean tree', () => {
  const cyclic = tree({ 'a.ts': "import type { B } from './b';\nexport type A = B;\n", 'b.ts': B_USES_A, 'c.ts': 'export const c = 1;\n' });
  const failed = spawnSync(process.execPath, [join(REPO, 'scripts', 'check-cycles.mjs'), cyclic], { encoding: 'utf8' });
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(failed.stderr, /1 import cycle in .*\(type-only imports count\):\n {2}a\.ts → b\.ts → a\.ts\n/);
  const clean = tree({ 'a.ts': "import { c } from './c';\nexport const a = c;\n", 'c.ts': 'export const c = 1;\n' });
  const passed = spawnSync(process.execPath, [join(REPO, 'scripts', 'check-cycles.mjs'), clean], { encoding: 'utf8' });
  assert.equal(passed.status, 0, passed.stderr);
  assert.match(passed.stdout, /no import cycles/);
});

test('src/ has no import cycle, and npm run lint checks it', () => {
  assert.deepEqual(findCycles(join(REPO, 'src')), []);
  const lint = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.lint;
  assert.match(lint ?? '', /node scripts\/check-cycles\.mjs src\b/);
});
