import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { ConsentImportsTable } from './consent-keyword-schema.js';

/** A consent import row as read back. */
export type ConsentImportRow = Selectable<ConsentImportsTable>;

/** Progress counters an import activity writes (absolute values, so a retried write is harmless). */
export interface ConsentImportProgress {
  linesRead: number;
  rowsImported: number;
  rowsUnchanged: number;
  rowsRefused: number;
}

/** A refused row of an import. */
export interface ConsentImportErrorRow {
  line: number;
  field: string;
  reason: string;
  value?: string | null;
}

/**
 * Registers an uploaded file as a running import. `createdAt` is the upload instant by the business
 * clock (src/clock.ts): the file's undated opt-outs are dated then.
 */
export async function createConsentImport(
  db: Db,
  row: { id: string; accountId: string; filePath: string; fileName: string | null; fileBytes: number; defaultCountry: string | null; apiKeyPrefix: string; createdAt: Date },
): Promise<ConsentImportRow> {
  return db
    .insertInto('consent_imports')
    .values({ id: row.id, account_id: row.accountId, file_path: row.filePath, file_name: row.fileName, file_bytes: row.fileBytes, default_country: row.defaultCountry, api_key_prefix: row.apiKeyPrefix, created_at: row.createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One import, scoped to the account when `accountId` is given. */
export async function findConsentImport(db: Db, id: string, accountId?: string): Promise<ConsentImportRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  let q = db.selectFrom('consent_imports').selectAll().where('id', '=', id);
  if (accountId) q = q.where('account_id', '=', accountId);
  return q.executeTakeFirst();
}

/** Stores progress and the refused rows of one chunk, in the caller's transaction. */
export async function recordConsentImportProgress(db: Db, id: string, progress: ConsentImportProgress, errors: ConsentImportErrorRow[]): Promise<void> {
  if (errors.length > 0) {
    await db
      .insertInto('consent_import_errors')
      .values(errors.map((e) => ({ import_id: id, line: e.line, field: e.field, reason: e.reason, value: e.value ?? null })))
      .onConflict((oc) => oc.columns(['import_id', 'line', 'field']).doNothing())
      .execute();
  }
  await db
    .updateTable('consent_imports')
    .set({ lines_read: progress.linesRead, rows_imported: progress.rowsImported, rows_unchanged: progress.rowsUnchanged, rows_refused: progress.rowsRefused })
    .where('id', '=', id)
    .execute();
}

/** Records what the whole-file check found. */
export async function recordConsentImportFile(db: Db, id: string, facts: { sha256: string; lines: number }): Promise<void> {
  await db.updateTable('consent_imports').set({ file_sha256: facts.sha256, total_lines: facts.lines }).where('id', '=', id).execute();
}

/** Ends an import: `completed`, or `failed` with the reason. */
export async function finishConsentImport(db: Db, id: string, outcome: { status: 'completed' } | { status: 'failed'; error: string }): Promise<void> {
  await db
    .updateTable('consent_imports')
    .set({ status: outcome.status, error: outcome.status === 'failed' ? outcome.error : null, finished_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** The refused rows of an import, by line, in pages of `limit` after `afterLine`. */
export async function consentImportErrors(db: Db, id: string, afterLine: number, limit: number): Promise<ConsentImportErrorRow[]> {
  const rows = await db
    .selectFrom('consent_import_errors')
    .select(['line', 'field', 'reason', 'value'])
    .where('import_id', '=', id)
    .where('line', '>', String(afterLine))
    .orderBy('line')
    .orderBy('field')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ line: Number(r.line), field: r.field, reason: r.reason, value: r.value }));
}
