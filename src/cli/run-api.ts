import pino from 'pino';
import { clockFromConfig } from '../clock.js';
import { loadConfig } from '../config.js';
import { startApiServer } from '../api/api-server.js';
import { CredentialCipher } from '../providers/credential-cipher.js';
import { connectClient, credentialsKey, openDatabase } from './runtime.js';

/** `smsflow api`: the HTTP API on API_HOST:API_PORT until SIGINT/SIGTERM. */
export async function runApi(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const db = await openDatabase(config);
  const { client, close } = await connectClient(config);
  const api = await startApiServer({
    db,
    temporal: client,
    cipher: new CredentialCipher(await credentialsKey(config)),
    logger,
    now: clockFromConfig(config),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    host: config.API_HOST,
    port: config.API_PORT,
    inbound: { concatWaitMs: config.INBOUND_CONCAT_WAIT_SECONDS * 1000, attributionWindowMs: config.REPLY_ATTRIBUTION_WINDOW_HOURS * 3_600_000 },
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
  });
  logger.info({ url: api.url, publicBaseUrl: api.publicBaseUrl }, 'API listening');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  await close();
  await db.destroy();
}
