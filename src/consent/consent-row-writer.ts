import type { Db } from '../db/connection.js';
import { writeConsentChunk } from '../db/consent-bulk-writes.js';
import type { ImportedConsentEvent } from '../db/consent-bulk-writes.js';
import { consentDedupeKey } from '../db/consent-repository.js';
import type { ConsentCsvRecord } from './consent-csv.js';

/** What writing a chunk of rows did. */
export interface ConsentWriteCounts {
  /** Contacts created or changed (re-importing the same data changes none). */
  imported: number;
  opted_in: number;
  opted_out: number;
  /** Rows whose ledger entry already existed (a re-import) or repeated one in the same chunk. */
  duplicates: number;
}

/** Who and what imported the rows, stored as proof with each ledger entry. */
export interface ConsentImportContext {
  accountId: string;
  importId: string;
  /** When the import started: the date of undated opt-outs. */
  importedAt: Date;
  /** Request proof (API key prefix, IP, user agent) and, for files, the file name. */
  proof: Record<string, unknown>;
}

/**
 * Writes validated CSV rows in the caller's transaction, set-based (one statement per call, whatever
 * the row count: writeConsentChunk): contacts upserted on (account, phone) with attributes merged, and one ledger entry
 * per opt-in/opt-out (source `csv_import`, proof with import id and line, dedupe key on phone + status +
 * timestamp so a re-import appends nothing; an undated row is dated at import time but keyed `undated`,
 * so it is recorded once). consent_current follows by the ledger's statement trigger (latest wins).
 */
export async function writeConsentRecords(trx: Db, ctx: ConsentImportContext, rows: ConsentCsvRecord[]): Promise<ConsentWriteCounts> {
  const counts: ConsentWriteCounts = { imported: 0, opted_in: 0, opted_out: 0, duplicates: 0 };
  if (rows.length === 0) return counts;
  const contacts = rows.map((r) => ({ phoneE164: r.phoneE164, country: r.country ?? null, timeZone: r.timeZone ?? null, attributes: r.attributes }));
  const events: ImportedConsentEvent[] = [];
  for (const r of rows) {
    if (r.consent === 'none') continue;
    events.push({
      phoneE164: r.phoneE164,
      status: r.consent,
      occurredAt: r.optedInAt ?? ctx.importedAt,
      line: r.line,
      occurredAtAssumed: !r.optedInAt,
      dedupeKey: consentDedupeKey(r.phoneE164, r.consent, r.optedInAt ?? 'undated'),
    });
  }
  const { contactsChanged, appended } = await writeConsentChunk(trx, ctx, contacts, events);
  counts.imported = contactsChanged;
  counts.opted_in = appended.opted_in;
  counts.opted_out = appended.opted_out;
  // A re-imported row, or one repeating another of the same call: its ledger entry exists.
  counts.duplicates = events.length - appended.opted_in - appended.opted_out;
  return counts;
}
