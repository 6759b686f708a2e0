import { sql } from 'kysely';
import type { Db } from './connection.js';
import { campaignStatsRows } from './campaign-repository.js';
import { loadCampaignExtraStats } from './campaign-extra-stats.js';
import { loadCompositionStats } from './composition-stats.js';
import type { CompositionStats } from './composition-stats.js';

/** Counts for a campaign or one of its variants. */
export interface StatsCounts {
  /** Messages created (one per recipient). */
  messages: number;
  /** Accepted by the provider ("Sent"), whatever happened after. */
  sent: number;
  delivered: number;
  undelivered: number;
  failed: number;
  expired: number;
  rejected: number;
  suppressed: number;
  unknown: number;
  /** Not final yet: queued, submitting or submitted without a final DLR. */
  pending: number;
  /** Segments of the messages that were sent (what the carrier bills). */
  segments: number;
  /** Inbound replies attributed to these messages. */
  replies: number;
  /** Of those replies, opt-outs (STOP and its variants in any pack). */
  opt_outs: number;
  /**
   * Estimated cost of the messages sent: segments × the account's price per segment for the recipient's
   * country (`PUT /v1/templates/prices/{country}`), per currency, e.g. `{ "USD": 1.58 }`.
   */
  estimated_cost: Record<string, number>;
  /** Messages sent whose country has no price (not in `estimated_cost`). */
  unpriced_messages: number;
  /** Reasons of suppressed, rejected, failed and undelivered messages: `{ opted_out: 3 }`. */
  reasons: Record<string, number>;
}

/** A campaign's stats, overall and per A/B variant. */
export interface CampaignStats {
  totals: StatsCounts & { total: number };
  variants: (StatsCounts & { key: string })[];
  /** Segments rendered, encodings, link clicks and click-through rate (composition-stats.ts). */
  composition: CompositionStats;
}

function empty(): StatsCounts {
  return {
    messages: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, expired: 0, rejected: 0,
    suppressed: 0, unknown: 0, pending: 0, segments: 0, replies: 0, opt_outs: 0,
    estimated_cost: {}, unpriced_messages: 0, reasons: {},
  };
}

/**
 * Computes a campaign's stats from the messages projection (grouped in SQL) and attributed replies.
 * Counts are exact at the moment of the query.
 */
export async function loadCampaignStats(db: Db, campaignId: string): Promise<CampaignStats> {
  const rows = await campaignStatsRows(db, campaignId);
  const replies = await db
    .selectFrom('inbound_messages as i')
    .innerJoin('messages as m', 'm.id', 'i.attributed_message_id')
    .select(['m.variant_key', sql<number>`count(*)::int`.as('n')])
    .where('m.campaign_id', '=', campaignId)
    .groupBy('m.variant_key')
    .execute();
  const totals = empty();
  const byVariant = new Map<string, StatsCounts>();
  for (const r of rows) {
    const key = r.variant_key ?? '-';
    const v = byVariant.get(key) ?? empty();
    byVariant.set(key, v);
    for (const target of [totals, v]) {
      target.messages += r.messages;
      target.sent += r.sent;
      if (r.sent > 0) target.segments += r.segments;
      switch (r.status) {
        case 'queued':
        case 'submitting':
        case 'submitted':
          target.pending += r.messages;
          break;
        default:
          target[r.status as 'delivered'] += r.messages;
      }
      if (r.status_reason && r.status !== 'delivered') {
        target.reasons[r.status_reason] = (target.reasons[r.status_reason] ?? 0) + r.messages;
      }
    }
  }
  for (const r of replies) {
    totals.replies += r.n;
    const v = byVariant.get(r.variant_key ?? '-');
    if (v) v.replies += r.n;
  }
  const extra = await loadCampaignExtraStats(db, campaignId);
  for (const [key, n] of extra.optOuts) {
    totals.opt_outs += n;
    const v = byVariant.get(key);
    if (v) v.opt_outs += n;
  }
  for (const [key, c] of extra.cost) {
    const v = byVariant.get(key);
    for (const target of v ? [totals, v] : [totals]) {
      target.unpriced_messages += c.unpriced;
      for (const [currency, amount] of Object.entries(c.byCurrency)) {
        target.estimated_cost[currency] = Math.round(((target.estimated_cost[currency] ?? 0) + amount) * 1e6) / 1e6;
      }
    }
  }
  return {
    totals: { ...totals, total: totals.messages },
    variants: [...byVariant.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => a.key.localeCompare(b.key)),
    composition: await loadCompositionStats(db, campaignId),
  };
}
