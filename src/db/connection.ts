import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// int8 (bigserial ids, count(*)) as string by default in pg; counts we cast in SQL. Keep timestamps as Date.

/** A kysely instance plus its pool, so callers can close both. */
export type Db = Kysely<Database>;

/**
 * Opens a pooled kysely connection to `url`.
 * @param poolSize maximum connections in the pool.
 */
export function createDb(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client terminated by the server (restart, failover, DROP … WITH (FORCE) in tests) is
  // discarded by the pool and replaced on the next checkout; with no listener, node-postgres' 'error'
  // event would crash the process (node-postgres docs, Pool events: 'error').
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Creates the database named in `url` when it does not exist, by connecting to the server's
 * `postgres` maintenance database. Safe to call concurrently (a duplicate CREATE is ignored).
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL has no database name: ${url}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (err) {
        // 42P04 duplicate_database: another process created it between our check and CREATE.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}
