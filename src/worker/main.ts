import pino from 'pino';
import { clockFromConfig } from '../clock.js';
import { loadConfig } from '../config.js';
import { createProviderResolver } from '../activities/provider-resolver.js';
import { CredentialCipher } from '../providers/credential-cipher.js';
import { connectClient, connectWorker, credentialsKey, openDatabase } from '../cli/runtime.js';
import { DlrDispatcher } from '../api/dlr-dispatcher.js';
import { SmppSessionPool } from '../providers/smpp/smpp-session-pool.js';
import { createSmsflowWorker } from './create-worker.js';

/**
 * `smsflow worker`: runs campaign workflows and activities on TEMPORAL_TASK_QUEUE until SIGINT or
 * SIGTERM (Temporal's runtime handles them and drains for `shutdownGraceTime`).
 */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const now = clockFromConfig(config);
  const db = await openDatabase(config);
  const cipher = new CredentialCipher(await credentialsKey(config));
  const connection = await connectWorker(config);
  // SMPP binds live here; their receipts take the webhook path (log, then a coalesced signal). The
  // API's sweeper re-delivers anything this process logged but could not signal.
  const temporal = await connectClient(config);
  const dispatcher = new DlrDispatcher(db, temporal.client, logger, { sweep: false });
  dispatcher.start();
  const smpp = new SmppSessionPool({ db, now, sink: dispatcher, logger });
  const publicBaseUrl = config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const worker = await createSmsflowWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH } : {}),
    deps: { db, providers: createProviderResolver(db, cipher, undefined, { smpp }), logger, publicBaseUrl, now },
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, pid: process.pid, ...(config.CLOCK_START_AT ? { clockStartAt: config.CLOCK_START_AT } : {}) }, 'worker running');
  try {
    await worker.run();
  } finally {
    await smpp.closeAll();
    await dispatcher.stop();
    await temporal.close();
    await connection.close();
    await db.destroy();
  }
}
