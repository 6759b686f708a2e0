import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core bridge is a native addon that cannot load in several worker_threads:
    // the threads pool segfaults (reference/temporal.md §0.3). Forks only.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    // Building the temporal CLI on a fresh machine takes minutes (once).
    hookTimeout: 900_000,
    // `npm test` runs them all; `npm run test:unit` / `test:api` run one (`vitest run --project unit`).
    projects: [
      // Pure code: no database, no Temporal; seconds.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The HTTP API in-process (app.request) on a fresh PostgreSQL database; Temporal is never reached.
      { extends: true, test: { name: 'api', include: ['test/api/**/*.test.ts'] } },
      // Real Temporal dev server (started once per run by the global setup), PostgreSQL, HTTP.
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['./test/helpers/global-setup.ts'] },
      },
    ],
  },
});
