/**
 * Per-sender counts of a campaign that sends through a sender pool (`stats.by_sender` of
 * `GET /v1/campaigns/{id}`), from the messages projection: each message records its own sender.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';

/** One sender's messages in a campaign. `sender` is null for messages that never had one (`no_sender`). */
export interface SenderStats {
  sender: string | null;
  messages: number;
  /** Accepted by the provider, whatever happened after. */
  sent: number;
  delivered: number;
  /** Final without delivery: undelivered, failed, expired, rejected or unknown. */
  failed: number;
  suppressed: number;
  /** Not final yet. */
  pending: number;
  /** Segments of the messages sent. */
  segments: number;
}

/** The campaign's messages grouped by sender, most messages first (one grouped scan). */
export async function loadSenderStats(db: Db, campaignId: string): Promise<SenderStats[]> {
  const rows = await db
    .selectFrom('messages')
    .select([
      'sender',
      sql<number>`count(*)::int`.as('messages'),
      sql<number>`(count(*) FILTER (WHERE submitted_at IS NOT NULL))::int`.as('sent'),
      sql<number>`(count(*) FILTER (WHERE status = 'delivered'))::int`.as('delivered'),
      sql<number>`(count(*) FILTER (WHERE status IN ('undelivered', 'failed', 'expired', 'rejected', 'unknown')))::int`.as('failed'),
      sql<number>`(count(*) FILTER (WHERE status = 'suppressed'))::int`.as('suppressed'),
      sql<number>`(count(*) FILTER (WHERE status IN ('queued', 'submitting', 'submitted')))::int`.as('pending'),
      sql<number>`(coalesce(sum(segments) FILTER (WHERE submitted_at IS NOT NULL), 0))::int`.as('segments'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy('sender')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('sender')
    .execute();
  return rows.map((r) => ({ ...r, sender: r.sender === '' ? null : r.sender }));
}
