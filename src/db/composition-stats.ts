import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Composition figures of a campaign: segments rendered and link clicks. */
export interface CompositionStats {
  /** Segments of every message rendered for sending (queued or beyond, not suppressed). */
  segments_rendered: number;
  /** Rendered messages by encoding: `{ 'GSM-7': 480, 'UCS-2': 20 }`. */
  encodings: Record<string, number>;
  /** Every redirect of the campaign's short links. */
  clicks: number;
  /** Messages with at least one clicked link (counted once per message). */
  unique_clicks: number;
  /** unique_clicks / messages accepted by the provider; null before any was sent. */
  click_through_rate: number | null;
}

/** Computes {@link CompositionStats} of a campaign from messages and short_links. */
export async function loadCompositionStats(db: Db, campaignId: string): Promise<CompositionStats> {
  const [messages, clicks] = await Promise.all([
    db
      .selectFrom('messages')
      .select([
        'encoding',
        sql<number>`coalesce(sum(segments), 0)::int`.as('segments'),
        sql<number>`count(*)::int`.as('n'),
        sql<number>`count(submitted_at)::int`.as('sent'),
      ])
      .where('campaign_id', '=', campaignId)
      .where('status', '<>', 'suppressed')
      .groupBy('encoding')
      .execute(),
    db
      .selectFrom('short_links')
      .select([sql<number>`coalesce(sum(clicks), 0)::int`.as('clicks'), sql<number>`count(DISTINCT message_id) FILTER (WHERE clicks > 0)::int`.as('unique')])
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow(),
  ]);
  const sent = messages.reduce((a, r) => a + r.sent, 0);
  return {
    segments_rendered: messages.reduce((a, r) => a + r.segments, 0),
    encodings: Object.fromEntries(messages.map((r) => [r.encoding, r.n])),
    clicks: clicks.clicks,
    unique_clicks: clicks.unique,
    click_through_rate: sent > 0 ? clicks.unique / sent : null,
  };
}
