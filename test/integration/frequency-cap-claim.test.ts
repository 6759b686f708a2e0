import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/db/account-repository.js';
import { patchAccountSettings } from '../../src/db/account-settings-repository.js';
import { createDb } from '../../src/db/connection.js';
import type { Db } from '../../src/db/connection.js';
import { claimUnderFrequencyCap } from '../../src/db/frequency-cap-repository.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';

/**
 * The claim under frequency caps, straight against PostgreSQL: several claims fired at once from
 * separate connections (as separate workers would) over the same contacts. Every claim passes the
 * instant of the test's clock, as the send activity passes its business clock.
 */
describe('claim under the frequency cap (PostgreSQL, concurrent connections)', () => {
  let db: Db;
  let url: string;
  let drop: () => Promise<void>;
  let accountId: string;
  const contacts = Array.from({ length: 150 }, () => randomUUID());
  const clock = testClock();

  beforeAll(async () => {
    ({ db, url, drop } = await createTestDatabase());
    ({
      account: { id: accountId },
    } = await createAccount(db, 'fcap'));
    await db
      .insertInto('provider_connections')
      .values({ id: 'conn_fcap', account_id: accountId, provider: 'sandbox', name: 'sb' })
      .execute();
    await db
      .insertInto('contacts')
      .values(
        contacts.map((id, i) => ({
          id,
          account_id: accountId,
          phone_e164: `+1202${String(2_000_000 + i)}`,
          attributes: '{}',
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await drop?.();
  });

  /** A campaign with one queued message per contact, in a shuffled order; answers its id and message ids in that order. */
  async function campaignWithMessages(
    opts: { purpose?: string; settings?: Record<string, unknown>; of?: string[] } = {},
  ) {
    const id = randomUUID();
    await db
      .insertInto('campaigns')
      .values({
        id,
        account_id: accountId,
        name: 'c',
        connection_id: 'conn_fcap',
        sender: '+12015550100',
        audience: '{}',
        settings: JSON.stringify(opts.settings ?? {}),
        fields: '{}',
        workflow_id: `campaign/${id}`,
        ...(opts.purpose ? { purpose: opts.purpose } : {}),
      })
      .execute();
    const order = [...(opts.of ?? contacts)].sort(() => Math.random() - 0.5);
    const rows = order.map((contactId, i) => ({
      id: randomUUID(),
      account_id: accountId,
      campaign_id: id,
      recipient_seq: i + 1,
      contact_id: contactId,
      variant_key: 'A',
      connection_id: 'conn_fcap',
      sender: '+12015550100',
      to_e164: '+12025550100',
      body: 'hi',
      encoding: 'GSM-7' as const,
      segments: 1,
      status: 'queued' as const,
    }));
    await db.insertInto('messages').values(rows).execute();
    return { id, messageIds: rows.map((r) => r.id) };
  }

  async function claimedPerContact(campaignIds: string[]): Promise<Map<string, number>> {
    const r = await sql<{ contact_id: string; n: number }>`
      SELECT contact_id, count(*)::int AS n FROM messages
      WHERE campaign_id = ANY (${campaignIds}::uuid[]) AND status = 'submitting' GROUP BY 1`.execute(db);
    return new Map(r.rows.map((row) => [row.contact_id, row.n]));
  }

  it('six campaigns claiming the same 150 contacts at once from six connections: each contact is claimed exactly once under a cap of 1', async () => {
    await patchAccountSettings(db, accountId, { frequency_cap: { max_messages: 1, period_seconds: 86_400 } });
    const campaigns = await Promise.all(Array.from({ length: 6 }, () => campaignWithMessages()));
    // One pool per "worker", each with its own connections; chunks of 50 as sendMessages claims them.
    const workers = campaigns.map(() => createDb(url, 2));
    try {
      const results = await Promise.all(
        campaigns.map(async (c, w) => {
          const out = { claimed: [] as string[], capped: [] as string[] };
          for (let i = 0; i < c.messageIds.length; i += 50) {
            const r = await claimUnderFrequencyCap(workers[w]!, c.id, c.messageIds.slice(i, i + 50), clock());
            out.claimed.push(...r.claimed);
            out.capped.push(...r.capped);
          }
          return out;
        }),
      );
      const perContact = await claimedPerContact(campaigns.map((c) => c.id));
      expect(perContact.size).toBe(contacts.length);
      expect([...perContact.values()].every((n) => n === 1)).toBe(true);
      expect(results.reduce((a, r) => a + r.claimed.length, 0)).toBe(contacts.length);
      expect(results.reduce((a, r) => a + r.capped.length, 0)).toBe(contacts.length * 5);
      const suppressed = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM messages WHERE campaign_id = ANY (${campaigns.map((c) => c.id)}::uuid[])
          AND status = 'suppressed' AND status_reason = 'frequency_cap'`.execute(db);
      expect(suppressed.rows[0]?.n).toBe(contacts.length * 5);
    } finally {
      await Promise.all(workers.map((w) => w.destroy()));
      await db
        .updateTable('messages')
        .set({ status: 'delivered' })
        .where('status', '=', 'submitting')
        .execute();
    }
  });

  it('counts sent marketing messages but not rejected ones; exempts transactional campaigns and campaigns that opt out; a campaign cap binds on top', async () => {
    // Fresh contacts, outside the window of the first test's messages.
    const fresh = Array.from({ length: 4 }, () => randomUUID());
    await db
      .insertInto('contacts')
      .values(
        fresh.map((id, i) => ({
          id,
          account_id: accountId,
          phone_e164: `+1202${String(3_000_000 + i)}`,
          attributes: '{}',
        })),
      )
      .execute();
    await patchAccountSettings(db, accountId, { frequency_cap: { max_messages: 2, period_seconds: 3_600 } });
    const [a, b, c, d] = fresh as [string, string, string, string];

    // One earlier send to a, b, c; the one to c was rejected at submit (never left): it does not count.
    const earlier = await campaignWithMessages({ of: [a, b, c] });
    await claimUnderFrequencyCap(db, earlier.id, earlier.messageIds, clock());
    await db
      .updateTable('messages')
      .set({ status: 'rejected' })
      .where('campaign_id', '=', earlier.id)
      .where('contact_id', '=', c)
      .execute();
    // A transactional campaign is not capped, and its messages do not count.
    const tx = await campaignWithMessages({ purpose: 'transactional', of: [a, b, c, d] });
    expect((await claimUnderFrequencyCap(db, tx.id, tx.messageIds, clock())).claimed).toHaveLength(4);
    // Its own cap of 1 stops a and b (1 marketing message each), lets c and d through.
    const own = await campaignWithMessages({
      settings: { frequency_cap: { max_messages: 1, period_seconds: 3_600 } },
      of: [a, b, c, d],
    });
    const r1 = await claimUnderFrequencyCap(db, own.id, own.messageIds, clock());
    expect(new Set(r1.claimed)).toEqual(new Set(await idsOf(own.id, [c, d])));
    // Now a and b have 1, c and d have 1: the account cap of 2 allows one more each...
    const second = await campaignWithMessages({ of: [a, b, c, d] });
    expect((await claimUnderFrequencyCap(db, second.id, second.messageIds, clock())).claimed).toHaveLength(4);
    // ...and then none: a and b have 2 (earlier + second), c and d 2 (own + second).
    const third = await campaignWithMessages({ of: [a, b, c, d] });
    const r3 = await claimUnderFrequencyCap(db, third.id, third.messageIds, clock());
    expect(r3.claimed).toEqual([]);
    expect(r3.capped).toHaveLength(4);
    // Opting out of the account cap sends anyway...
    const optOut = await campaignWithMessages({
      settings: { ignore_account_frequency_cap: true },
      of: [a, b, c, d],
    });
    expect((await claimUnderFrequencyCap(db, optOut.id, optOut.messageIds, clock())).claimed).toHaveLength(4);
    // ...and those messages count for the others: under a cap of 3 everyone is already at 3.
    await patchAccountSettings(db, accountId, { frequency_cap: { max_messages: 3, period_seconds: 3_600 } });
    const fourth = await campaignWithMessages({ of: [a, b, c, d] });
    expect((await claimUnderFrequencyCap(db, fourth.id, fourth.messageIds, clock())).capped).toHaveLength(4);
    // Removing the account cap lifts the limit.
    await patchAccountSettings(db, accountId, { frequency_cap: null });
    const uncapped = await campaignWithMessages({ of: [a, b, c, d] });
    expect((await claimUnderFrequencyCap(db, uncapped.id, uncapped.messageIds, clock())).claimed).toHaveLength(4);
    const settings = await db
      .selectFrom('accounts')
      .select('settings')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(settings.settings['frequency_cap']).toBeUndefined();
  });

  it("periods end at the caller's instant, which also stamps the claim: an injected clock moves the window", async () => {
    const [early, late] = [randomUUID(), randomUUID()];
    await db
      .insertInto('contacts')
      .values([early, late].map((id, i) => ({ id, account_id: accountId, phone_e164: `+1202${String(4_000_000 + i)}`, attributes: '{}' })))
      .execute();
    await patchAccountSettings(db, accountId, { frequency_cap: { max_messages: 1, period_seconds: 3_600 } });
    const at = (iso: string) => new Date(iso);
    const first = await campaignWithMessages({ of: [early, late] });
    expect((await claimUnderFrequencyCap(db, first.id, first.messageIds, at('2026-06-16T10:00:00Z'))).claimed).toHaveLength(2);
    const stamped = await db.selectFrom('messages').select('submitting_at').where('campaign_id', '=', first.id).execute();
    expect(stamped.map((m) => m.submitting_at?.toISOString())).toEqual(['2026-06-16T10:00:00.000Z', '2026-06-16T10:00:00.000Z']);
    // 59 minutes later by the caller's clock: still inside the hour, whatever the database's clock says.
    const within = await campaignWithMessages({ of: [early, late] });
    expect((await claimUnderFrequencyCap(db, within.id, within.messageIds, at('2026-06-16T10:59:00Z'))).capped).toHaveLength(2);
    // 61 minutes later: the first claims have left the period.
    const after = await campaignWithMessages({ of: [early, late] });
    expect((await claimUnderFrequencyCap(db, after.id, after.messageIds, at('2026-06-16T11:01:00Z'))).claimed).toHaveLength(2);
    await patchAccountSettings(db, accountId, { frequency_cap: null });
  });

  async function idsOf(campaignId: string, of: string[]): Promise<string[]> {
    const rows = await db
      .selectFrom('messages')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('contact_id', 'in', of)
      .execute();
    return rows.map((r) => r.id);
  }
});
