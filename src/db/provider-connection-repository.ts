/**
 * SQL of the connection routes. It belongs in src/db/ by STYLE.md habit 7; it lives here only
 * because src/db/ files other than the contact/consent/account ones were not this module's to
 * create. Move it verbatim when convenient.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { ProviderConnectionsTable } from './database.js';

/** A connection as the API may show it: everything but the encrypted credentials. */
export type ConnectionRecord = Omit<Selectable<ProviderConnectionsTable>, 'credentials_encrypted'> & {
  has_credentials: boolean;
};

/** What {@link insertConnection} stores; `credentialsEncrypted` is AES-256-GCM ciphertext. */
export interface NewConnection {
  id: string;
  accountId: string;
  provider: string;
  name: string;
  config: Record<string, unknown>;
  credentialsEncrypted: Buffer;
}

const PUBLIC_COLUMNS = [
  'id',
  'account_id',
  'provider',
  'name',
  'config',
  'status',
  'status_reason',
  'created_at',
] as const;

/** Inserts a provider connection. @returns it without credentials. */
export async function insertConnection(db: Db, c: NewConnection): Promise<ConnectionRecord> {
  const row = await db
    .insertInto('provider_connections')
    .values({
      id: c.id,
      account_id: c.accountId,
      provider: c.provider,
      name: c.name,
      config: JSON.stringify(c.config),
      credentials_encrypted: c.credentialsEncrypted,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return { ...row, has_credentials: true };
}

/** The account's connections, oldest first (an account has a handful). */
export async function listConnections(db: Db, accountId: string): Promise<ConnectionRecord[]> {
  return db
    .selectFrom('provider_connections')
    .select(PUBLIC_COLUMNS)
    .select(sql<boolean>`credentials_encrypted IS NOT NULL`.as('has_credentials'))
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One connection of the account, or undefined (also when it belongs to another account). */
export async function findConnection(
  db: Db,
  accountId: string,
  id: string,
): Promise<ConnectionRecord | undefined> {
  return db
    .selectFrom('provider_connections')
    .select(PUBLIC_COLUMNS)
    .select(sql<boolean>`credentials_encrypted IS NOT NULL`.as('has_credentials'))
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}
