import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, ensureDatabase } from '../src/db/connection.js';
import type { Db } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** A fresh, migrated database that exists for one benchmark run only. */
export interface BenchDatabase {
  /** `smsflow_bench_<12 hex>`. */
  name: string;
  /** Its URL: the server of DATABASE_URL with this database name. */
  url: string;
  db: Db;
  /** Closes `db` and drops the database (`WITH (FORCE)`: the worker's connections may linger). */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates and migrates `smsflow_bench_<random>` on the PostgreSQL server of `databaseUrl`, so the
 * benchmark never touches the `smsflow` database of `dev`/`demo` or another engineer's tests.
 */
export async function createBenchDatabase(databaseUrl: string, poolSize: number): Promise<BenchDatabase> {
  const name = `smsflow_bench_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(databaseUrl, name);
  await ensureDatabase(url);
  const db = createDb(url, poolSize);
  await migrateToLatest(db);
  let dropped = false;
  return {
    name,
    url,
    db,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await db.destroy().catch(() => undefined);
      const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
