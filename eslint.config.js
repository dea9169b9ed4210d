// ESLint for every workspace: typescript-eslint with type information, plus the import lines that
// keep the architecture one-way (see shared design: renderer -> core -> policy-module).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Code that runs in the page may take types from the policy module's index, but values only from its page-safe
// subpaths (@bleep/policy-module/nhsNumber, /deviceId): the index also exports the gateway, whose Node-only code breaks
// the renderer's bundle at run time.
const policyModuleIndexInThePage = {
  name: '@bleep/policy-module',
  allowTypeImports: true,
  message:
    'In code that runs in the page, import values from a page-safe subpath such as @bleep/policy-module/nhsNumber.',
};

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
          paths: [policyModuleIndexInThePage],
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
          paths: [policyModuleIndexInThePage],
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
  {
    // The renderer: React views in the page. It reads the core's stores through selectors and calls the core's
    // actions; it never touches Matrix objects (no matrix-js-sdk), Node, Electron or the shell.
    files: ['client/renderer/**/*.{ts,tsx}'],
    ignores: ['client/renderer/**/*.test.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [policyModuleIndexInThePage],
          patterns: [
            'node:*',
            'electron',
            'matrix-js-sdk',
            'matrix-js-sdk/*',
            '@matrix-org/*',
            '**/client/node/**',
            '../node/*',
            '../../node/*',
            '**/shell/**',
            '**/retention-service/**',
            '**/deploy/**',
          ],
        },
      ],
    },
  },
  {
    // The shell's main process (Electron main, Node): electron and node:* are its to use; React, the renderer, the
    // browser platform and the headless platform are not. The core only for its types (the bridge's contract): the
    // shell decides how the desktop is hosted, never what the client does.
    files: ['client/shell/main/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom'],
          patterns: [
            {
              group: ['**/core/**'],
              allowTypeImports: true,
              message: 'The shell imports the core for types only.',
            },
            {
              group: [
                '**/preload/**',
                '**/renderer/**',
                '**/browser/**',
                '**/client/node/**',
                '../../node/*',
                '**/retention-service/**',
                '**/deploy/**',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // The preload runs sandboxed: it can require 'electron' and nothing of Node (it is bundled into one file, and a
    // node:* import would fail at run time, not at build). From the core only the bridge's contract, whose name
    // constant it needs; otherwise types.
    files: ['client/shell/preload/**/*.ts'],
    ignores: ['client/shell/preload/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom', 'events', 'timers', 'url', 'buffer', 'fs', 'path', 'child_process'],
          patterns: [
            { group: ['node:*'], message: 'A sandboxed preload cannot load Node modules.' },
            {
              group: ['**/core/**'],
              allowImportNames: ['desktopBridgeName'],
              allowTypeImports: true,
              message: 'The preload imports the core for types only (and the bridge contract).',
            },
            { group: ['**/main/**', '**/renderer/**', '**/browser/**', '**/client/node/**', '**/deploy/**'] },
          ],
        },
      ],
    },
  },
  {
    // The shell's build, launcher and packaging scripts run under Node on a developer's or build machine; they are
    // not shipped and may not reach into the app's code beyond the shell.
    files: ['client/shell/build/**/*.ts', 'client/shell/launch/**/*.ts', 'client/shell/packaging/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom'],
          patterns: ['**/renderer/**', '**/browser/**', '**/core/**'],
        },
      ],
    },
  },
);
