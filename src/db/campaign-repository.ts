import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { CampaignStatus } from './database.js';

/**
 * Snapshots a campaign's audience into `campaign_recipients` with one `INSERT … SELECT`: contacts
 * of the account whose current marketing consent is `opted_in` and whose attributes contain the
 * campaign's filter, numbered 1..N by contact id, each given a variant by a deterministic hash of
 * (campaign id, contact id) over the variants' cumulative weights. Idempotent: a second call
 * inserts nothing and answers the existing size.
 * @returns the audience size.
 */
export async function snapshotAudience(db: Db, campaignId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent snapshots of one campaign (an activity retried while the first attempt still runs).
    await sql`SELECT pg_advisory_xact_lock(hashtext(${campaignId}))`.execute(trx);
    const existing = await trx
      .selectFrom('campaign_recipients')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    const campaign = await trx.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirstOrThrow();
    if (existing.n > 0 || campaign.audience_size !== null) return existing.n;
    const variants = await trx
      .selectFrom('campaign_variants')
      .select(['key', 'weight'])
      .where('campaign_id', '=', campaignId)
      .orderBy('key')
      .execute();
    const totalWeight = variants.reduce((a, v) => a + v.weight, 0);
    let cumulative = 0;
    const cases = variants.map((v) => {
      cumulative += v.weight;
      return sql`WHEN bucket < ${cumulative} THEN ${v.key}`;
    });
    const filter = (campaign.audience as { filter?: Record<string, string> }).filter ?? {};
    const result = await sql`
      INSERT INTO campaign_recipients (campaign_id, seq, contact_id, phone_e164, variant_key)
      SELECT ${campaignId}::uuid, row_number() OVER (ORDER BY id), id, phone_e164,
             CASE ${sql.join(cases, sql` `)} END
      FROM (
        SELECT c.id, c.phone_e164,
               (('x' || substr(md5(${campaignId} || c.id::text), 1, 8))::bit(32)::bigint % ${totalWeight}) AS bucket
        FROM contacts c
        JOIN consent_current cc ON cc.contact_id = c.id AND cc.purpose = ${campaign.purpose} AND cc.status = 'opted_in'
        WHERE c.account_id = ${campaign.account_id} AND c.attributes @> ${JSON.stringify(filter)}::jsonb
      ) a
      ON CONFLICT DO NOTHING`.execute(trx);
    const size = Number(result.numAffectedRows ?? 0n);
    await trx
      .updateTable('campaigns')
      .set({ audience_size: size })
      .where('id', '=', campaignId)
      .execute();
    return size;
  });
}

/**
 * Sets a campaign's status, stamping started_at / completed_at on the way.
 * @param options.onlyFrom change it only when the current status is this one.
 */
export async function setCampaignStatus(
  db: Db,
  campaignId: string,
  status: CampaignStatus,
  options: { onlyFrom?: CampaignStatus } = {},
): Promise<void> {
  let query = db
    .updateTable('campaigns')
    .set({
      status,
      ...(status === 'running' ? { started_at: sql<Date>`coalesce(started_at, now())` } : {}),
      ...(status === 'completed' || status === 'canceled' || status === 'failed' ? { completed_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', campaignId);
  if (options.onlyFrom) query = query.where('status', '=', options.onlyFrom);
  await query.execute();
}

/** Counts per variant, status and reason, from the messages projection. */
export interface CampaignStatsRow {
  variant_key: string | null;
  status: string;
  status_reason: string | null;
  messages: number;
  sent: number;
  segments: number;
}

/** Aggregates a campaign's messages by variant, status and reason (one indexed scan). */
export async function campaignStatsRows(db: Db, campaignId: string): Promise<CampaignStatsRow[]> {
  return db
    .selectFrom('messages')
    .select([
      'variant_key',
      'status',
      'status_reason',
      sql<number>`count(*)::int`.as('messages'),
      sql<number>`(count(*) FILTER (WHERE submitted_at IS NOT NULL))::int`.as('sent'),
      sql<number>`coalesce(sum(segments), 0)::int`.as('segments'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy(['variant_key', 'status', 'status_reason'])
    .orderBy('variant_key')
    .execute();
}
