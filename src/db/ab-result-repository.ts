import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { AbDecision, AbVariantFigures } from '../domain/ab-winner.js';

/** A stored A/B decision with when it was made and how large the test share was. */
export type AbResult = AbDecision & { test_recipients: number; decided_at: string };

/** The campaign's A/B decision, or null before one was made (or without winner mode). */
export async function findAbResult(db: Db, campaignId: string): Promise<AbResult | null> {
  const r = await sql<{ ab_result: AbResult | null }>`SELECT ab_result FROM campaigns WHERE id = ${campaignId}`.execute(db);
  return r.rows[0]?.ab_result ?? null;
}

/**
 * Per-variant sent / delivered / replies (opt-outs are not counted as replies) / clicks (messages whose
 * short link was clicked at least once) of the recipients with seq ≤ `testSeqTo` (the test share).
 */
export async function abTestFigures(db: Db, campaignId: string, testSeqTo: number): Promise<AbVariantFigures[]> {
  const r = await sql<{ key: string; sent: number; delivered: number; replies: number; clicks: number }>`
    SELECT m.variant_key AS key,
           (count(*) FILTER (WHERE m.submitted_at IS NOT NULL))::int AS sent,
           (count(*) FILTER (WHERE m.status = 'delivered'))::int AS delivered,
           (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM short_links s WHERE s.message_id = m.id AND s.clicks > 0)))::int AS clicks,
           coalesce(sum((SELECT count(*) FROM inbound_messages i WHERE i.attributed_message_id = m.id
                         AND (i.keyword_class IS NULL OR i.keyword_class <> 'opt_out'))), 0)::int AS replies
    FROM messages m
    WHERE m.campaign_id = ${campaignId} AND m.recipient_seq <= ${testSeqTo} AND m.variant_key IS NOT NULL
    GROUP BY m.variant_key`.execute(db);
  return r.rows;
}

/**
 * Stores the decision once and gives every recipient after the test share the winning variant, in
 * one transaction. A second call (retried activity) keeps the first decision and answers it.
 */
export async function applyAbDecision(db: Db, campaignId: string, testSeqTo: number, decision: AbDecision, now: Date): Promise<AbResult> {
  return db.transaction().execute(async (trx) => {
    const result: AbResult = { ...decision, test_recipients: testSeqTo, decided_at: now.toISOString() };
    const stored = await sql<{ ab_result: AbResult }>`
      UPDATE campaigns SET ab_result = coalesce(ab_result, ${JSON.stringify(result)}::jsonb)
      WHERE id = ${campaignId} RETURNING ab_result`.execute(trx);
    const kept = stored.rows[0]?.ab_result ?? result;
    await sql`UPDATE campaign_recipients SET variant_key = ${kept.winner}
              WHERE campaign_id = ${campaignId} AND seq > ${testSeqTo} AND variant_key <> ${kept.winner}`.execute(trx);
    return kept;
  });
}
