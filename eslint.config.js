import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'better-sqlite3', 'electron', 'react'], message: 'shared/ is pure TypeScript: no Node, no DOM, no UI.' }] }],
    },
  },
  {
    files: ['db/**/*.ts', 'electron/engine/**/*.ts', 'electron/lab/**/*.ts', 'electron/cli/**/*.ts', 'electron/server/**/*.ts', 'electron/ipc.ts', 'electron/app-root.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only the Electron main/preload entry points may import electron.' }] }],
    },
  },
  {
    // The renderer runs in a browser page (Electron's sandboxed window or web mode): no Node modules.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'better-sqlite3', 'electron', '**/db/*', '**/electron/*'], message: 'The renderer runs in a browser page: no Node modules; talk to the lab through the LabClient.' }] }],
    },
  },
);
