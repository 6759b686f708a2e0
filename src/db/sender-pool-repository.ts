/**
 * SQL of sender pools (migration 0010): pools and their members, and the sticky sender of each
 * contact per pool.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Generated, Selectable } from 'kysely';
import type { Db } from './connection.js';
import { isUuid } from './contact-repository.js';
import type { SenderRecord } from './sender-repository.js';

/** Row type of `sender_pools` (kept here: the table belongs to sender pools). */
export interface SenderPoolsTable {
  id: string;
  account_id: string;
  name: string;
  sticky_sender: Generated<boolean>;
  geomatch: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Row type of `sender_pool_members`. */
export interface SenderPoolMembersTable {
  pool_id: string;
  sender_id: string;
  added_at: Generated<Date>;
}

/** Row type of `sender_sticky_assignments`: one sender per (pool, contact). */
export interface SenderStickyAssignmentsTable {
  pool_id: string;
  contact_id: string;
  sender_id: string;
  assigned_at: Generated<Date>;
}

const poolDb = (db: Db) =>
  db.withTables<{ sender_pools: SenderPoolsTable; sender_pool_members: SenderPoolMembersTable; sender_sticky_assignments: SenderStickyAssignmentsTable }>();

/** A pool with its member senders (in the order they joined, then registered). */
export type SenderPoolRecord = Selectable<SenderPoolsTable> & { members: SenderRecord[] };

/** Thrown when a change would leave a pool without senders. */
export class EmptySenderPoolError extends Error {
  readonly code = 'empty_sender_pool';
  override readonly name = 'EmptySenderPoolError';
}

/** The member senders of pools, by pool id. */
async function membersOf(db: Db, poolIds: readonly string[]): Promise<Map<string, SenderRecord[]>> {
  const out = new Map<string, SenderRecord[]>(poolIds.map((id) => [id, []]));
  if (poolIds.length === 0) return out;
  const rows = await poolDb(db)
    .selectFrom('sender_pool_members as m')
    .innerJoin('senders as s', 's.id', 'm.sender_id')
    .selectAll('s')
    .select('m.pool_id')
    .where('m.pool_id', 'in', poolIds)
    .orderBy('m.added_at')
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
  for (const { pool_id, ...sender } of rows) out.get(pool_id)?.push(sender);
  return out;
}

/** Creates a pool with its members (senders already checked to be the account's). */
export async function insertSenderPool(
  db: Db,
  p: { accountId: string; name: string; stickySender: boolean; geomatch: boolean; senderIds: readonly string[] },
): Promise<SenderPoolRecord> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await poolDb(trx).insertInto('sender_pools').values({ id, account_id: p.accountId, name: p.name, sticky_sender: p.stickySender, geomatch: p.geomatch }).execute();
    await poolDb(trx).insertInto('sender_pool_members').values(p.senderIds.map((sender_id) => ({ pool_id: id, sender_id }))).execute();
  });
  return (await findSenderPool(db, p.accountId, id))!;
}

/** The account's pools with their members, oldest first. */
export async function listSenderPools(db: Db, accountId: string): Promise<SenderPoolRecord[]> {
  const pools = await poolDb(db).selectFrom('sender_pools').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  const members = await membersOf(db, pools.map((p) => p.id));
  return pools.map((p) => ({ ...p, members: members.get(p.id) ?? [] }));
}

/** One pool of the account with its members, or undefined (also another account's). */
export async function findSenderPool(db: Db, accountId: string, id: string): Promise<SenderPoolRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const pool = await poolDb(db).selectFrom('sender_pools').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!pool) return undefined;
  return { ...pool, members: (await membersOf(db, [id])).get(id) ?? [] };
}

/**
 * Changes a pool's name and switches, adds and removes members, in one transaction (the pool row is
 * locked, so concurrent edits apply one after the other). Adding a member twice or removing a
 * non-member changes nothing. Sticky assignments to a removed sender stay but no longer apply (the
 * sticky rule requires membership) and are replaced on the contact's next message.
 * @returns the pool, or undefined when it is not the account's.
 * @throws {EmptySenderPoolError} when the pool would be left without senders.
 */
