import type { Db } from '../db/connection.js';
import { appendConsentEvents, consentDedupeKey } from '../db/consent-repository.js';
import type { NewConsentEvent } from '../db/consent-repository.js';
import { upsertContacts } from '../db/contact-repository.js';
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
 * Writes validated CSV rows in the caller's transaction: contacts upserted on (account, phone) with
 * attributes merged, and one ledger entry per opt-in/opt-out (source `csv_import`, proof with import id
 * and line, dedupe key on phone + status + timestamp so a re-import appends nothing; an undated row is
 * dated at import time but keyed `undated`, so it is recorded once).
 */
export async function writeConsentRecords(trx: Db, ctx: ConsentImportContext, rows: ConsentCsvRecord[]): Promise<ConsentWriteCounts> {
  const counts: ConsentWriteCounts = { imported: 0, opted_in: 0, opted_out: 0, duplicates: 0 };
  if (rows.length === 0) return counts;
  const { changed, ids } = await upsertContacts(
    trx,
    ctx.accountId,
    rows.map((r) => ({ phoneE164: r.phoneE164, country: r.country ?? null, timeZone: r.timeZone ?? null, attributes: r.attributes })),
  );
  counts.imported = changed;
  const events: NewConsentEvent[] = [];
  for (const r of rows) {
    if (r.consent === 'none') continue;
    const contactId = ids.get(r.phoneE164);
    if (contactId === undefined) throw new Error(`contact ${r.phoneE164} missing after upsert`);
    events.push({
      accountId: ctx.accountId,
      contactId,
      phoneE164: r.phoneE164,
      status: r.consent,
      source: 'csv_import',
      occurredAt: r.optedInAt ?? ctx.importedAt,
      proof: { import_id: ctx.importId, line: r.line, ...ctx.proof, ...(r.optedInAt ? {} : { occurred_at_assumed: 'import_time' }) },
      dedupeKey: consentDedupeKey(r.phoneE164, r.consent, r.optedInAt ?? 'undated'),
    });
  }
  const appended = new Set(await appendConsentEvents(trx, events));
  for (const e of events) {
    // Duplicates inside one chunk share a key: only the first counts as new.
    if (appended.delete(e.dedupeKey)) counts[e.status] += 1;
    else counts.duplicates += 1;
  }
  return counts;
}
