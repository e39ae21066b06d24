// ESLint for the whole repository: typescript-eslint's type-checked rules on every .ts file
// (each file is checked with the tsconfig.json nearest to it, so client code is typed with
// client/tsconfig.json) and eslint-plugin-svelte on the components. `npm run lint` runs it
// with --max-warnings 0, and `npm test` runs it as one of its checks.
import js from '@eslint/js';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const UNSAFE_ANY_RULES = ['no-unsafe-member-access', 'no-unsafe-assignment', 'no-unsafe-argument', 'no-unsafe-return', 'no-unsafe-call'];

export default tseslint.config(
  { ignores: ['**/node_modules/', 'client/dist/', 'client/public/', 'test-artifacts/', '.data/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['client/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      // `_name` marks a parameter a signature requires but this implementation does not use.
      // An async method that implements a Promise-returning port without awaiting anything (an
      // in-memory store, a fake, a mailer that writes a file) is deliberate; forgotten awaits
      // are caught by no-floating-promises, no-misused-promises and await-thenable instead.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // The rune classes keep what the page shows in $state fields; their plain Map, Set and URL
    // values are private bookkeeping or locals that must not be reactive (a SvelteMap of the
    // keys held down would re-run effects on every keydown).
    files: ['**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    // Tests read what came over the wire (res.json(), decoded frames, rows) as untyped values on
    // purpose: asserting on the raw shape is the test. Product code keeps every unsafe-any rule.
    files: ['**/*.test.ts', 'server/test/**', 'tests/**', '**/testing/**'],
    // uvu's test.skip and similar are plain functions handed around as values.
    rules: {
      ...Object.fromEntries(UNSAFE_ANY_RULES.map((rule) => [`@typescript-eslint/${rule}`, 'off'])),
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
