/**
 * SQL of the account settings route: read the account, and patch `accounts.settings` (jsonb) key by
 * key so settings written by other features (`max_mps`…) are kept.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { Account } from './account-repository.js';

/** The caller's account, or undefined when it no longer exists. */
export async function findAccount(db: Db, accountId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

/**
 * Merges `patch` into the account's settings in one statement: a key with a value is set, a key
 * with `null` is removed, absent keys are untouched.
 * @returns the updated account, or undefined when it does not exist.
 */
export async function patchAccountSettings(
  db: Db,
  accountId: string,
  patch: Record<string, unknown>,
): Promise<Account | undefined> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined));
  const remove = Object.entries(patch)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  const r = await sql<Account>`
    UPDATE accounts SET settings = (settings || ${JSON.stringify(set)}::jsonb) - ${remove}::text[]
    WHERE id = ${accountId}
    RETURNING *`.execute(db);
  return r.rows[0];
}
