/**
 * S5 (benchmarks.md): onboarding workflows started per second through the API (`POST /v1/onboarding`
 * then the first Update, `POST /v1/onboarding/steps/countries`, accepted), Update p99 on the accept
 * and the validator-reject path, checklist query p99, against C4(a) in the same run: start + await of
 * empty workflows, same concurrency, same dev server.
 *
 * Isolation: its own `temporal server start-dev` on a free port (in memory, headless), its own
 * database, the API and both workers in this process. Size with BENCH_ONBOARDING_ACCOUNTS (default 200).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createProviderResolver } from '../src/activities/provider-resolver.js';
import { startApiServer } from '../src/api/api-server.js';
import { systemClock } from '../src/clock.js';
import { createAccount } from '../src/db/account-repository.js';
import { CredentialCipher } from '../src/providers/credential-cipher.js';
import { startDevServer } from '../src/temporal/dev-server.js';
import { ensureTemporalCli } from '../src/temporal/temporal-cli.js';
import { createSmsflowWorker, WORKFLOWS_PATH } from '../src/worker/create-worker.js';
import { createBenchDatabase } from './bench-database.js';
import { collectBenchEnv } from './bench-env.js';
import { formatEnv, formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioResult } from './bench-report.js';
import type { ScenarioContext } from './campaign-bench.js';

const GOAL_RATIO = 0.5;
const GOAL_UPDATE_P99_MS = 250;
const CONCURRENCY = 50;
/** In flight while latencies are measured: at the throughput phase's 50, latency is queueing (Little's law). */
const LATENCY_CONCURRENCY = 4;
const EMPTY_WORKFLOW_PATH = fileURLToPath(new URL('./empty-workflow' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url));
const noop = () => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function p99(ms: number[]): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
}

