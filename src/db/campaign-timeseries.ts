import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Width of one time-series bucket. */
export type TimeseriesBucket = 'minute' | 'hour';

/** One bucket of a campaign's activity: what happened to its messages within [at, at + bucket). */
export interface TimeseriesPoint {
  /** Bucket start, ISO 8601 UTC. */
  at: string;
  /** Accepted by the provider in this bucket (by `submitted_at`). */
  sent: number;
  /** Segments of those (what the carrier bills). */
  segments: number;
  /** Reached a final state in this bucket (by `final_at`), per final status. */
  delivered: number;
  undelivered: number;
  failed: number;
  rejected: number;
  suppressed: number;
  unknown: number;
  expired: number;
}

/**
 * A campaign's sends and outcomes per minute or hour, oldest first, only buckets with activity.
 * Two indexed passes over the campaign's messages (sent by `submitted_at`, finals by `final_at`).
 */
export async function loadCampaignTimeseries(db: Db, campaignId: string, bucket: TimeseriesBucket): Promise<TimeseriesPoint[]> {
  const unit = bucket === 'hour' ? 'hour' : 'minute';
  const r = await sql<TimeseriesPoint & { at: Date }>`
    WITH sent AS (
      SELECT date_trunc(${unit}, submitted_at) AS at, count(*)::int AS sent, coalesce(sum(segments), 0)::int AS segments
      FROM messages WHERE campaign_id = ${campaignId} AND submitted_at IS NOT NULL GROUP BY 1
    ), finals AS (
      SELECT date_trunc(${unit}, final_at) AS at,
             (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
             (count(*) FILTER (WHERE status = 'undelivered'))::int AS undelivered,
             (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
             (count(*) FILTER (WHERE status = 'rejected'))::int AS rejected,
             (count(*) FILTER (WHERE status = 'suppressed'))::int AS suppressed,
             (count(*) FILTER (WHERE status = 'unknown'))::int AS unknown,
             (count(*) FILTER (WHERE status = 'expired'))::int AS expired
      FROM messages WHERE campaign_id = ${campaignId} AND final_at IS NOT NULL GROUP BY 1
    )
    SELECT coalesce(s.at, f.at) AS at, coalesce(s.sent, 0) AS sent, coalesce(s.segments, 0) AS segments,
           coalesce(f.delivered, 0) AS delivered, coalesce(f.undelivered, 0) AS undelivered, coalesce(f.failed, 0) AS failed,
           coalesce(f.rejected, 0) AS rejected, coalesce(f.suppressed, 0) AS suppressed, coalesce(f.unknown, 0) AS unknown,
           coalesce(f.expired, 0) AS expired
    FROM sent s FULL JOIN finals f ON f.at = s.at
    ORDER BY 1`.execute(db);
  return r.rows.map((p) => ({ ...p, at: new Date(p.at).toISOString() }));
}
