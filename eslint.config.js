import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

// Which roles each role may import (ARCHITECTURE.md, "may import"). Deep imports into another
// role are forbidden: a role's public surface is its index.ts.
const ROLES = {
  core: [],
  engines: ['core'],
  registry: ['core'],
  telemetry: ['core'],
  fabric: ['core', 'telemetry'],
  routing: ['core'],
  worker: ['core', 'engines', 'registry', 'fabric', 'telemetry'],
  gateway: ['core', 'fabric', 'routing', 'release', 'telemetry'],
  release: ['core', 'registry', 'routing', 'telemetry'],
  batch: ['core', 'fabric', 'telemetry'],
  client: ['core'],
  eval: ['core', 'client'],
  cli: Object.keys({ core: 1, engines: 1, registry: 1, telemetry: 1, fabric: 1, routing: 1, worker: 1, gateway: 1, release: 1, batch: 1, client: 1, eval: 1 }),
};

const roleRules = Object.entries(ROLES).map(([role, allowed]) => {
  const others = Object.keys(ROLES).filter((r) => r !== role);
  return {
    files: [`src/${role}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...others
              .filter((r) => !allowed.includes(r))
              .map((r) => ({ group: [`**/${r}/*`, `**/${r}/index.js`, `../${r}`], message: `${role} may not import ${r} (ARCHITECTURE.md)` })),
            ...allowed.map((r) => ({
              group: [`../${r}/*`, `!../${r}/index.js`, `../../${r}/*`, `!../../${r}/index.js`],
              message: `import ${r} through its index.js only`,
            })),
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'bench/.peers/**', 'eslint.config.js', 'bin/**', 'scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      // Interfaces are async (fastify handlers, engine contracts) even where one implementation
      // has nothing to await; the rule would force wrapping values in Promise.resolve.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'named exports only (STYLE.md)' }],
    },
  },
  ...roleRules,
  {
    // The web console (browser code with bundler-style imports): import-x's resolver fails to load
    // for these files. Type-aware rules still apply, through console/tsconfig.json.
    files: ['console/**/*.{ts,tsx}'],
    rules: { 'import-x/no-cycle': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      // node:test's test() returns a promise the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' }] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
