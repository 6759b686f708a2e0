import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, ensureDatabase } from '../../src/db/connection.js';
import type { Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const name = `smsflow_test_${randomBytes(6).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  await ensureDatabase(url);
  const db = createDb(url, 10);
  await migrateToLatest(db);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
      await admin.connect();
      // pg-pool's end() resolves before its clients' Terminate reaches the server; a FORCE drop at that
      // moment makes those clients emit an unhandled 57P01. Wait for them to leave, then force.
      for (let i = 0; i < 30; i++) {
        const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
