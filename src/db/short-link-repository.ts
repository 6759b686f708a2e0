/**
 * SQL of short links (migration 0004): minted per message at composition, counted on redirect.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';

/** A link to store: its code, target and the message it belongs to. */
export interface NewShortLink {
  code: string;
  messageId: string;
  campaignId: string | null;
  accountId: string;
  url: string;
}

/**
 * Stores links whose message exists (a message lost to a concurrent insert on retry has no row, and
 * its links are dropped with it). Idempotent on the code.
 */
export async function insertShortLinks(db: Db, links: NewShortLink[]): Promise<void> {
  if (links.length === 0) return;
  const existing = new Set(
    (await db.selectFrom('messages').select('id').where('id', 'in', [...new Set(links.map((l) => l.messageId))]).execute()).map((r) => r.id),
  );
  const rows = links.filter((l) => existing.has(l.messageId));
  if (rows.length === 0) return;
  await db
    .insertInto('short_links')
    .values(rows.map((l) => ({ code: l.code, message_id: l.messageId, campaign_id: l.campaignId, account_id: l.accountId, url: l.url })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

/**
 * Counts one click of `code` and answers its target URL, or undefined for an unknown code. The
 * total goes up on every click; `first_clicked_at` marks the message as clicked (unique clicks).
 * Click times are stamped by the database, like `submitted_at` and `final_at`: the campaign
 * timeseries buckets them together, and no rule is judged by them.
 */
export async function recordClick(db: Db, code: string): Promise<string | undefined> {
  const row = await db
    .updateTable('short_links')
    .set({
      clicks: sql`clicks + 1`,
      first_clicked_at: sql`coalesce(first_clicked_at, now())`,
      last_clicked_at: sql`now()`,
    })
    .where('code', '=', code)
    .returning('url')
    .executeTakeFirst();
  return row?.url;
}
