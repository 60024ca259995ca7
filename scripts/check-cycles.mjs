// Refuses import cycles between the files of src/ (run by `npm run lint`). A cycle means a reader who
// opens one of its files cannot understand it without the others, and a bundler or test may meet a
// half-initialised module. Type-only imports count too: `import type` is erased at run time, but the two
// files still depend on each other's meaning — the type belongs in the module that owns the concept.
// Every kind of import counts: `import`/`import type`, `export … from`, `import('…')` and `import('…').T`.
// Uses the TypeScript parser already installed (one file at a time, no type checking), so it is fast and
// needs no plugin: eslint-plugin-import-x's no-cycle skips type-only imports by design.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Every .ts file below dir (absolute paths), sorted. */
function sourceFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers one file imports, of every kind (static, type-only, re-export, lazy, type query). */
export function importSpecifiers(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names among `files` (extensionless, `.js` for `.ts`, or a folder's index). */
function resolveLocal(from, specifier, files) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.(m?js)$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((path) => files.has(path));
}

/** The import graph of the .ts files below root: file → the files it imports (absolute paths). */
export function importGraph(root) {
  const files = new Set(sourceFiles(resolve(root)));
  const graph = new Map();
  for (const file of files) {
    const targets = importSpecifiers(file, readFileSync(file, 'utf8'))
      .map((specifier) => resolveLocal(file, specifier, files))
      .filter((target) => target !== undefined);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function tangledGroups(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  let next = 0;
  const connect = (node) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return groups;
}

/** One shortest path start → … → start inside a group (breadth-first), for a readable message. */
function loopThrough(start, group, graph) {
  const inGroup = new Set(group);
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node) ?? []) {
      if (!inGroup.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/**
 * The import cycles below root: one per tangle of files that import each other, each as a loop of paths
 * relative to root, e.g. ['a.ts', 'b.ts', 'a.ts'] (the loop starts at the tangle's first file by name).
 */
export function findCycles(root) {
  const graph = importGraph(root);
  return tangledGroups(graph).map((group) => loopThrough(group[0], group, graph).map((file) => relative(resolve(root), file)))
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** The report and exit code for `node scripts/check-cycles.mjs [folder]`. */
export function checkCycles(root) {
  const cycles = findCycles(root);
  const label = relative(process.cwd(), resolve(root)) || '.';
  if (cycles.length === 0) return { code: 0, text: `no import cycles among the files of ${label}/` };
  const lines = cycles.map((loop) => `  ${loop.join(' → ')}`);
  return {
    code: 1,
    text: [
      `${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} in ${label}/ (type-only imports count):`,
      ...lines,
      'Move what both sides need into the module that owns it (see docs/architecture.md, "No import cycles").',
    ].join('\n'),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { code, text } = checkCycles(process.argv[2] ?? 'src');
  (code === 0 ? console.log : console.error)(text);
  process.exit(code);
}
