import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectronInRenderer = {
  patterns: [
    {
      group: ['electron', 'electron/*'],
      message: 'The renderer talks to the Host interface, never to Electron.',
    },
    { group: ['**/electron/main/**', '**/electron/preload/**'], message: 'Only electron/common is shared.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // `const { secret, ...rest } = x` is how a field is left out; the named one is meant to go unused.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', noElectronInRenderer] },
  },
  {
    // The SIP engine is plain TypeScript so it can be reasoned about and tested without the UI.
    files: ['renderer/src/sip/**/*.ts', 'renderer/src/audio/**/*.ts', 'renderer/src/diagnostics/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noElectronInRenderer.patterns,
            {
              group: ['vue', 'pinia', 'vue-i18n', '**/stores/**', '**/components/**'],
              message: 'SIP code has no UI imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/src/components/**/*.vue', 'renderer/src/App.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noElectronInRenderer.patterns,
            {
              group: ['sip.js', 'sip.js/*'],
              message: 'Components render store state; SIP lives in renderer/src/sip.',
            },
          ],
        },
      ],
    },
  },
  {
    // The gateway runs in Electron main, in the browser build's local service and under the tests.
    files: ['electron/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The gateway is plain Node; main wires it in with a thin adapter.' },
          ],
          patterns: [
            { group: ['**/electron/main/**', '**/renderer/**'], message: 'The gateway stands alone.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['node:*'] }] },
  },
  prettier,
);
