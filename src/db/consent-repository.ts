import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import type { Db } from './connection.js';
import type { ConsentStatus } from './database.js';

/** Purpose of every consent event smsflow records today (the ledger supports others). */
export const MARKETING_PURPOSE = 'marketing';

/** One consent ledger entry to append. */
export interface NewConsentEvent {
  accountId: string;
  contactId: string;
  phoneE164: string;
  status: ConsentStatus;
  /** What the consent covers: `marketing` (default) or `transactional` (like subscription groups). */
  purpose?: string;
  /** Where it came from: `csv_import`, `api`, `keyword` (MO STOP/START)… */
  source: string;
  /** When the person gave or withdrew consent (not when we recorded it). */
  occurredAt: Date;
  /** Evidence: file line, API key prefix, IP, user agent… Never secrets. */
  proof: Record<string, unknown>;
  /** See {@link consentDedupeKey}; unique per account. */
  dedupeKey: string;
}

/** A ledger entry as read back. */
export interface ConsentEventRecord {
  id: string;
  status: ConsentStatus;
  purpose: string;
  source: string;
  occurred_at: Date;
  recorded_at: Date;
  proof: Record<string, unknown>;
}

/**
 * The ledger's dedupe key: hex SHA-256 of `phone|status|occurred_at` (occurred_at as ISO 8601 UTC
 * with milliseconds), so re-recording the same fact (re-importing a file) appends nothing. A source
 * row without a timestamp (an undated opt-out) passes `'undated'`: it is recorded once, at the time
 * it was first seen, however often the file is imported again.
 */
export function consentDedupeKey(
  phoneE164: string,
  status: ConsentStatus,
  occurredAt: Date | 'undated',
): string {
  const at = occurredAt === 'undated' ? occurredAt : occurredAt.toISOString();
  return createHash('sha256').update(`${phoneE164}|${status}|${at}`).digest('hex');
}

/**
 * Appends consent events in one multi-row INSERT, skipping any whose `(account, dedupe_key)` exists
 * (also duplicates within `events`). The ledger trigger updates `consent_current` in the same
 * statement: the event with the latest `occurred_at` wins.
 * @returns the dedupe keys actually appended.
 */
export async function appendConsentEvents(db: Db, events: NewConsentEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto('consent_events')
    .values(
      events.map((e) => ({
        account_id: e.accountId,
        contact_id: e.contactId,
        phone_e164: e.phoneE164,
        purpose: e.purpose ?? MARKETING_PURPOSE,
        status: e.status,
        source: e.source,
        occurred_at: e.occurredAt,
        recorded_at: sql<Date>`now()`,
        proof: JSON.stringify(e.proof),
        dedupe_key: e.dedupeKey,
      })),
    )
    .onConflict((oc) => oc.columns(['account_id', 'dedupe_key']).doNothing())
    .returning('dedupe_key')
    .execute();
  return rows.map((r) => r.dedupe_key);
}

/** A contact's marketing consent ledger, newest first (by occurred_at, then ledger id). */
export async function consentHistory(
  db: Db,
  accountId: string,
  contactId: string,
): Promise<ConsentEventRecord[]> {
  return db
    .selectFrom('consent_events')
    .select(['id', 'status', 'purpose', 'source', 'occurred_at', 'recorded_at', 'proof'])
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** A contact's current marketing consent (from `consent_current`), or undefined when never recorded. */
export async function currentConsent(
  db: Db,
  contactId: string,
): Promise<{ status: ConsentStatus; occurred_at: Date } | undefined> {
  const row = await db
    .selectFrom('consent_current')
    .select(['status', 'occurred_at'])
    .where('contact_id', '=', contactId)
    .where('purpose', '=', MARKETING_PURPOSE)
    .executeTakeFirst();
  return row && { status: row.status, occurred_at: row.occurred_at };
}

/**
 * Records that a consent file was imported, in `user_events` (type `consent_import`): the file's
 * SHA-256 is known only once the whole stream is read, after its rows' ledger entries were written
 * with the import id, so this row ties that id to the file.
 */
export async function recordConsentImport(
  db: Db,
  accountId: string,
  payload: { import_id: string; file_sha256: string; api_key_prefix: string } & Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('user_events')
    .values({
      account_id: accountId,
      type: 'consent_import',
      payload: JSON.stringify(payload),
      occurred_at: sql<Date>`now()`,
    })
    .execute();
}

/**
 * Appends one consent event (see {@link appendConsentEvents}).
 * @returns the ledger entry: the new one, or the existing one with the same dedupe key.
 */
export async function appendConsentEvent(db: Db, event: NewConsentEvent): Promise<ConsentEventRecord> {
  await appendConsentEvents(db, [event]);
  return db
    .selectFrom('consent_events')
    .select(['id', 'status', 'purpose', 'source', 'occurred_at', 'recorded_at', 'proof'])
    .where('account_id', '=', event.accountId)
    .where('dedupe_key', '=', event.dedupeKey)
    .executeTakeFirstOrThrow();
}

/**
 * Of the given messages, those whose contact is not opted in for `purpose` right now (opted out, or
 * no consent at all): the send-time consent check, per chunk before the claim and per message before
 * its instant (send-consent-guard.ts).
 * @returns their message ids.
 */
export async function messagesWithoutConsent(db: Db, messageIds: string[], purpose: string): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('messages as m')
    .leftJoin('consent_current as cc', (j) => j.onRef('cc.contact_id', '=', 'm.contact_id').on('cc.purpose', '=', purpose))
    .select('m.id')
    .where('m.id', 'in', messageIds)
    .where((eb) => eb.or([eb('cc.status', 'is', null), eb('cc.status', '<>', 'opted_in')]))
    .execute();
  return new Set(rows.map((r) => r.id));
}
