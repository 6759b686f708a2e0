import { createReadStream } from 'node:fs';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { CsvError } from 'csv-parse';
import { CsvHeaderError, parseConsentCsv } from '../consent/consent-csv.js';
import type { ConsentCsvRecord } from '../consent/consent-csv.js';
import { writeConsentRecords } from '../consent/consent-row-writer.js';
import { CsvFileError, checkCsvFile } from '../consent/csv-file-check.js';
import { findConsentImport, finishConsentImport, recordConsentImportFile, recordConsentImportProgress } from '../db/consent-import-repository.js';
import type { ConsentImportErrorRow, ConsentImportProgress } from '../db/consent-import-repository.js';
import { recordConsentImport } from '../db/consent-repository.js';
import type { CountryCode } from '../domain/phone-number.js';
import type { ActivityDeps } from './activity-deps.js';

/** Rows per transaction (and per heartbeat) of a bulk import. */
export const CONSENT_IMPORT_CHUNK = 10_000;

/** Rows parsed between two turns of the event loop (see the parse loop). */
const YIELD_EVERY_ROWS = 250;

/** Opt-in timestamps may be this far ahead of our clock (skew), ms. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Heartbeat checkpoint: every row up to `line` is committed, with the counters at that point. */
interface ImportCheckpoint extends ConsentImportProgress {
  line: number;
}

/** Activities of the consentImport workflow. */
export function createConsentImportActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  const now = deps.now;

  return {
    /**
     * Imports one uploaded consent CSV, streaming (csv-parse; memory flat in the row count). First the
     * whole file is checked (UTF-8, no NUL bytes, no giant line: checkCsvFile), so a malformed file fails
     * before any row is written. Then rows are written in chunks of {@link CONSENT_IMPORT_CHUNK}, each
     * chunk with its refused rows and the progress in one transaction, and a heartbeat carrying the last
     * committed line: after a worker restart the retried activity re-reads the file but skips every row up
     * to that line (re-writing them would also be harmless: ledger entries are deduplicated, so
     * re-importing a file changes nothing).
     * @throws ApplicationFailure (non-retryable, type = the CsvFileError/CsvHeaderError code) for a file
     *   that cannot be imported; the import is marked failed with the reason.
     */
    async runConsentImport(input: { importId: string }): Promise<ConsentImportProgress & { status: 'completed' | 'failed' }> {
      const ctx = Context.current();
      const job = await findConsentImport(db, input.importId);
      if (!job) throw ApplicationFailure.nonRetryable(`consent import ${input.importId} not found`, 'consent_import_not_found');
      const resume = ctx.info.heartbeatDetails as ImportCheckpoint | undefined;
      const progress: ImportCheckpoint = resume ?? { line: 1, linesRead: 0, rowsImported: 0, rowsUnchanged: 0, rowsRefused: 0 };
      if (job.status !== 'running') return { ...progress, status: job.status === 'completed' ? 'completed' : 'failed' };
      const fail = async (code: string, message: string) => {
        await finishConsentImport(db, job.id, { status: 'failed', error: message });
        return ApplicationFailure.nonRetryable(message, code);
      };

      let facts;
      try {
        facts = await checkCsvFile(job.file_path);
      } catch (err) {
        if (err instanceof CsvFileError) throw await fail(err.code, err.message);
        throw err;
      }
      await recordConsentImportFile(db, job.id, facts);
      if (resume) logger.info({ importId: job.id, line: resume.line }, 'consent import resumes after its last committed line');

      const context = { accountId: job.account_id, importId: job.id, importedAt: job.created_at, proof: { api_key_prefix: job.api_key_prefix, file_name: job.file_name, file_sha256: facts.sha256 } };
      let rows: ConsentCsvRecord[] = [];
      let errors: ConsentImportErrorRow[] = [];
      let lastLine = progress.line;
      const skipThrough = resume ? resume.line : 0;
      // One chunk is written while the next is parsed (PostgreSQL and this process work in parallel);
      // writes are chained, so chunks commit in file order and each heartbeat names a committed line.
      let written: Promise<void> = Promise.resolve();
      const write = async (chunk: ConsentCsvRecord[], refused: ConsentImportErrorRow[], throughLine: number) => {
        await db.transaction().execute(async (trx) => {
          const counts = await writeConsentRecords(trx, context, chunk);
          const next = {
            line: throughLine,
            linesRead: throughLine,
            rowsImported: progress.rowsImported + counts.opted_in + counts.opted_out,
            rowsUnchanged: progress.rowsUnchanged + counts.duplicates + chunk.filter((r) => r.consent === 'none').length,
            rowsRefused: progress.rowsRefused + refused.length,
          };
          await recordConsentImportProgress(trx, job.id, next, refused);
          return next;
        }).then((next) => Object.assign(progress, next));
        ctx.heartbeat({ ...progress });
      };
      const flush = async () => {
        if (rows.length === 0 && errors.length === 0) return;
        const chunk = rows;
        const refused = errors;
        rows = [];
        errors = [];
        await written; // at most one chunk in flight; a failed write fails the import here
        written = write(chunk, refused, lastLine);
        written.catch(() => undefined); // observed by the next flush or the final wait
      };

      try {
        const options = job.default_country ? { defaultCountry: job.default_country as CountryCode } : {};
        for await (const row of parseConsentCsv(createReadStream(job.file_path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, options)) {
          if (row.line <= skipThrough) continue;
          lastLine = row.line;
          if (!row.ok) errors.push({ line: row.line, field: row.field, reason: row.reason });
          else if (row.optedInAt && row.optedInAt.getTime() > now().getTime() + MAX_CLOCK_SKEW_MS) errors.push({ line: row.line, field: 'opted_in_at', reason: 'timestamp is in the future' });
          else rows.push(row);
          if (rows.length + errors.length >= CONSENT_IMPORT_CHUNK) await flush();
          // Parsing runs on microtasks; let I/O in now and then, or the in-flight chunk's database
          // replies (and the heartbeat) wait for a whole read buffer of rows to be parsed.
          else if ((rows.length + errors.length) % YIELD_EVERY_ROWS === 0) await new Promise(setImmediate);
        }
      } catch (err) {
        await written.catch(() => undefined); // no write left running behind a failure
        if (err instanceof CsvHeaderError) throw await fail('csv_header', err.message);
        if (!(err instanceof CsvError)) throw err;
        // Not CSV past some point (an unclosed quote): what came before is imported, the rest refused.
        const line = typeof err['lines'] === 'number' ? err['lines'] : lastLine + 1;
        errors.push({ line, field: 'file', reason: `${err.code}: ${err.message}; rows after this were not read` });
      }
      lastLine = Math.max(lastLine, facts.lines);
      await flush();
      await written;
      await db.transaction().execute(async (trx) => {
        await recordConsentImportProgress(trx, job.id, { ...progress, linesRead: facts.lines }, []);
        await finishConsentImport(trx, job.id, { status: 'completed' });
        await recordConsentImport(trx, job.account_id, { import_id: job.id, file_sha256: facts.sha256, api_key_prefix: job.api_key_prefix ?? '', rows_imported: progress.rowsImported, rows_unchanged: progress.rowsUnchanged, rows_refused: progress.rowsRefused });
      });
      return { ...progress, linesRead: facts.lines, status: 'completed' };
    },
  };
}
