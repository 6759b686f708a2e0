/**
 * SQL of `connection_routes` (migration 0006): which provider connection, and which fallback, carry a
 * campaign's messages to one destination country.
 *
 * @module
 */
import type { Generated, Selectable } from 'kysely';
import type { Db } from './connection.js';

/** Row type of `connection_routes` (kept here: the table belongs to provider routing). */
export interface ConnectionRoutesTable {
  id: Generated<string>;
  account_id: string;
  campaign_id: string | null;
  /** ISO 3166-1 alpha-2, or null for every destination. */
  country: string | null;
  connection_id: string;
  fallback_connection_id: string | null;
  created_at: Generated<Date>;
}

/** One route as read. */
export type ConnectionRoute = Pick<Selectable<ConnectionRoutesTable>, 'campaign_id' | 'country' | 'connection_id' | 'fallback_connection_id'>;

const routesDb = (db: Db) => db.withTables<{ connection_routes: ConnectionRoutesTable }>();

/** Every route that can apply to a campaign: its own and its account's (a handful). */
export async function routesForCampaign(db: Db, accountId: string, campaignId: string): Promise<ConnectionRoute[]> {
  return routesDb(db)
    .selectFrom('connection_routes')
    .select(['campaign_id', 'country', 'connection_id', 'fallback_connection_id'])
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('campaign_id', 'is', null), eb('campaign_id', '=', campaignId)]))
    .execute();
}

/** Adds a route. `campaignId`/`country` null = account-wide / every country. */
export async function insertConnectionRoute(
  db: Db,
  route: { accountId: string; campaignId: string | null; country: string | null; connectionId: string; fallbackConnectionId: string | null },
): Promise<void> {
  await routesDb(db)
    .insertInto('connection_routes')
    .values({ account_id: route.accountId, campaign_id: route.campaignId, country: route.country, connection_id: route.connectionId, fallback_connection_id: route.fallbackConnectionId })
    .execute();
}

/** Points messages at the connection that carries them, so their DLRs match (webhooks look up by connection). */
export async function assignMessageConnection(db: Db, messageId: string, connectionId: string): Promise<void> {
  await db.updateTable('messages').set({ connection_id: connectionId }).where('id', '=', messageId).execute();
}

/** Pauses a connection whose credentials were refused (same rule as the send activity). */
export async function pauseConnection(db: Db, connectionId: string, reason: string): Promise<void> {
  await db.updateTable('provider_connections').set({ status: 'paused', status_reason: reason }).where('id', '=', connectionId).execute();
}
