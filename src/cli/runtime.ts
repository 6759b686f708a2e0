import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection, WorkflowClient } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config.js';
import { createDb, ensureDatabase } from '../db/connection.js';
import type { Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { PROJECT_ROOT } from '../project-root.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { startDevServer, isPortOpen } from '../temporal/dev-server.js';
import { ensureTemporalCli } from '../temporal/temporal-cli.js';
import { registerSearchAttributes } from '../temporal/register-search-attributes.js';

/** Local state of `smsflow dev`/`demo` (ignored by git): Temporal's SQLite file, logs, dev keys. */
export const STATE_DIR = join(PROJECT_ROOT, '.smsflow');

/** Creates the database if missing, migrates it and returns a pool. */
export async function openDatabase(config: Config): Promise<Db> {
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  await migrateToLatest(db);
  return db;
}

/**
 * The credentials key: CREDENTIALS_KEY when set; otherwise a local development key kept in
 * .smsflow/credentials.key (created once), so `smsflow dev` works out of the box.
 */
export async function credentialsKey(config: Config): Promise<string> {
  if (config.CREDENTIALS_KEY) return config.CREDENTIALS_KEY;
  const path = join(STATE_DIR, 'credentials.key');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    await mkdir(STATE_DIR, { recursive: true });
    const key = randomBytes(32).toString('base64');
    await writeFile(path, key + '\n', { mode: 0o600 });
    return key;
  }
}

/**
 * Makes sure a Temporal server answers on TEMPORAL_ADDRESS: when nothing listens there and the
 * address is local, builds the CLI if needed and starts `temporal server start-dev` detached, with
 * its SQLite file in .smsflow/ (workflows survive restarts) and the UI on port+1000. An existing
 * server gets our search attributes registered.
 * @returns the UI URL when we know it.
 */
export async function ensureTemporal(config: Config, log: (l: string) => void): Promise<{ uiUrl: string | null; started: boolean }> {
  const [host = '127.0.0.1', portText = '7233'] = config.TEMPORAL_ADDRESS.split(':');
  const port = Number(portText);
  const local = host === '127.0.0.1' || host === 'localhost';
  if (local && !(await isPortOpen(host, port))) {
    const cliPath = await ensureTemporalCli(config.TEMPORAL_CLI_PATH, log);
    log(`Starting temporal server start-dev on ${host}:${port} (UI :${port + 1000}, data in .smsflow/temporal.db)…`);
    const server = await startDevServer({
      cliPath,
      ip: '127.0.0.1',
      port,
      uiPort: port + 1000,
      dbFilename: join(STATE_DIR, 'temporal.db'),
      logFile: join(STATE_DIR, 'temporal.log'),
      detached: true,
    });
    await writeFile(join(STATE_DIR, 'temporal.pid'), String(server.pid ?? ''));
    return { uiUrl: server.uiUrl, started: true };
  }
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  } catch (err) {
    log(`Could not register search attributes (${(err as Error).message}); register them on the namespace yourself.`);
  } finally {
    await connection.close();
  }
  return { uiUrl: local ? `http://${host}:${port + 1000}` : null, started: false };
}

/** A Temporal client for the API and CLI. */
export async function connectClient(config: Config): Promise<{ client: WorkflowClient; close: () => Promise<void> }> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return { client: new WorkflowClient({ connection, namespace: config.TEMPORAL_NAMESPACE }), close: () => connection.close() };
}

/** A native connection for workers. */
export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config));
}
