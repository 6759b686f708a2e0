import { snapshotAudience, setCampaignStatus as writeCampaignStatus } from '../db/campaign-repository.js';
import { loadCampaignStats } from '../db/campaign-stats.js';
import type { CampaignStats } from '../db/campaign-stats.js';
import type { CampaignStatus } from '../db/database.js';
import { sql } from 'kysely';
import type { ActivityDeps } from './activity-deps.js';

export type { CampaignStats };

/** The campaign-level activities, built from their dependencies. */
export function createCampaignActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    /**
     * Marks the campaign running and snapshots its audience (idempotent). With `empty` (canceled
     * before its scheduled start) it snapshots nothing.
     * @returns the audience size.
     */
    async startCampaign(input: { campaignId: string; empty?: boolean }): Promise<{ audienceSize: number }> {
      if (input.empty) return { audienceSize: 0 };
      // Only from `created`: a pause that landed first must not be overwritten by a retried start.
      await writeCampaignStatus(db, input.campaignId, 'running', { onlyFrom: 'created' });
      return { audienceSize: await snapshotAudience(db, input.campaignId) };
    },

    /**
     * How long until `at` (epoch ms) by the business clock (src/clock.ts), ms; zero or negative once it
     * has passed. A scheduled start (`start_at`) is a business instant: the campaign workflow sleeps
     * this long on a durable timer instead of comparing it with workflow time, which an injected clock
     * (tests, rehearsals: `CLOCK_START_AT`) sets apart.
     */
    msUntil(input: { at: number }): Promise<number> {
      return Promise.resolve(input.at - deps.now().getTime());
    },

    /** Records a status change (pause/resume) in the campaigns table. */
    async setCampaignStatus(input: { campaignId: string; status: CampaignStatus }): Promise<void> {
      await writeCampaignStatus(db, input.campaignId, input.status);
    },

    /**
     * Cancel: recipients whose batch never started get a `suppressed` message with `reason`, so
     * every recipient of the snapshot has exactly one message row and the stats add up.
     * @returns rows inserted.
     */
    async suppressUnstarted(input: { campaignId: string; fromSeq: number; reason: string }): Promise<number> {
      const result = await sql`
        INSERT INTO messages (id, account_id, campaign_id, recipient_seq, contact_id, variant_key, connection_id,
                              sender, to_e164, body, encoding, segments, status, status_reason, final_at)
        SELECT gen_random_uuid(), c.account_id, c.id, r.seq, r.contact_id, r.variant_key, c.connection_id,
               coalesce(c.sender, ''), r.phone_e164, '', 'GSM-7', 0, 'suppressed', ${input.reason}, now()
        FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.campaign_id = ${input.campaignId} AND r.seq >= ${input.fromSeq}
        ON CONFLICT (campaign_id, contact_id) DO NOTHING`.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },

    /** Marks the campaign completed or canceled and answers its final stats. */
    async finishCampaign(input: { campaignId: string; status: 'completed' | 'canceled' }): Promise<CampaignStats> {
      await writeCampaignStatus(db, input.campaignId, input.status);
      return loadCampaignStats(db, input.campaignId);
    },
  };
}



