/**
 * Set-based write of a consent import chunk (benchmarks.md S6): contacts and ledger entries in ONE
 * statement whose rows arrive as a few typed arrays expanded by `unnest`, instead of multi-row VALUES
 * lists with one bind parameter per cell and a second query for the contact ids. PostgreSQL parses and
 * plans one small statement per chunk, and the ledger's projection trigger (migration 0009) runs once.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { ConsentStatus } from './database.js';
import type { ContactUpsert } from './contact-repository.js';
import { MARKETING_PURPOSE } from './consent-repository.js';

/** One imported consent fact; its contact is the chunk's contact with the same phone. */
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

/** What {@link writeConsentChunk} changed. */
export interface ConsentChunkCounts {
  /** Contacts created or changed (re-importing the same data changes none). */
  contactsChanged: number;
  /** Ledger entries appended, per status; the other events already existed (same dedupe key). */
  appended: Record<ConsentStatus, number>;
}

/**
 * Writes one chunk in one statement:
 * - contacts keyed by (account, phone): `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE`, rows
 *   merged per phone first (later rows win: country and time zone when given, attributes merged key by
 *   key) because one statement cannot update a row twice; a stored contact is rewritten only when
 *   something changes, so re-importing the same data changes nothing;
 * - ledger entries (source `csv_import`, purpose `marketing`): `INSERT … ON CONFLICT (account,
 *   dedupe_key) DO NOTHING` in the given order (a key repeated within `events` is appended once, the
 *   first time). The contact id comes from the contacts insert's RETURNING (created or changed rows) or
 *   else from the unique index (unchanged rows, visible in the statement's snapshot). Proof per row:
 *   `import_id`, `line`, then `proof` (import-wide: API key prefix, file name and hash…), then
 *   `occurred_at_assumed: 'import_time'` for undated rows.
 * consent_current follows by the ledger's statement trigger (0009): the latest occurred_at wins.
 * Sets `jit = off` for the rest of the caller's transaction.
 * @throws pg DatabaseError (not-null violation on contact_id) when an event's phone has no contact in
 *   `contacts` nor in the account: callers pass every event's contact.
 */
export async function writeConsentChunk(
  db: Db,
  ctx: { accountId: string; importId: string; proof: Record<string, unknown> },
  contacts: ContactUpsert[],
  events: ImportedConsentEvent[],
): Promise<ConsentChunkCounts> {
  const merged = new Map<string, ContactUpsert>();
  for (const r of contacts) {
    const prev = merged.get(r.phoneE164);
    merged.set(
      r.phoneE164,
      prev
        ? { phoneE164: r.phoneE164, country: r.country ?? prev.country, timeZone: r.timeZone ?? prev.timeZone, attributes: { ...prev.attributes, ...r.attributes } }
        : r,
    );
  }
  const c = { phones: [] as string[], countries: [] as (string | null)[], zones: [] as (string | null)[], attributes: [] as string[] };
  for (const r of merged.values()) {
    c.phones.push(r.phoneE164);
    c.countries.push(r.country);
    c.zones.push(r.timeZone);
    c.attributes.push(JSON.stringify(r.attributes));
  }
  const e = { phones: [] as string[], statuses: [] as string[], occurred: [] as string[], lines: [] as number[], assumed: [] as boolean[], keys: [] as string[] };
  for (const ev of events) {
    e.phones.push(ev.phoneE164);
    e.statuses.push(ev.status);
    e.occurred.push(ev.occurredAt.toISOString());
    e.lines.push(ev.line);
    e.assumed.push(ev.occurredAtAssumed);
    e.keys.push(ev.dedupeKey);
  }
  // The planner cannot see into the arrays and over-estimates the join (cost > jit_above_cost), so it
  // JIT-compiles the statement: ~250 ms per chunk measured, more than the writing. Off for this
  // transaction (SET LOCAL); it changes no result.
  await sql`SET LOCAL jit = off`.execute(db);
  const { rows } = await sql<{ contacts_changed: number; opted_in: number; opted_out: number }>`
    WITH written AS (
      INSERT INTO contacts AS c (id, account_id, phone_e164, country, time_zone, attributes, created_at, updated_at)
      SELECT gen_random_uuid(), ${ctx.accountId}::uuid, u.phone, u.country, u.time_zone, u.attributes, now(), now()
        FROM unnest(${c.phones}::text[], ${c.countries}::text[], ${c.zones}::text[], ${c.attributes}::jsonb[]) AS u(phone, country, time_zone, attributes)
      ON CONFLICT (account_id, phone_e164) DO UPDATE
        SET attributes = c.attributes || excluded.attributes,
            country = coalesce(excluded.country, c.country),
            time_zone = coalesce(excluded.time_zone, c.time_zone),
            updated_at = now()
        WHERE (c.attributes || excluded.attributes) IS DISTINCT FROM c.attributes
           OR coalesce(excluded.country, c.country) IS DISTINCT FROM c.country
           OR coalesce(excluded.time_zone, c.time_zone) IS DISTINCT FROM c.time_zone
      RETURNING c.id, c.phone_e164
    ), appended AS (
      INSERT INTO consent_events (account_id, contact_id, phone_e164, purpose, status, source, occurred_at, recorded_at, proof, dedupe_key)
      SELECT ${ctx.accountId}::uuid,
             -- one unique-index probe per unchanged contact (a join could hash every contact of the account)
             coalesce(w.id, (SELECT k.id FROM contacts k WHERE k.account_id = ${ctx.accountId}::uuid AND k.phone_e164 = u.phone)),
             u.phone, ${MARKETING_PURPOSE}, u.status, 'csv_import', u.occurred_at, now(),
             jsonb_build_object('import_id', ${ctx.importId}::text, 'line', u.line) || ${JSON.stringify(ctx.proof)}::jsonb
               || CASE WHEN u.assumed THEN '{"occurred_at_assumed":"import_time"}'::jsonb ELSE '{}'::jsonb END,
             u.dedupe_key
        FROM unnest(${e.phones}::text[], ${e.statuses}::text[], ${e.occurred}::timestamptz[], ${e.lines}::bigint[], ${e.assumed}::boolean[], ${e.keys}::text[])
             WITH ORDINALITY AS u(phone, status, occurred_at, line, assumed, dedupe_key, ord)
        LEFT JOIN written w ON w.phone_e164 = u.phone
       ORDER BY u.ord
      ON CONFLICT (account_id, dedupe_key) DO NOTHING
      RETURNING status
    )
    SELECT (SELECT count(*) FROM written)::int AS contacts_changed,
           count(*) FILTER (WHERE status = 'opted_in')::int AS opted_in,
           count(*) FILTER (WHERE status = 'opted_out')::int AS opted_out
      FROM appended`.execute(db);
  const r = rows[0];
  return { contactsChanged: r?.contacts_changed ?? 0, appended: { opted_in: r?.opted_in ?? 0, opted_out: r?.opted_out ?? 0 } };
}
