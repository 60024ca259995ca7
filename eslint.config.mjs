// Lint gate for the build: typescript-eslint's recommended rules plus a few that catch real bugs
// (floating promises would silently lose errors in tool handlers).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): src/core → src/registration → src/mcp → src/cli, src/extension.
// Each folder lists the folders of ours and the packages it must never import, so a wrong import
// fails `npm run lint` (and so `npm test`) instead of waiting for a reviewer. No layer imports test/,
// bench/ or scripts/; those use the shared test tooling only through its entries (below).
const LAYERS = {
  core: { folders: ['registration', 'mcp', 'cli', 'extension'], packages: ['vscode', '@modelcontextprotocol/*'] },
  registration: { folders: ['mcp', 'cli', 'extension'], packages: ['vscode'] },
  mcp: { folders: ['cli', 'extension'], packages: ['vscode'] },
  cli: { folders: ['extension'], packages: ['vscode'] },
  extension: { folders: ['cli'], packages: [] },
};

function layerRules(layer, { folders, packages }) {
  const why = `src/${layer} must not import this (layers: core → registration → mcp → cli, extension; see docs/architecture.md).`;
  // Relative specifiers climbing out to a forbidden sibling folder, from any depth inside the layer.
  const regex = `^(\\.\\./)+(${folders.join('|')})(/|$)`;
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex, message: why },
          { regex: '^(\\.\\./)+(test|bench|scripts)(/|$)', message: `src/${layer} ships in the product: it never imports tests, benchmarks or scripts.` },
          ...(packages.length ? [{ group: packages, message: why }] : []),
        ],
      }],
      // Lazy `await import('../cli/…')` is an import too.
      'no-restricted-syntax': ['error', {
        selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
        message: why,
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', '.cache/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...Object.entries(LAYERS).map(([layer, rule]) => layerRules(layer, rule)),
  {
    // Shared tooling: the Daytona API emulator and the real-editor harness live under test/ (their tests sit
    // beside them) and also serve bench/ and scripts/ (demo, pictures) — through one entry each, so the rest
    // of test/ stays private to the tests.
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+test/(?!emulator/emulator$|e2e/harness$)',
          message: 'bench/ and scripts/ use test/ only through its shared entries: test/emulator/emulator.ts and test/e2e/harness.ts.',
        }],
      }],
    },
  },
  {
    // node:test's test()/describe() return promises the runner tracks itself.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
);
