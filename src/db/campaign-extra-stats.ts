import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Opt-outs and estimated cost of a campaign's messages, per A/B variant key (`'-'` without one). */
export interface CampaignExtraStats {
  /** STOP-type replies (keyword class `opt_out`) attributed to the variant's messages. */
  optOuts: Map<string, number>;
  /**
   * Estimated provider cost of the messages sent (accepted by the provider): segments × the account's
   * price per segment for the recipient's country (`segment_prices`, else its `*` row), summed per
   * currency (ISO 4217) → amount in that currency's major unit. Messages with no price are left out and
   * counted in `unpriced`.
   */
  cost: Map<string, { byCurrency: Record<string, number>; unpriced: number }>;
}

/** Loads {@link CampaignExtraStats} in two grouped queries. */
export async function loadCampaignExtraStats(db: Db, campaignId: string): Promise<CampaignExtraStats> {
  const [optOuts, cost] = await Promise.all([
    sql<{ key: string; n: number }>`
      SELECT coalesce(m.variant_key, '-') AS key, count(*)::int AS n
      FROM inbound_messages i JOIN messages m ON m.id = i.attributed_message_id
      WHERE m.campaign_id = ${campaignId} AND i.keyword_class = 'opt_out'
      GROUP BY 1`.execute(db),
    sql<{ key: string; currency: string | null; amount: number; n: number }>`
      SELECT coalesce(m.variant_key, '-') AS key, p.currency,
             coalesce(sum(m.segments * p.price_per_segment), 0)::float8 AS amount, count(*)::int AS n
      FROM messages m
      JOIN campaigns c ON c.id = m.campaign_id
      LEFT JOIN contacts ct ON ct.id = m.contact_id
      LEFT JOIN LATERAL (
        SELECT sp.currency, sp.price_per_segment FROM segment_prices sp
        WHERE sp.account_id = c.account_id AND sp.country IN (coalesce(ct.country, '*'), '*')
        ORDER BY sp.country = '*' LIMIT 1
      ) p ON true
      WHERE m.campaign_id = ${campaignId} AND m.submitted_at IS NOT NULL
      GROUP BY 1, 2`.execute(db),
  ]);
  const costs = new Map<string, { byCurrency: Record<string, number>; unpriced: number }>();
  for (const r of cost.rows) {
    const c = costs.get(r.key) ?? { byCurrency: {}, unpriced: 0 };
    costs.set(r.key, c);
    if (r.currency === null) c.unpriced += r.n;
    else c.byCurrency[r.currency] = Math.round(((c.byCurrency[r.currency] ?? 0) + r.amount) * 1e6) / 1e6;
  }
  return { optOuts: new Map(optOuts.rows.map((r) => [r.key, r.n])), cost: costs };
}
