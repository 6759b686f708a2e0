// Lint rules. The workflow-sandbox boundary is the one that matters most: Temporal bundles
// src/workflows/** into a deterministic V8 sandbox, so those files may import only
// @temporalio/workflow, xstate, src/domain/** and *types* of activities (STYLE.md habit 3).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Where reading the wall clock directly is intended: real elapsed time is the subject there, or the
 * code owns time itself. Everywhere else in src/ the business clock comes from deps (src/clock.ts), so
 * a test or rehearsal that injects one sees quiet hours, scheduling, validity, frequency caps and
 * consent timestamps follow it. Single wall-time reads elsewhere (a deadline, a cache age) carry an
 * eslint-disable comment that says why.
 */
const wallClockFiles = [
  'src/clock.ts', // the clock itself
  'src/workflows/**', // workflow time is Temporal's, deterministic in the sandbox
  'src/activities/send-pacer.ts', // pacing: a provider's MPS is real time (reservations in PostgreSQL)
  'src/activities/paced-sends.ts', // idem: how late a send is against its reserved instant
  'src/providers/**', // provider protocols: signature freshness, Retry-After, the sandbox's simulated network
  'src/temporal/**', // process control: start-up deadlines, lock ages
  'src/cli/**', // command-line progress and timeouts
];

const nodeBuiltins = [
  'fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'stream', 'zlib', 'dns',
  'events', 'worker_threads', 'timers', 'process', 'readline', 'tls', 'dgram', 'cluster', 'perf_hooks',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: wallClockFiles,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Read the business clock from deps (`deps.now()`, src/clock.ts); wall time only where eslint.config.js allows it.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Read the business clock from deps (`deps.now()`, src/clock.ts), or let PostgreSQL stamp a record (`now()`); wall time only where eslint.config.js allows it.',
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [
              { name: m, message: 'Node built-ins are not available in the workflow sandbox.' },
              { name: `node:${m}`, message: 'Node built-ins are not available in the workflow sandbox.' },
            ]),
            { name: '@temporalio/activity', message: 'Activities run outside the sandbox: import their types only.' },
            { name: '@temporalio/client', message: 'Not available in the workflow sandbox.' },
            { name: '@temporalio/worker', message: 'Not available in the workflow sandbox.' },
          ],
          patterns: [
            {
              group: ['**/activities/**', '**/api/**', '**/db/**', '**/providers/**', '**/worker/**', 'pg', 'kysely', 'hono', 'pino', 'liquidjs', 'csv-parse*'],
              allowTypeImports: true,
              message: 'Workflow code is sandboxed: import only @temporalio/workflow, xstate, src/domain/** and types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((m) => [
            { name: m, message: 'src/domain is pure and must stay importable from workflows.' },
            { name: `node:${m}`, message: 'src/domain is pure and must stay importable from workflows.' },
          ]),
          patterns: [
            {
              group: ['**/activities/**', '**/api/**', '**/db/**', '**/providers/**', '**/worker/**', 'pg', 'kysely', 'hono', 'pino'],
              allowTypeImports: true,
              message: 'src/domain is pure: no I/O modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);
