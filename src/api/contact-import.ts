import { createHash, randomUUID } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { CsvError } from 'csv-parse';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import { recordConsentImport } from '../db/consent-repository.js';
import { writeConsentRecords } from '../consent/consent-row-writer.js';
import { CsvHeaderError, parseConsentCsv } from '../consent/consent-csv.js';
import type { ConsentCsvRecord } from '../consent/consent-csv.js';
import type { CountryCode } from '../domain/phone-number.js';
import { PayloadTooLargeError, ValidationError } from './api-error.js';

/** A row the import refused, with its 1-based physical line (the header is line 1). */
export interface ImportRowError {
  line: number;
  /** `phone`, `opted_in_at`, `consent`, `country`, `time_zone`, `columns`, or `file` for a CSV syntax error. */
  field: string;
  reason: string;
}

/**
 * What an import did. For every row exactly one of: an error, `skipped_no_consent`, a new ledger
 * entry (`opted_in` / `opted_out`), or `duplicates` (its ledger entry existed, e.g. a re-import).
 */
export interface ContactImportSummary {
  /** Identifies this import; every ledger entry it wrote has it in `proof.import_id`. */
  import_id: string;
  /** SHA-256 (hex) of the bytes received. */
  file_sha256: string;
  /** Data rows read (blank lines excluded). */
  rows: number;
  /** Contacts created or changed (a re-import of the same data changes none). */
  imported: number;
  opted_in: number;
  opted_out: number;
  duplicates: number;
  skipped_no_consent: number;
  /** Refused rows, the first {@link MAX_LISTED_ERRORS}; `error_count` has the total. */
  errors: ImportRowError[];
  error_count: number;
}

/** Options of {@link importContactsCsv}. */
export interface ContactImportOptions {
  accountId: string;
  defaultCountry?: CountryCode;
  /** Evidence stored with every ledger entry: who imported, from where. */
  proof: { api_key_prefix: string; ip?: string; user_agent?: string };
  /** Body size limit, bytes; beyond it the import stops with {@link PayloadTooLargeError}. */
  maxBytes: number;
  /** Rows per multi-row INSERT (each chunk commits on its own); default 1,000. */
  chunkSize?: number;
  /** The business clock (src/clock.ts): the import time (undated opt-outs) and the "not in the future" check. */
  now: Clock;
}

/** Errors listed in a summary; more are only counted. */
export const MAX_LISTED_ERRORS = 1000;

/** Opt-in timestamps may be this far ahead of our clock (skew), ms. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

async function* metered(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  hash: Hash,
): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new PayloadTooLargeError(maxBytes);
    hash.update(chunk);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/**
 * Imports a consent CSV (see `parseConsentCsv` for the format), streaming: contacts are upserted on
 * (account, phone) with attributes merged and country/time zone kept when a row has none, and each
 * opt-in/opt-out is appended to the consent ledger (source `csv_import`, dedupe key on phone, status
 * and timestamp, so importing the same file again appends nothing). Rows are written in chunks, each
 * in its own transaction; a bad row is reported and never blocks the others. An opt-out without a
 * timestamp is recorded at import time; an opt-in dated in the future is refused, because the ledger's
 * latest event wins and it would outrank a real STOP.
 *
 * @param body the request body stream; null is an empty file.
 * @throws {ValidationError} (field `phone`) when the header has no phone column or the file is empty.
 * @throws {PayloadTooLargeError} when the body exceeds `maxBytes`; chunks already written stay
 *   (re-importing is harmless).
 */
export async function importContactsCsv(
  db: Db,
  body: AsyncIterable<Uint8Array> | null,
  opts: ContactImportOptions,
): Promise<ContactImportSummary> {
  const chunkSize = opts.chunkSize ?? 1000;
  const importId = randomUUID();
  const importedAt = opts.now();
  const hash = createHash('sha256');
  const summary: ContactImportSummary = {
    import_id: importId,
    file_sha256: '',
    rows: 0,
    imported: 0,
    opted_in: 0,
    opted_out: 0,
    duplicates: 0,
    skipped_no_consent: 0,
    errors: [],
    error_count: 0,
  };
  const refuse = (e: ImportRowError) => {
    summary.error_count += 1;
    if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push(e);
  };

  const flush = async (rows: ConsentCsvRecord[]) => {
    if (rows.length === 0) return;
    const counts = await db.transaction().execute((trx) => writeConsentRecords(trx, { accountId: opts.accountId, importId, importedAt, proof: opts.proof }, rows));
    summary.imported += counts.imported;
    summary.opted_in += counts.opted_in;
    summary.opted_out += counts.opted_out;
    summary.duplicates += counts.duplicates;
  };

  let pending: ConsentCsvRecord[] = [];
  try {
    const input = metered(body ?? emptyBody(), opts.maxBytes, hash);
    for await (const row of parseConsentCsv(
      input,
      opts.defaultCountry ? { defaultCountry: opts.defaultCountry } : {},
    )) {
      summary.rows += 1;
      if (!row.ok) {
        refuse({ line: row.line, field: row.field, reason: row.reason });
      } else if (row.optedInAt && row.optedInAt.getTime() > importedAt.getTime() + MAX_CLOCK_SKEW_MS) {
        refuse({ line: row.line, field: 'opted_in_at', reason: 'timestamp is in the future' });
      } else {
        if (row.consent === 'none') summary.skipped_no_consent += 1;
        pending.push(row);
        if (pending.length >= chunkSize) {
          await flush(pending);
          pending = [];
        }
      }
    }
  } catch (err) {
    if (err instanceof CsvHeaderError) {
      throw new ValidationError([{ field: err.headers.length > 0 ? 'phone' : 'body', reason: err.message }]);
    }
    // Not CSV past some point (e.g. an unclosed quote): keep what was read before it, report the rest.
    if (!(err instanceof CsvError)) throw err;
    const line = typeof err['lines'] === 'number' ? err['lines'] : 0;
    refuse({ line, field: 'file', reason: `${err.code}: ${err.message}; rows after this were not read` });
  }
  await flush(pending);
  summary.file_sha256 = hash.digest('hex');
  const { errors: _listed, ...counts } = summary;
  await recordConsentImport(db, opts.accountId, { ...counts, api_key_prefix: opts.proof.api_key_prefix });
  return summary;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
