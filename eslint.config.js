// ESLint for every workspace: typescript-eslint with type information, plus the import lines that
// keep the architecture one-way (see shared design: renderer -> core -> policy-module).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/test-results/**',
      // StrykerJS's sandboxes while `npm run mutation` runs: copies of the code under test.
      '**/.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The policy is the single source of truth: the other parts read it, it reads none of them.
    files: ['policy-module/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/client/**',
            '**/retention-service/**',
            '**/deploy/**',
            '@bleep/client',
            '@bleep/retention-service',
            '@bleep/deploy',
          ],
        },
      ],
    },
  },
  {
    files: ['retention-service/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/client/**', '**/deploy/**', '@bleep/client', '@bleep/deploy'] },
      ],
    },
  },
  {
    // The retention bench is a script, never shipped (the image copies src/ only): it runs its own homeserver with
    // the local runner's modules rather than copies of them. The service itself still may not reach into deploy/.
    files: ['retention-service/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/client/**', '@bleep/client'] }],
    },
  },
  {
    // The client core runs in Node and in the renderer alike: no Node built-ins, no Electron, no React, and nothing
    // from the folders above it (node/ is the headless platform, renderer/ and shell/ use the core, not the reverse).
    files: ['client/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'electron',
            'react',
            'react-dom',
            'fake-indexeddb',
            'fake-indexeddb/*',
            '**/client/node/**',
            '../node/*',
            '../../node/*',
            '**/renderer/**',
            '**/shell/**',
            '**/retention-service/**',
            '**/deploy/**',
          ],
        },
      ],
    },
  },
  {
    // The browser platform runs in the renderer's page (Chromium): the core's limits, browser globals, nothing of
    // Node. Its tests beside it run under Node with fake-indexeddb, which only they may import.
    files: ['client/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'electron',
            'react',
            'react-dom',
            '**/client/node/**',
            '../node/*',
            '**/renderer/**',
            '**/shell/**',
            '**/retention-service/**',
            '**/deploy/**',
          ],
        },
      ],
    },
  },
  {
    files: ['client/browser/**/*.ts'],
    ignores: ['client/browser/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'electron',
            'react',
            'react-dom',
            'fake-indexeddb',
            'fake-indexeddb/*',
            '**/client/node/**',
            '../node/*',
            '**/renderer/**',
            '**/shell/**',
            '**/retention-service/**',
            '**/deploy/**',
          ],
        },
      ],
    },
  },
);
