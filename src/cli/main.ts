import { loadConfig } from '../config.js';
import { createAccount } from '../db/account-repository.js';
import { ensureTemporalCli } from '../temporal/temporal-cli.js';
import { runWorker } from '../worker/main.js';
import { runApi } from './run-api.js';
import { runDemo } from './demo.js';
import { runDev } from './dev.js';
import { runConsentImportCommand } from './consent-import-command.js';
import { openDatabase } from './runtime.js';

const USAGE = `smsflow <command>

  dev                 Temporal dev server (UI :8233) + API + worker + sandbox provider, in one terminal
  demo                a real two-variant campaign end to end on examples/consent.csv, with a stats table
  migrate             create the database if missing and apply migrations
  api                 run the HTTP API (REST + provider webhooks)
  worker              run a Temporal worker (campaign workflows and activities)
  account create NAME create an account and print its API key (shown once)
  consent-import FILE [--country CC] [--errors OUT.csv]
                      upload a consent CSV (SMSFLOW_API_KEY) and show the import's progress bar
  temporal install    build the temporal CLI v1.5.1 into the cache if missing

Configuration comes from the environment: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY / TEMPORAL_TLS_*, API_PORT, PUBLIC_BASE_URL, CREDENTIALS_KEY (see README).`;

/** Entry of the `smsflow` command. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev':
      return runDev();
    case 'demo':
      process.exitCode = await runDemo();
      return;
    case 'migrate': {
      const db = await openDatabase(loadConfig());
      console.log('database migrated');
      await db.destroy();
      return;
    }
    case 'api':
      return runApi();
    case 'worker':
      return runWorker();
    case 'account': {
      if (rest[0] !== 'create' || !rest[1]) throw new Error('usage: smsflow account create NAME');
      const db = await openDatabase(loadConfig());
      const { account, apiKey } = await createAccount(db, rest.slice(1).join(' '));
      console.log(`account ${account.id}\napi key ${apiKey}\n(the key is shown once; store it now)`);
      await db.destroy();
      return;
    }
    case 'consent-import':
      process.exitCode = await runConsentImportCommand(loadConfig(), rest);
      return;
    case 'temporal':
      if (rest[0] !== 'install') throw new Error('usage: smsflow temporal install');
      console.log(await ensureTemporalCli(loadConfig().TEMPORAL_CLI_PATH));
      return;
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}
