import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { clockFromConfig } from '../clock.js';
import type { Config } from '../config.js';
import { createProviderResolver } from '../activities/provider-resolver.js';
import { startApiServer } from '../api/api-server.js';
import type { ApiServer } from '../api/api-server.js';
import type { Db } from '../db/connection.js';
import { CredentialCipher } from '../providers/credential-cipher.js';
import { startSandboxProvider } from '../providers/sandbox/sandbox-server.js';
import type { SandboxBehaviourPatch } from '../providers/sandbox/sandbox-behaviour.js';
import type { SandboxProvider } from '../providers/sandbox/sandbox-server.js';
import { createSmsflowWorker } from '../worker/create-worker.js';
import { connectClient, connectWorker, credentialsKey, ensureTemporal, openDatabase } from './runtime.js';

/** Everything `smsflow dev` and `smsflow demo` run on one machine. */
export interface LocalStack {
  db: Db;
  api: ApiServer;
  sandbox: SandboxProvider;
  worker: Worker;
  temporalUiUrl: string | null;
  /** Whether this stack started the Temporal dev server (it keeps running after close). */
  temporalStarted: boolean;
  close(): Promise<void>;
}

/**
 * Starts the local stack: the Temporal dev server when nothing answers (built on first use), the
 * database (created and migrated), the sandbox provider, the API and one worker in this process.
 */
export async function startLocalStack(
  config: Config,
  logger: Logger,
  options: { apiPort: number; sandboxPort: number; sandbox?: SandboxBehaviourPatch; log: (l: string) => void },
): Promise<LocalStack> {
  const { uiUrl, started } = await ensureTemporal(config, options.log);
  const db = await openDatabase(config);
  const cipher = new CredentialCipher(await credentialsKey(config));
  const sandbox = await startSandboxProvider({ port: options.sandboxPort, ...(options.sandbox ? { behaviour: options.sandbox } : {}) });
  const { client, close: closeClient } = await connectClient(config);
  const now = clockFromConfig(config);
  const api = await startApiServer({
    db,
    temporal: client,
    cipher,
    logger,
    now,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    host: config.API_HOST,
    port: options.apiPort,
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
  });
  const connection = await connectWorker(config);
  const worker = await createSmsflowWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH } : {}),
    deps: { db, providers: createProviderResolver(db, cipher), logger, publicBaseUrl: api.publicBaseUrl, now },
  });
  const running = worker.run();
  return {
    db,
    api,
    sandbox,
    worker,
    temporalUiUrl: uiUrl,
    temporalStarted: started,
    close: async () => {
      // On Ctrl-C the SDK's own signal handler has already begun the shutdown; a second call throws
      // and would skip closing the API, the sandbox and the pool below.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await api.close();
      await sandbox.close();
      await closeClient();
      await db.destroy();
    },
  };
}
