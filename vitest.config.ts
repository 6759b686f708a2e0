import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core bridge is a native addon that cannot load in several worker_threads:
    // the threads pool segfaults (reference/temporal.md §0.3). Forks only.
    pool: 'forks',
    maxWorkers: 2,
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    // Building the temporal CLI on a fresh machine takes minutes (once).
    hookTimeout: 900_000,
  },
});
