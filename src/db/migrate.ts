import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import type { Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import type { Db } from './connection.js';
import { PROJECT_ROOT } from '../project-root.js';

/** The repository's `migrations/` folder. */
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

/**
 * Feeds kysely's Migrator the ordered `NNNN_name.sql` files of a folder. Each file runs as one
 * multi-statement query inside the Migrator's transaction.
 */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.dir, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

/** Thrown when a migration fails; carries kysely's per-migration results. */
export class MigrationError extends Error {
  readonly code = 'migration_failed';
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Runs every pending migration in `migrations/` (kysely Migrator; it takes an advisory lock, so
 * several processes starting at once are safe).
 * @returns the names of the migrations applied by this call.
 * @throws {MigrationError} when one fails; nothing after it runs.
 */
export async function migrateToLatest(db: Db, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, results, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
