// Runs the whole suite with node's test runner (TypeScript through tsx): unit, emulator, MCP
// contract and config-file tests. Extra arguments filter test files by substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests('test')
  .filter((f) => !f.startsWith('test/e2e/')) // real-editor tests: npm run test:e2e
  // The agents' own CLIs (hundreds of MB from npm): npm run test:judges, or name them.
  .filter((f) => !f.startsWith('test/judges/') || filters.length > 0)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