/** Runs `fn(i)` for i in [0, n) with `limit` in flight; @returns elapsed ms. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await fn(next++);
  }));
  return performance.now() - t0;
}

/** Runs S5 and writes bench/results/onboarding.json. */
export async function runOnboardingScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const accounts = Number(ctx.baseEnv.BENCH_ONBOARDING_ACCOUNTS ?? 200);
  const loadavgAtStart = os.loadavg();
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const cliPath = await ensureTemporalCli(ctx.config.TEMPORAL_CLI_PATH, ctx.log);
    const port = await freePort();
    const server = await startDevServer({ cliPath, port, uiPort: null });
    cleanups.push(() => server.stop());
    const address = `127.0.0.1:${port}`;
    ctx.log(`S5: dev server on ${address}, ${accounts} accounts, ${CONCURRENCY} in flight`);
    const database = await createBenchDatabase(ctx.config.DATABASE_URL, 20);
    cleanups.push(() => database.drop());
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address });
    cleanups.push(() => native.close());
    const logger = pino({ level: 'warn' }, pino.destination(2));
    const cipher = new CredentialCipher(Buffer.alloc(32, 7).toString('base64'));
    const taskQueue = `bench-onboarding-${randomUUID()}`;
    const api = await startApiServer({ db: database.db, temporal: client.workflow, cipher, logger, now: systemClock, taskQueue, host: '127.0.0.1', port: 0 });
    cleanups.push(() => api.close());
    const [product, empty] = await Promise.all([
      bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet }),
      bundleWorkflowCode({ workflowsPath: EMPTY_WORKFLOW_PATH, logger: quiet }),
    ]);
    const bundlePath = join(os.tmpdir(), `smsflow-bench-onboarding-${process.pid}-${randomUUID()}.js`);
    await writeFile(bundlePath, product.code);
    cleanups.push(() => rm(bundlePath, { force: true }));
    const worker = await createSmsflowWorker({ connection: native, namespace: 'default', taskQueue, workflowBundlePath: bundlePath, deps: { db: database.db, providers: createProviderResolver(database.db, cipher), logger, publicBaseUrl: api.publicBaseUrl, now: systemClock } });
    const emptyWorker = await Worker.create({ connection: native, taskQueue: `${taskQueue}-empty`, workflowBundle: { code: empty.code } });
    const running = [worker.run(), emptyWorker.run()];
    cleanups.push(async () => {
      worker.shutdown();
      emptyWorker.shutdown();
      await Promise.allSettled(running);
    });
    const keys: string[] = [];
    for (let i = 0; i < accounts; i++) keys.push((await createAccount(database.db, `bench ${i}`)).apiKey);
    let retried = 0;
    /** One API call; a 503 (Temporal did not answer in 10 s: overload) is retried like a client would, and counted. */
    const call = async (key: string, method: string, path: string, body?: unknown): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        const status = await callOnce(key, method, path, body);
        if (status !== 503 || attempt === 5) return status;
        retried += 1;
      }
    };
    const callOnce = async (key: string, method: string, path: string, body?: unknown): Promise<number> => {
      const res = await fetch(api.url + path, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      await res.arrayBuffer();
      return res.status;
    };

    // Baseline C4(a): start + await empty workflows.
    const baselineMs = await pool(accounts, CONCURRENCY, async (i) => {
      const h = await client.workflow.start('emptyWorkflow', { taskQueue: `${taskQueue}-empty`, workflowId: `empty/${i}-${randomUUID()}` });
      await h.result();
    });
    const baselineRate = (accounts / baselineMs) * 1000;
    ctx.log(`  baseline: ${round(baselineRate)} empty workflows/s`);

    // S5 throughput: start through the API + first Update accepted, at the baseline's concurrency.
    const scenarioMs = await pool(accounts, CONCURRENCY, async (i) => {
      const key = keys[i]!;
      const started = await call(key, 'POST', '/v1/onboarding', {});
      if (started !== 200) throw new Error(`start: HTTP ${started}`);
      const status = await call(key, 'POST', '/v1/onboarding/steps/countries', { countries: ['US', 'GB'] });
      if (status !== 200) throw new Error(`first Update: HTTP ${status}`);
    });
    const rate = (accounts / scenarioMs) * 1000;
    // Latencies on the running workflows, at a low concurrency: an accepted Update (countries again),
    // a validator rejection (422, no history event) and the checklist query.
    const accept: number[] = [];
    const reject: number[] = [];
    const query: number[] = [];
    const time = async (into: number[], expected: number, method: string, i: number, path: string, body?: unknown) => {
      const t0 = performance.now();
      const status = await call(keys[i]!, method, path, body);
      into.push(performance.now() - t0);
      if (status !== expected) throw new Error(`${method} ${path}: HTTP ${status}, expected ${expected}`);
    };
    await pool(accounts, LATENCY_CONCURRENCY, async (i) => {
      await time(accept, 200, 'POST', i, '/v1/onboarding/steps/countries', { countries: ['US', 'IN'] });
      await time(reject, 422, 'POST', i, '/v1/onboarding/steps/countries', { countries: ['XX'] });
      await time(query, 200, 'GET', i, '/v1/onboarding');
    });
    const ratio = rate / baselineRate;
    const goals = [
      { name: 'ratio to empty-workflow start+await', value: ratio, unit: '×', goal: GOAL_RATIO, goal_is: 'min' as const, met: meets(ratio, GOAL_RATIO, 'min') },
      { name: 'Update p99, accept (HTTP)', value: p99(accept), unit: 'ms', goal: GOAL_UPDATE_P99_MS, goal_is: 'max' as const, met: meets(p99(accept), GOAL_UPDATE_P99_MS, 'max') },
      { name: 'Update p99, validator reject (HTTP 422)', value: p99(reject), unit: 'ms', goal: GOAL_UPDATE_P99_MS, goal_is: 'max' as const, met: meets(p99(reject), GOAL_UPDATE_P99_MS, 'max') },
    ];
    const env = await collectBenchEnv(database.db, { ...ctx.config, TEMPORAL_ADDRESS: address }, { temporalStartedHere: true, loadavgAtStart, loadGenerator: `in-process fetch, ${CONCURRENCY} in flight; API, worker and empty-workflow worker in the same process` });
    const result: ScenarioResult = {
      scenario: 'onboarding',
      value: round(rate),
      unit: 'onboardings/s',
      goal: GOAL_RATIO,
      goal_is: 'min',
      baseline: { name: 'C4(a) empty workflow start+await, same server and concurrency', value: round(baselineRate), unit: 'workflows/s' },
      ratio: round(ratio),
      goals: goals.map((g) => ({ ...g, value: round(g.value) })),
      figures: { accounts, retried_after_503: retried, concurrency: CONCURRENCY, latency_concurrency: LATENCY_CONCURRENCY, update_accept_p99_ms: round(p99(accept)), update_reject_p99_ms: round(p99(reject)), query_p99_ms: round(p99(query)), scenario_s: round(scenarioMs / 1000), baseline_s: round(baselineMs / 1000) },
      notes: [
        'started/s counts POST /v1/onboarding (workflow start, USE_EXISTING) plus the first Update (countries) accepted, over HTTP with API-key auth.',
        'Update and query latencies are HTTP round trips through the API (auth lookup + Temporal executeUpdate/query) with 4 in flight, measured after the throughput phase; the reject path is a validator rejection (422, no history event).',
      ],
      env,
    };
    console.log(`\nS5 onboarding\n${formatEnv(env)}\n\n${formatResultTable(result, [['onboardings started/s', `${round(rate)}`], ['baseline empty workflows/s', `${round(baselineRate)}`], ['checklist query p99', `${round(p99(query))} ms`]])}`);
    ctx.log(`  results: ${await writeResult(result)}`);
    return result;
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => ctx.log(`cleanup: ${String(err)}`));
  }
}
