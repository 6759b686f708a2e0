/**
 * SQL of the campaign controls (quiet hours, scheduling): the campaign's controls and sending start,
 * recipients' locations, and deferral instants of queued messages. Raw SQL for the columns added by
 * migration 0005, so the shared Database types stay untouched.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';

/** What the send path needs to know about a campaign's controls. */
export interface CampaignControlsRow {
  settings: Record<string, unknown>;
  /** When sending began by the activities' clock; null before the first batch sends. */
  sending_started_at: Date | null;
  /** The campaign connection's provider (`sandbox`, `twilio`…). */
  provider: string;
  /** The connection's `config.quiet_hours` flag (opts a sandbox connection into quiet hours). */
  connection_quiet_hours: boolean | null;
}

/**
 * Stamps `sending_started_at` once (the first call wins; later calls keep it) and answers the
 * campaign's settings with it.
 */
export async function startSendingClock(db: Db, campaignId: string, now: Date): Promise<CampaignControlsRow> {
  const r = await sql<CampaignControlsRow>`
    UPDATE campaigns c SET sending_started_at = coalesce(c.sending_started_at, ${now})
    FROM provider_connections pc
    WHERE c.id = ${campaignId} AND pc.id = c.connection_id
    RETURNING c.settings, c.sending_started_at, pc.provider, (pc.config->>'quiet_hours')::boolean AS connection_quiet_hours`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error(`campaign ${campaignId} not found`);
  return row;
}

/** Where each message's recipient is, as stored on the contact. */
export interface RecipientLocationRow {
  id: string;
  to_e164: string;
  country: string | null;
  time_zone: string | null;
}

/** Recipient country and time zone of the given messages (by message id). */
export async function recipientLocations(db: Db, messageIds: string[]): Promise<RecipientLocationRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('messages as m')
    .leftJoin('contacts as c', 'c.id', 'm.contact_id')
    .select(['m.id', 'm.to_e164', 'c.country', 'c.time_zone'])
    .where('m.id', 'in', messageIds)
    .execute();
}

/** Records when deferred queued messages may be sent (for stats and operators; the workflow's timer is what waits). */
export async function setNotBefore(db: Db, deferred: { id: string; notBefore: Date }[]): Promise<void> {
  if (deferred.length === 0) return;
  await sql`
    UPDATE messages m SET not_before = d.not_before, updated_at = now()
    FROM unnest(${deferred.map((d) => d.id)}::uuid[], ${deferred.map((d) => d.notBefore.toISOString())}::timestamptz[])
      AS d(id, not_before)
    WHERE m.id = d.id AND m.status = 'queued'`.execute(db);
}