export async function updateSenderPool(
  db: Db,
  accountId: string,
  id: string,
  patch: { name?: string; stickySender?: boolean; geomatch?: boolean; add?: readonly string[]; remove?: readonly string[] },
): Promise<SenderPoolRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const found = await db.transaction().execute(async (trx) => {
    const pool = await poolDb(trx).selectFrom('sender_pools').select('id').where('account_id', '=', accountId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!pool) return false;
    await poolDb(trx)
      .updateTable('sender_pools')
      .set({
        updated_at: sql<Date>`now()`,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.stickySender !== undefined ? { sticky_sender: patch.stickySender } : {}),
        ...(patch.geomatch !== undefined ? { geomatch: patch.geomatch } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (patch.add?.length) {
      await poolDb(trx).insertInto('sender_pool_members').values(patch.add.map((sender_id) => ({ pool_id: id, sender_id }))).onConflict((oc) => oc.doNothing()).execute();
    }
    if (patch.remove?.length) await poolDb(trx).deleteFrom('sender_pool_members').where('pool_id', '=', id).where('sender_id', 'in', patch.remove).execute();
    const left = await poolDb(trx).selectFrom('sender_pool_members').select(sql<number>`count(*)::int`.as('n')).where('pool_id', '=', id).executeTakeFirstOrThrow();
    if (left.n === 0) throw new EmptySenderPoolError('a sender pool keeps at least one sender');
    return true;
  });
  return found ? findSenderPool(db, accountId, id) : undefined;
}

/** A pool's settings and its members on one provider connection, as a campaign's batches use them. */
export async function loadPoolForConnection(
  db: Db,
  poolId: string,
  connectionId: string,
): Promise<{ stickySender: boolean; geomatch: boolean; members: SenderRecord[] } | undefined> {
  const pool = await poolDb(db).selectFrom('sender_pools').select(['sticky_sender', 'geomatch']).where('id', '=', poolId).executeTakeFirst();
  if (!pool) return undefined;
  const members = ((await membersOf(db, [poolId])).get(poolId) ?? []).filter((s) => s.connection_id === connectionId);
  return { stickySender: pool.sticky_sender, geomatch: pool.geomatch, members };
}

/** The sticky sender of each of `contactIds` in the pool (contacts without one are absent). */
export async function stickySenders(db: Db, poolId: string, contactIds: readonly string[]): Promise<Map<string, string>> {
  if (contactIds.length === 0) return new Map();
  const rows = await poolDb(db)
    .selectFrom('sender_sticky_assignments')
    .select(['contact_id', 'sender_id'])
    .where('pool_id', '=', poolId)
    .where('contact_id', 'in', contactIds)
    .execute();
  return new Map(rows.map((r) => [r.contact_id, r.sender_id]));
}

/** A sticky sender to record: `replaces` is the stale sender seen for the contact, or null for none. */
export interface StickyClaim {
  contactId: string;
  senderId: string;
  replaces: string | null;
}

/**
 * Records sticky senders race-free: a new assignment is `INSERT … ON CONFLICT DO NOTHING` (a
 * concurrent batch that got there first keeps its sender), a stale one is replaced only if it still
 * holds the sender that was seen (compare-and-set). Callers read the rows back with
 * {@link stickySenders} and use what is stored.
 */
export async function claimStickySenders(db: Db, poolId: string, claims: readonly StickyClaim[]): Promise<void> {
  const fresh = claims.filter((c) => c.replaces === null);
  const stale = claims.filter((c) => c.replaces !== null);
  if (fresh.length > 0) {
    await sql`
      INSERT INTO sender_sticky_assignments (pool_id, contact_id, sender_id)
      SELECT ${poolId}::uuid, u.c, u.s FROM unnest(${fresh.map((c) => c.contactId)}::uuid[], ${fresh.map((c) => c.senderId)}::uuid[]) AS u(c, s)
      ON CONFLICT (pool_id, contact_id) DO NOTHING`.execute(db);
  }
  if (stale.length > 0) {
    await sql`
      UPDATE sender_sticky_assignments a SET sender_id = u.s, assigned_at = now()
        FROM unnest(${stale.map((c) => c.contactId)}::uuid[], ${stale.map((c) => c.senderId)}::uuid[], ${stale.map((c) => c.replaces)}::uuid[]) AS u(c, s, o)
       WHERE a.pool_id = ${poolId}::uuid AND a.contact_id = u.c AND a.sender_id = u.o`.execute(db);
  }
}
