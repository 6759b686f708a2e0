import pino from 'pino';
import { loadConfig } from '../config.js';
import { startLocalStack } from './local-stack.js';

/** `smsflow dev`: the whole stack in one terminal until Ctrl-C. */
export async function runDev(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const stack = await startLocalStack(config, logger, { apiPort: config.API_PORT, sandboxPort: 4010, log: (l) => logger.info(l) });
  console.log(`smsflow dev is running
  API              ${stack.api.url}  (OpenAPI: ${stack.api.url}/openapi.json)
  Temporal UI      ${stack.temporalUiUrl ?? '(remote server)'}
  sandbox provider ${stack.sandbox.url}  api key ${stack.sandbox.apiKey}  webhook secret ${stack.sandbox.webhookSecret}
Create an API key with: node bin/smsflow.js account create "My company"   (Ctrl-C stops; Temporal keeps running)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
}
