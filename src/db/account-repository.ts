import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { AccountsTable } from './database.js';
import { generateApiKey, hashApiKey } from './api-key.js';

/** An account row. */
export type Account = Selectable<AccountsTable>;

/** A stored API key without its hash. */
export interface ApiKeyRecord {
  id: string;
  accountId: string;
  /** `sf_live_` plus the first 4 secret characters. */
  prefix: string;
  name: string;
  createdAt: Date;
}

/** The account an API key authenticates, as the auth middleware needs it. */
export interface ApiKeyOwner {
  accountId: string;
  keyId: string;
  prefix: string;
}

/**
 * Creates an account and its first API key in one transaction (used by the CLI).
 * @returns the account and the plaintext key: it is shown once and cannot be recovered later.
 */
export async function createAccount(db: Db, name: string): Promise<{ account: Account; apiKey: string }> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .insertInto('accounts')
      .values({ id: randomUUID(), name, settings: JSON.stringify({}) })
      .returningAll()
      .executeTakeFirstOrThrow();
    const { key } = await insertApiKey(trx, account.id, 'default');
    return { account, apiKey: key };
  });
}

/**
 * Adds an API key to an account.
 * @returns the stored record and the plaintext key (shown once).
 */
export async function createApiKey(
  db: Db,
  accountId: string,
  name = 'default',
): Promise<{ record: ApiKeyRecord; apiKey: string }> {
  const { key, record } = await insertApiKey(db, accountId, name);
  return { record, apiKey: key };
}

async function insertApiKey(
  db: Db,
  accountId: string,
  name: string,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const generated = generateApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      id: randomUUID(),
      account_id: accountId,
      prefix: generated.prefix,
      key_hash: generated.hash,
      name,
    })
    .returning(['id', 'account_id', 'prefix', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
  return {
    key: generated.key,
    record: {
      id: row.id,
      accountId: row.account_id,
      prefix: row.prefix,
      name: row.name,
      createdAt: row.created_at,
    },
  };
}

/**
 * Finds the owner of a presented key by its SHA-256 (a unique index lookup; the plaintext is never
 * compared, so timing reveals nothing about stored keys). Revoked keys are not found.
 */
export async function findApiKeyOwner(db: Db, key: string): Promise<ApiKeyOwner | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'account_id', 'prefix'])
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { accountId: row.account_id, keyId: row.id, prefix: row.prefix };
}

/** Revokes a key of an account. @returns false when no such active key exists. */
export async function revokeApiKey(db: Db, accountId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
