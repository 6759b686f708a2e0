/**
 * Set-based writes of a consent import chunk (benchmarks.md S6): each is ONE statement whose rows
 * arrive as a few typed arrays expanded by `unnest`, instead of a multi-row VALUES list with one bind
 * parameter per cell. PostgreSQL parses and plans one small statement per chunk, the client sends
 * compact array literals, and the ledger's projection trigger (migration 0009) runs once per statement.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { ConsentStatus } from './database.js';
import type { ContactUpsert } from './contact-repository.js';
import { MARKETING_PURPOSE } from './consent-repository.js';

/**
 * Creates or updates contacts keyed by (account, phone) in one `INSERT … SELECT FROM unnest(…)
 * ON CONFLICT DO UPDATE`. Rows are merged per phone first (later rows win: country and time zone when
 * given, attributes merged key by key), because one statement cannot update a row twice. A stored
 * contact is rewritten only when something changes, so re-importing the same data changes nothing.
 * @returns contacts created or changed.
 */
export async function upsertContactsSet(db: Db, accountId: string, rows: ContactUpsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const merged = new Map<string, ContactUpsert>();
  for (const r of rows) {
    const prev = merged.get(r.phoneE164);
    merged.set(
      r.phoneE164,
      prev
        ? { phoneE164: r.phoneE164, country: r.country ?? prev.country, timeZone: r.timeZone ?? prev.timeZone, attributes: { ...prev.attributes, ...r.attributes } }
        : r,
    );
  }
  const phones: string[] = [];
  const countries: (string | null)[] = [];
  const zones: (string | null)[] = [];
  const attributes: string[] = [];
  for (const r of merged.values()) {
    phones.push(r.phoneE164);
    countries.push(r.country);
    zones.push(r.timeZone);
    attributes.push(JSON.stringify(r.attributes));
  }
  const now = new Date().toISOString();
  const { rows: result } = await sql<{ changed: number }>`
    WITH written AS (
      INSERT INTO contacts AS c (id, account_id, phone_e164, country, time_zone, attributes, created_at, updated_at)
      SELECT gen_random_uuid(), ${accountId}::uuid, u.phone, u.country, u.time_zone, u.attributes, ${now}::timestamptz, ${now}::timestamptz
        FROM unnest(${phones}::text[], ${countries}::text[], ${zones}::text[], ${attributes}::jsonb[]) AS u(phone, country, time_zone, attributes)
      ON CONFLICT (account_id, phone_e164) DO UPDATE
        SET attributes = c.attributes || excluded.attributes,
            country = coalesce(excluded.country, c.country),
            time_zone = coalesce(excluded.time_zone, c.time_zone),
            updated_at = ${now}::timestamptz
        WHERE (c.attributes || excluded.attributes) IS DISTINCT FROM c.attributes
           OR coalesce(excluded.country, c.country) IS DISTINCT FROM c.country
           OR coalesce(excluded.time_zone, c.time_zone) IS DISTINCT FROM c.time_zone
      RETURNING 1
    )
    SELECT count(*)::int AS changed FROM written`.execute(db);
  return result[0]?.changed ?? 0;
}

/** One imported consent fact; its contact is found by phone (upserted earlier in the transaction). */
export interface ImportedConsentEvent {
  phoneE164: string;
  status: ConsentStatus;
  occurredAt: Date;
  /** 1-based line of the source row, stored in the proof. */
  line: number;
  /** True when the row had no timestamp and `occurredAt` is the import time (proof says so). */
  occurredAtAssumed: boolean;
  /** See consentDedupeKey; unique per account. */
  dedupeKey: string;
}

/**
 * Appends imported consent events (source `csv_import`, purpose `marketing`) in one `INSERT … SELECT
 * FROM unnest(…) JOIN contacts … ON CONFLICT (account, dedupe_key) DO NOTHING`, in the given order (a
 * key repeated within `events` is appended once, the first time). Proof per row: `import_id`, `line`,
 * then `proof` (import-wide: API key prefix, file name and hash…), then `occurred_at_assumed:
 * 'import_time'` for undated rows. The statement-level projection trigger (0009) updates
 * consent_current: the latest occurred_at wins.
 * @returns how many events were appended, per status.
 * @throws pg DatabaseError (not-null violation on contact_id) when an event's contact does not exist:
 *   the caller upserts contacts first, in the same transaction.
 */
export async function appendImportedConsentEvents(
  db: Db,
  ctx: { accountId: string; importId: string; proof: Record<string, unknown> },
  events: ImportedConsentEvent[],
): Promise<Record<ConsentStatus, number>> {
  const appended: Record<ConsentStatus, number> = { opted_in: 0, opted_out: 0 };
  if (events.length === 0) return appended;
  const phones: string[] = [];
  const statuses: string[] = [];
  const occurred: string[] = [];
  const lines: number[] = [];
  const assumed: boolean[] = [];
  const keys: string[] = [];
  for (const e of events) {
    phones.push(e.phoneE164);
    statuses.push(e.status);
    occurred.push(e.occurredAt.toISOString());
    lines.push(e.line);
    assumed.push(e.occurredAtAssumed);
    keys.push(e.dedupeKey);
  }
  const { rows } = await sql<{ status: ConsentStatus; n: number }>`
    WITH u AS (
      -- One unique-index probe per row (a join could hash every contact of the account, per chunk).
      SELECT u.*, (SELECT c.id FROM contacts c WHERE c.account_id = ${ctx.accountId}::uuid AND c.phone_e164 = u.phone) AS contact_id
        FROM unnest(${phones}::text[], ${statuses}::text[], ${occurred}::timestamptz[], ${lines}::bigint[], ${assumed}::boolean[], ${keys}::text[])
             WITH ORDINALITY AS u(phone, status, occurred_at, line, assumed, dedupe_key, ord)
    ), appended AS (
      INSERT INTO consent_events (account_id, contact_id, phone_e164, purpose, status, source, occurred_at, recorded_at, proof, dedupe_key)
      SELECT ${ctx.accountId}::uuid, u.contact_id, u.phone, ${MARKETING_PURPOSE}, u.status, 'csv_import', u.occurred_at, now(),
             jsonb_build_object('import_id', ${ctx.importId}::text, 'line', u.line) || ${JSON.stringify(ctx.proof)}::jsonb
               || CASE WHEN u.assumed THEN '{"occurred_at_assumed":"import_time"}'::jsonb ELSE '{}'::jsonb END,
             u.dedupe_key
        FROM u
       ORDER BY u.ord
      ON CONFLICT (account_id, dedupe_key) DO NOTHING
      RETURNING status
    )
    SELECT status, count(*)::int AS n FROM appended GROUP BY status`.execute(db);
  for (const r of rows) appended[r.status] = r.n;
  return appended;
}
