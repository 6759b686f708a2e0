/**
 * SQL of the `senders` table (0001, MPS fractional since 0010): register, list, read and change an
 * account's senders.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import { isUuid } from './contact-repository.js';
import type { SendersTable } from './database.js';

/** A sender as stored. */
export type SenderRecord = Selectable<SendersTable>;

/** What {@link insertSender} stores (address and country already checked, sender-address.ts). */
export interface NewSender {
  accountId: string;
  connectionId: string;
  address: string;
  type: SenderRecord['type'];
  country: string | null;
  mps: number;
}

/** Thrown by {@link insertSender} when the account already has a sender with that address. */
export class DuplicateSenderError extends Error {
  readonly code = 'duplicate_sender';
  override readonly name = 'DuplicateSenderError';
  constructor(readonly existingId: string, address: string) {
    super(`the account already has a sender ${address} (${existingId})`);
  }
}

/**
 * Inserts a sender.
 * @throws {DuplicateSenderError} when (account, address) exists (UNIQUE in 0001); `ON CONFLICT DO
 *   NOTHING` makes a concurrent duplicate land here too instead of as a unique violation.
 */
export async function insertSender(db: Db, s: NewSender): Promise<SenderRecord> {
  const values = { id: randomUUID(), account_id: s.accountId, connection_id: s.connectionId, address: s.address, type: s.type, country: s.country, mps: s.mps };
  const row = await db
    .insertInto('senders')
    .values(values)
    .onConflict((oc) => oc.columns(['account_id', 'address']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return row;
  const existing = await db.selectFrom('senders').select('id').where('account_id', '=', s.accountId).where('address', '=', s.address).executeTakeFirstOrThrow();
  throw new DuplicateSenderError(existing.id, s.address);
}

/** The account's senders, oldest first. */
export async function listSenders(db: Db, accountId: string): Promise<SenderRecord[]> {
  return db.selectFrom('senders').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
}

/** One sender of the account, or undefined (also for another account's or a malformed id). */
export async function findSender(db: Db, accountId: string, id: string): Promise<SenderRecord | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('senders').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's senders among `ids` (malformed ids and other accounts' are simply absent). */
export async function sendersByIds(db: Db, accountId: string, ids: readonly string[]): Promise<SenderRecord[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return db.selectFrom('senders').selectAll().where('account_id', '=', accountId).where('id', 'in', valid).execute();
}

/** Changes a sender's MPS and/or country. @returns the updated row, or undefined if not the account's. */
export async function updateSender(db: Db, accountId: string, id: string, patch: { mps?: number; country?: string | null }): Promise<SenderRecord | undefined> {
  if (!isUuid(id)) return undefined;
  if (patch.mps === undefined && patch.country === undefined) return findSender(db, accountId, id);
  return db
    .updateTable('senders')
    .set({ ...(patch.mps !== undefined ? { mps: patch.mps } : {}), ...(patch.country !== undefined ? { country: patch.country } : {}) })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
