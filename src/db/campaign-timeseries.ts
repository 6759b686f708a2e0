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
  /** Inbound replies attributed to the messages, received in this bucket (as `stats.replies`). */
  replies: number;
  /** Of those replies, opt-outs (keyword class `opt_out`, as `stats.opt_outs`). */
  opt_outs: number;
  /**
   * Messages whose first short-link click fell in this bucket: unique clicks, as
   * `composition.unique_clicks` and the A/B `click_rate` count them. Total redirects are not
   * timestamped per click, so they have no series.
   */
  unique_clicks: number;
}

/** A campaign's series: campaign-wide, and per A/B variant key (`'-'` for messages without one). */
export interface CampaignTimeseries {
  points: TimeseriesPoint[];
  variants: Record<string, TimeseriesPoint[]>;
}

const FIGURES = [
  'sent',
  'segments',
  'delivered',
  'undelivered',
  'failed',
  'rejected',
  'suppressed',
  'unknown',
  'expired',
  'replies',
  'opt_outs',
  'unique_clicks',
] as const;

/**
 * A campaign's sends, outcomes, replies, opt-outs and unique clicks per minute or hour, oldest first,
 * only buckets with activity: campaign-wide (`points`) and per variant; with `variant`, only that
 * variant's messages (then `points` is its series). One grouped query over the campaign's messages
 * (sent by `submitted_at`, finals by `final_at`), their attributed replies (by `received_at`, index
 * inbound_messages_attributed of 0011) and short links (by `first_clicked_at`).
 */
export async function loadCampaignTimeseries(
  db: Db,
  campaignId: string,
  bucket: TimeseriesBucket,
  variant?: string,
): Promise<CampaignTimeseries> {
  const unit = bucket === 'hour' ? 'hour' : 'minute';
  const onlyVariant = variant === undefined ? sql`` : sql`AND variant_key = ${variant}`;
  const r = await sql<Omit<TimeseriesPoint, 'at'> & { v: string; at: Date }>`
    WITH m AS (
      SELECT id, coalesce(variant_key, '-') AS v, submitted_at, final_at, status, segments
      FROM messages WHERE campaign_id = ${campaignId} ${onlyVariant}
    ), sent AS (
      SELECT v, date_trunc(${unit}, submitted_at) AS at, count(*)::int AS sent, coalesce(sum(segments), 0)::int AS segments
      FROM m WHERE submitted_at IS NOT NULL GROUP BY 1, 2
    ), finals AS (
      SELECT v, date_trunc(${unit}, final_at) AS at,
             (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
             (count(*) FILTER (WHERE status = 'undelivered'))::int AS undelivered,
             (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
             (count(*) FILTER (WHERE status = 'rejected'))::int AS rejected,
             (count(*) FILTER (WHERE status = 'suppressed'))::int AS suppressed,
             (count(*) FILTER (WHERE status = 'unknown'))::int AS unknown,
             (count(*) FILTER (WHERE status = 'expired'))::int AS expired
      FROM m WHERE final_at IS NOT NULL GROUP BY 1, 2
    ), replies AS (
      SELECT m.v, date_trunc(${unit}, i.received_at) AS at, count(*)::int AS replies,
             (count(*) FILTER (WHERE i.keyword_class = 'opt_out'))::int AS opt_outs
      FROM inbound_messages i JOIN m ON m.id = i.attributed_message_id GROUP BY 1, 2
    ), clicks AS (
      SELECT m.v, date_trunc(${unit}, c.first_at) AS at, count(*)::int AS unique_clicks
      FROM (SELECT message_id, min(first_clicked_at) AS first_at FROM short_links
            WHERE campaign_id = ${campaignId} AND clicks > 0 AND first_clicked_at IS NOT NULL GROUP BY message_id) c
      JOIN m ON m.id = c.message_id GROUP BY 1, 2
    ), k AS (
      SELECT v, at FROM sent UNION SELECT v, at FROM finals UNION SELECT v, at FROM replies UNION SELECT v, at FROM clicks
    )
    SELECT k.v, k.at, coalesce(s.sent, 0) AS sent, coalesce(s.segments, 0) AS segments,
           coalesce(f.delivered, 0) AS delivered, coalesce(f.undelivered, 0) AS undelivered, coalesce(f.failed, 0) AS failed,
           coalesce(f.rejected, 0) AS rejected, coalesce(f.suppressed, 0) AS suppressed, coalesce(f.unknown, 0) AS unknown,
           coalesce(f.expired, 0) AS expired, coalesce(r.replies, 0) AS replies, coalesce(r.opt_outs, 0) AS opt_outs,
           coalesce(c.unique_clicks, 0) AS unique_clicks
    FROM k
    LEFT JOIN sent s ON s.v = k.v AND s.at = k.at
    LEFT JOIN finals f ON f.v = k.v AND f.at = k.at
    LEFT JOIN replies r ON r.v = k.v AND r.at = k.at
    LEFT JOIN clicks c ON c.v = k.v AND c.at = k.at
    ORDER BY k.at, k.v`.execute(db);

  const variants: Record<string, TimeseriesPoint[]> = {};
  const total = new Map<string, TimeseriesPoint>();
  for (const row of r.rows) {
    const { v, at: atDate, ...figures } = row;
    const at = new Date(atDate).toISOString();
    (variants[v] ??= []).push({ at, ...figures });
    const sum = total.get(at) ?? { at, ...zero() };
    for (const f of FIGURES) sum[f] += figures[f];
    total.set(at, sum);
  }
  return { points: [...total.values()], variants };
}

function zero(): Omit<TimeseriesPoint, 'at'> {
  return Object.fromEntries(FIGURES.map((f) => [f, 0])) as Omit<TimeseriesPoint, 'at'>;
}
