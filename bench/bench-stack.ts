import { randomBytes, randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { startApiServer } from '../src/api/api-server.js';
import type { ApiServer } from '../src/api/api-server.js';
import { systemClock } from '../src/clock.js';
import { ensureTemporal } from '../src/cli/runtime.js';
import type { Config } from '../src/config.js';
import { CredentialCipher } from '../src/providers/credential-cipher.js';
import type { SandboxBehaviourPatch } from '../src/providers/sandbox/sandbox-behaviour.js';
import { startSandboxProvider } from '../src/providers/sandbox/sandbox-server.js';
import type { SandboxProvider } from '../src/providers/sandbox/sandbox-server.js';
import { temporalConnectionOptions } from '../src/temporal/connection-options.js';
import { WORKFLOWS_PATH } from '../src/worker/create-worker.js';
import { createBenchDatabase } from './bench-database.js';
import type { BenchDatabase } from './bench-database.js';
import { pollUntil } from './bounded-wait.js';
import { spawnWorkerProcess } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

const TaskQueueType = proto.temporal.api.enums.v1.TaskQueueType;

/** How long a fresh worker process may take to poll both task queue types, ms. */
const WORKER_READY_TIMEOUT_MS = 90_000;

/**
 * A dedicated stack for one benchmark run, like `src/cli/local-stack.ts` but isolated: its own
 * database and task queue on the shared Temporal server, the API and the sandbox provider in this
 * process, and workers as child processes (so their memory is measured alone).
 */
export interface BenchStack {
  database: BenchDatabase;
  /** Temporal client (the API's `temporal` is `client.workflow`). */
  client: Client;
  api: ApiServer;
  sandbox: SandboxProvider;
  taskQueue: string;
  /** Whether this run started the Temporal dev server (it keeps running, like `smsflow demo`'s). */
  temporalStartedHere: boolean;
  /**
   * Spawns `smsflow worker` on the stack's task queue and resolves once it polls for workflow and
   * activity tasks.
   * @throws Error when it exits or does not poll within 90 s (its output is in the message).
   */
  startWorker(): Promise<WorkerProcess>;
  /** Registers work for {@link BenchStack.close}; cleanups run last-registered first. */
  addCleanup(fn: () => Promise<unknown>): void;
  /** Stops workers still running, the API, the sandbox, and drops the database. Never throws. */
  close(): Promise<void>;
}

/** Close functions of stacks not closed yet, for a Ctrl-C in the middle of a run. */
const openStacks = new Set<() => Promise<void>>();

/** Closes every stack still open (SIGINT/SIGTERM handler of bench/main.ts). Never throws. */
export async function closeOpenBenchStacks(): Promise<void> {
  await Promise.all([...openStacks].map((close) => close()));
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };

/**
 * Starts a {@link BenchStack}.
 * @param config the product configuration (DATABASE_URL gives the server, TEMPORAL_* the frontend).
 * @param baseEnv environment the worker children inherit (PATH, TEMPORAL_*); the stack overrides
 *   DATABASE_URL, TEMPORAL_TASK_QUEUE, PUBLIC_BASE_URL, CREDENTIALS_KEY, LOG_LEVEL and WORKFLOW_BUNDLE_PATH.
 */
export async function startBenchStack(
  config: Config,
  baseEnv: Record<string, string | undefined>,
  options: { sandbox: SandboxBehaviourPatch; log: (line: string) => void },
): Promise<BenchStack> {
  const { started } = await ensureTemporal(config, options.log);
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    openStacks.delete(close);
    const fns = cleanups.splice(0).reverse();
    for (const fn of fns) await fn().catch((err: unknown) => options.log(`cleanup: ${String(err)}`));
  };
  openStacks.add(close);
  try {
    const database = await createBenchDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
    cleanups.push(() => database.drop());
    const credentialsKey = randomBytes(32).toString('base64');
    const taskQueue = `bench-${randomUUID()}`;
    const sandbox = await startSandboxProvider({ behaviour: options.sandbox });
    cleanups.push(() => sandbox.close());
    const connection = await Connection.connect(temporalConnectionOptions(config));
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const api = await startApiServer({
      db: database.db,
      temporal: client.workflow,
      cipher: new CredentialCipher(credentialsKey),
      logger: pino({ level: 'warn' }, pino.destination(2)),
      now: systemClock,
      taskQueue,
      host: '127.0.0.1',
      port: 0,
    });
    cleanups.push(() => api.close());
    // Production workers load a prebuilt bundle; bundling in the child would inflate its peak RSS.
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
    const bundlePath = join(tmpdir(), `smsflow-bench-workflows-${process.pid}-${randomUUID()}.js`);
    await writeFile(bundlePath, code);
    cleanups.push(() => rm(bundlePath, { force: true }));

    const workerEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) workerEnv[k] = v;
    Object.assign(workerEnv, {
      DATABASE_URL: database.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PUBLIC_BASE_URL: api.publicBaseUrl,
      CREDENTIALS_KEY: credentialsKey,
      LOG_LEVEL: 'warn',
      WORKFLOW_BUNDLE_PATH: bundlePath,
    });

    const startWorker = async (): Promise<WorkerProcess> => {
      const worker = spawnWorkerProcess(workerEnv);
      cleanups.push(() => worker.stop());
      const identity = `${worker.pid}@`;
      const polling = async (type: proto.temporal.api.enums.v1.TaskQueueType) => {
        const res = await client.workflowService.describeTaskQueue({
          namespace: config.TEMPORAL_NAMESPACE,
          taskQueue: { name: taskQueue },
          taskQueueType: type,
        });
        return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(identity));
      };
      await pollUntil(
        async () => {
          if (worker.exited()) throw new Error(`worker process exited during start-up:\n${worker.output()}`);
          const ok =
            (await polling(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)) && (await polling(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY));
          return ok ? true : undefined;
        },
        { timeoutMs: WORKER_READY_TIMEOUT_MS, intervalMs: 250, what: 'worker process polling its task queue' },
      );
      return worker;
    };

    const addCleanup = (fn: () => Promise<unknown>) => void cleanups.push(fn);
    return { database, client, api, sandbox, taskQueue, temporalStartedHere: started, startWorker, addCleanup, close };
  } catch (err) {
    await close();
    throw err;
  }
}
