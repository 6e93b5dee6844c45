// The browser end-to-end suite (not part of `vitest run`, which takes test/unit and test/integration):
//   npx vitest run --config test/e2e/vitest.config.ts
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
    // The steps of a suite build on each other.
    sequence: { concurrent: false },
  },
});
