import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { ConsentStatus, ContactRow, MessageRow } from './database.js';
import { MARKETING_PURPOSE } from './consent-repository.js';

/** One contact to create or update, keyed by (account, phone). */
export interface ContactUpsert {
  phoneE164: string;
  /** ISO 3166-1 alpha-2; null keeps the stored one. */
  country: string | null;
  /** IANA zone; null keeps the stored one. */
  timeZone: string | null;
  /** Merged over the stored attributes (new keys added, same keys overwritten). */
  attributes: Record<string, string>;
}

/** A contact with its current marketing consent (`none` when the ledger has nothing for it). */
export type ContactWithConsent = ContactRow & {
  consent_status: ConsentStatus | 'none';
  consent_occurred_at: Date | null;
};

/** A page of contacts; `nextCursor` is the last id when more may follow. */
export interface ContactPage {
  contacts: ContactWithConsent[];
  nextCursor: string | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be a contact id (uuid); other strings are simply not found. */
export function isUuid(id: string): boolean {
  return UUID_PATTERN.test(id);
}

/**
 * Creates or updates contacts in one multi-row statement. Rows are merged per phone first (later
 * rows win), because one INSERT … ON CONFLICT DO UPDATE cannot touch a row twice. A stored contact is
 * rewritten only when something changes, so re-importing the same data is a no-op.
 * @returns `changed`: contacts created or updated; `ids`: the contact id of every phone given.
 */
export async function upsertContacts(
  db: Db,
  accountId: string,
  rows: ContactUpsert[],
): Promise<{ changed: number; ids: Map<string, string> }> {
  if (rows.length === 0) return { changed: 0, ids: new Map() };
  const merged = new Map<string, ContactUpsert>();
  for (const r of rows) {
    const prev = merged.get(r.phoneE164);
    merged.set(
      r.phoneE164,
      prev
        ? {
            phoneE164: r.phoneE164,
            country: r.country ?? prev.country,
            timeZone: r.timeZone ?? prev.timeZone,
            attributes: { ...prev.attributes, ...r.attributes },
          }
        : r,
    );
  }
  const changed = await db
    .insertInto('contacts')
    .values(
      [...merged.values()].map((r) => ({
        id: randomUUID(),
        account_id: accountId,
        phone_e164: r.phoneE164,
        country: r.country,
        time_zone: r.timeZone,
        attributes: JSON.stringify(r.attributes),
        created_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'phone_e164'])
        .doUpdateSet({
          attributes: sql`contacts.attributes || excluded.attributes`,
          country: sql`coalesce(excluded.country, contacts.country)`,
          time_zone: sql`coalesce(excluded.time_zone, contacts.time_zone)`,
          updated_at: sql<Date>`now()`,
        })
        .where(
          sql<boolean>`(contacts.attributes || excluded.attributes) IS DISTINCT FROM contacts.attributes
            OR coalesce(excluded.country, contacts.country) IS DISTINCT FROM contacts.country
            OR coalesce(excluded.time_zone, contacts.time_zone) IS DISTINCT FROM contacts.time_zone`,
        ),
    )
    .returning('id')
    .execute();
  const found = await db
    .selectFrom('contacts')
    .select(['id', 'phone_e164'])
    .where('account_id', '=', accountId)
    .where('phone_e164', 'in', [...merged.keys()])
    .execute();
  return { changed: changed.length, ids: new Map(found.map((f) => [f.phone_e164, f.id])) };
}

function withConsent(db: Db) {
  return db
    .selectFrom('contacts as c')
    .leftJoin('consent_current as cc', (j) =>
      j.onRef('cc.contact_id', '=', 'c.id').on('cc.purpose', '=', MARKETING_PURPOSE),
    )
    .selectAll('c')
    .select([
      sql<ConsentStatus | 'none'>`coalesce(cc.status, 'none')`.as('consent_status'),
      'cc.occurred_at as consent_occurred_at',
    ]);
}

/**
 * A page of the account's contacts ordered by id (keyset pagination: `after` is the previous
 * page's `nextCursor`), optionally only the one with phone `phoneE164`.
 * @param limit page size, 1..1000.
 */
export async function listContacts(
  db: Db,
  accountId: string,
  opts: { limit: number; after?: string; phoneE164?: string },
): Promise<ContactPage> {
  let q = withConsent(db).where('c.account_id', '=', accountId);
  if (opts.after) q = q.where('c.id', '>', opts.after);
  if (opts.phoneE164) q = q.where('c.phone_e164', '=', opts.phoneE164);
  const rows = await q
    .orderBy('c.id')
    .limit(opts.limit + 1)
    .execute();
  const contacts = rows.slice(0, opts.limit);
  const last = contacts.at(-1);
  return { contacts, nextCursor: rows.length > opts.limit && last ? last.id : null };
}

/** One contact of the account with its current consent, or undefined (also for another account's). */
export async function findContact(
  db: Db,
  accountId: string,
  id: string,
): Promise<ContactWithConsent | undefined> {
  if (!isUuid(id)) return undefined;
  return withConsent(db).where('c.account_id', '=', accountId).where('c.id', '=', id).executeTakeFirst();
}

/** The contact's most recent outbound messages, newest first. */
export async function recentContactMessages(
  db: Db,
  accountId: string,
  contactId: string,
  limit = 20,
): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .orderBy('queued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
