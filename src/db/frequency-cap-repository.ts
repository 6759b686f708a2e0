/**
 * SQL of frequency caps: the caps that bind a campaign, and the claim (`queued → submitting`) that
 * enforces them without a race between campaigns, batches or workers.
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import { claimMessages } from './message-repository.js';
import {
  capsForCampaign,
  FREQUENCY_CAP_COUNTED_STATUSES,
  parseFrequencyCap,
  splitUnderCaps,
} from '../domain/frequency-cap.js';
import type { CampaignCapPolicy, CapCandidate } from '../domain/frequency-cap.js';

/**
 * First key of the two-key advisory locks taken per contact by {@link claimUnderFrequencyCap}
 * (`'fcap'` in ASCII). Two-key advisory locks live in a space of their own, apart from the one-key
 * (`bigint`) locks used elsewhere (PostgreSQL docs, "Advisory Locks").
 */
export const FREQUENCY_CAP_LOCK_CLASS = 0x66636170;

/** Error text of messages suppressed by a cap. */
export const FREQUENCY_CAP_ERROR_TEXT =
  'the contact already got the most marketing messages a frequency cap allows in its period';

/**
 * The second advisory-lock key of a contact: the first 32 bits of its UUID as a signed int4. Two
 * contacts sharing a key only wait for each other; they are never counted together.
 */
export function contactLockKey(contactId: string): number {
  return Number.parseInt(contactId.slice(0, 8), 16) | 0;
}

/** Reads what decides a campaign's caps: its purpose and settings, and its account's cap. */
export async function loadCampaignCapPolicy(db: Db, campaignId: string): Promise<CampaignCapPolicy> {
  const r = await sql<{
    purpose: string;
    campaign_cap: unknown;
    ignore_account_cap: boolean | null;
    account_cap: unknown;
  }>`
    SELECT c.purpose, c.settings->'frequency_cap' AS campaign_cap,
           (c.settings->>'ignore_account_frequency_cap')::boolean AS ignore_account_cap,
           a.settings->'frequency_cap' AS account_cap
    FROM campaigns c JOIN accounts a ON a.id = c.account_id
    WHERE c.id = ${campaignId}`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error(`campaign ${campaignId} not found`);
  return {
    purpose: row.purpose,
    accountCap: parseFrequencyCap(row.account_cap),
    campaignCap: parseFrequencyCap(row.campaign_cap),
    ignoreAccountCap: row.ignore_account_cap === true,
  };
}

/** Outcome of {@link claimUnderFrequencyCap}. */
export interface FrequencyCapClaim {
  /** Now `submitting`: send them. */
  claimed: string[];
  /** Now `suppressed` with reason `frequency_cap`. */
  capped: string[];
}

/**
 * Claims a campaign's messages for sending (`queued → submitting`, as `claimMessages`) under the
 * frequency caps that bind the campaign (`capsForCampaign`), race-free across campaigns and workers.
 * In one transaction:
 * 1. takes a transaction-level advisory lock per contact of the messages, in ascending key order (so
 *    two claims over overlapping contacts cannot deadlock);
 * 2. counts, per contact and cap, the messages of non-transactional campaigns claimed within the cap's
 *    period that count (`FREQUENCY_CAP_COUNTED_STATUSES`, by `submitting_at`); this statement runs
 *    after the locks, so under READ COMMITTED it sees every claim committed by a holder before us;
 * 3. claims, in the given order, those still under every cap, and suppresses the others (`frequency_cap`).
 * Another claim for the same contacts waits at step 1 until this one commits, so no two can both see
 * "under the cap". Periods end at `at`, the caller's business clock (src/clock.ts), which also stamps
 * the claim (`submitting_at`), so caps follow an injected clock; read it just before the call.
 * Messages no longer `queued` are left alone and appear in neither list. Without a binding cap this
 * is `claimMessages` (no lock, no count). Uses the messages_contact_submitting index (0011).
 */
export async function claimUnderFrequencyCap(
  db: Db,
  campaignId: string,
  ids: string[],
  at: Date,
): Promise<FrequencyCapClaim> {
  if (ids.length === 0) return { claimed: [], capped: [] };
  const caps = capsForCampaign(await loadCampaignCapPolicy(db, campaignId));
  if (caps.length === 0) return { claimed: await claimMessages(db, ids, at), capped: [] };
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'contact_id'])
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .execute();
    const contactOf = new Map(rows.map((r) => [r.id, r.contact_id]));
    const candidates: CapCandidate[] = ids
      .filter((id) => contactOf.has(id))
      .map((id) => ({ id, contactId: contactOf.get(id) ?? null }));
    const contacts = [...new Set(candidates.flatMap((c) => (c.contactId === null ? [] : [c.contactId])))];
    const keys = [...new Set(contacts.map(contactLockKey))].sort((a, b) => a - b);
    // unnest emits the array in order, so the locks are taken in ascending key order.
    if (keys.length > 0)
      await sql`SELECT pg_advisory_xact_lock(${FREQUENCY_CAP_LOCK_CLASS}::int4, k) FROM unnest(${keys}::int4[]) AS u(k)`.execute(
        trx,
      );
    const counted: Map<string, number>[] = [];
    for (const cap of caps) {
      const r = await sql<{ contact_id: string; n: number }>`
        SELECT p.contact_id, count(*)::int AS n
        FROM messages p JOIN campaigns pc ON pc.id = p.campaign_id
        WHERE p.contact_id = ANY (${contacts}::uuid[])
          AND p.submitting_at > ${at}::timestamptz - ${cap.periodMs} * interval '1 millisecond'
          AND p.status = ANY (${[...FREQUENCY_CAP_COUNTED_STATUSES]}::text[])
          AND pc.purpose <> 'transactional'
        GROUP BY p.contact_id`.execute(trx);
      counted.push(new Map(r.rows.map((row) => [row.contact_id, row.n])));
    }
    const { claim, capped } = splitUnderCaps(candidates, caps, counted);
    const claimed =
      claim.length === 0
        ? []
        : (
            await sql<{ id: string }>`
              UPDATE messages SET status = 'submitting', submitting_at = ${at}, updated_at = now(), submit_attempts = submit_attempts + 1
              WHERE id = ANY (${claim}::uuid[]) AND status = 'queued'
              RETURNING id`.execute(trx)
          ).rows.map((r) => r.id);
    if (capped.length > 0) {
      await sql`
        UPDATE messages SET status = 'suppressed', status_reason = 'frequency_cap', error_text = ${FREQUENCY_CAP_ERROR_TEXT},
                            final_at = now(), updated_at = now()
        WHERE id = ANY (${capped}::uuid[]) AND status = 'queued'`.execute(trx);
    }
    return { claimed, capped };
  });
}
