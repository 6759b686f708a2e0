import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createCampaignActivities } from '../../src/activities/campaign-activities.js';
import { createAccount } from '../../src/db/account-repository.js';
import { createDb } from '../../src/db/connection.js';
import type { Db } from '../../src/db/connection.js';
import { claimStickySenders, insertSenderPool, stickySenders } from '../../src/db/sender-pool-repository.js';
import { insertSender } from '../../src/db/sender-repository.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';

describe('sender pools in PostgreSQL', () => {
  let db: Db;
  let url: string;
  let drop: () => Promise<void>;
  let poolId: string;
  let senders: string[];
  let contacts: string[];
  let accountId: string;
  beforeAll(async () => {
    ({ db, url, drop } = await createTestDatabase());
    const { account } = await createAccount(db, 'sticky');
    accountId = account.id;
    await db.insertInto('provider_connections').values({ id: 'conn_sticky', account_id: account.id, provider: 'sandbox', name: 's', config: '{}' }).execute();
    senders = [];
    for (const address of ['+12015550100', '+12015550101']) {
      senders.push((await insertSender(db, { accountId: account.id, connectionId: 'conn_sticky', address, type: 'long_code', country: 'US', mps: 1 })).id);
    }
    poolId = (await insertSenderPool(db, { accountId: account.id, name: 'p', stickySender: true, geomatch: true, senderIds: senders })).id;
    contacts = Array.from({ length: 200 }, () => randomUUID());
    await db
      .insertInto('contacts')
      .values(contacts.map((id, i) => ({ id, account_id: account.id, phone_e164: `+1202555${String(1000 + i)}`, country: 'US' })))
      .execute();
  });
  afterAll(async () => drop?.());

  it('gives a contact one sender when two batches claim different senders at the same time', async () => {
    // Two pools of connections, as two workers would have: the claims really run concurrently.
    const a = createDb(url, 4);
    const b = createDb(url, 4);
    try {
      await Promise.all([
        claimStickySenders(a, poolId, contacts.map((contactId) => ({ contactId, senderId: senders[0]!, replaces: null }))),
        claimStickySenders(b, poolId, contacts.map((contactId) => ({ contactId, senderId: senders[1]!, replaces: null }))),
      ]);
    } finally {
      await a.destroy();
      await b.destroy();
    }
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sender_sticky_assignments WHERE pool_id = ${poolId}`.execute(db);
    expect(rows.rows[0]?.n).toBe(contacts.length);
    const stored = await stickySenders(db, poolId, contacts);
    expect(stored.size).toBe(contacts.length);
    // Each statement inserts all of its rows or waits on the other's: one batch wins every contact.
    expect(new Set(stored.values()).size).toBe(1);
  });

  it('replaces a stale sticky sender only if it still holds the sender that was seen', async () => {
    const contactId = contacts[0]!;
    const current = (await stickySenders(db, poolId, [contactId])).get(contactId)!;
    const other = senders.find((s) => s !== current)!;
    // A claim that saw an older sender (someone replaced it since) changes nothing.
    await claimStickySenders(db, poolId, [{ contactId, senderId: other, replaces: other }]);
    expect((await stickySenders(db, poolId, [contactId])).get(contactId)).toBe(current);
    await claimStickySenders(db, poolId, [{ contactId, senderId: other, replaces: current }]);
    expect((await stickySenders(db, poolId, [contactId])).get(contactId)).toBe(other);
  });

  it('a canceled pool campaign gives its never-started recipients a suppressed message without a sender', async () => {
    const campaignId = randomUUID();
    await db
      .insertInto('campaigns')
      .values({ id: campaignId, account_id: accountId, name: 'pooled', connection_id: 'conn_sticky', sender: null, sender_pool_id: poolId, workflow_id: `campaign/${campaignId}` })
      .execute();
    const phones = await db.selectFrom('contacts').select(['id', 'phone_e164']).where('id', 'in', contacts.slice(0, 3)).execute();
    await db
      .insertInto('campaign_recipients')
      .values(phones.map((c, i) => ({ campaign_id: campaignId, seq: i + 1, contact_id: c.id, phone_e164: c.phone_e164, variant_key: 'A' })))
      .execute();
    const activities = createCampaignActivities({ db, providers: undefined as never, logger: pino({ level: 'silent' }), publicBaseUrl: 'http://127.0.0.1:9', now: testClock() });
    expect(await activities.suppressUnstarted({ campaignId, fromSeq: 1, reason: 'canceled' })).toBe(3);
    const rows = await db.selectFrom('messages').select(['sender', 'status', 'status_reason']).where('campaign_id', '=', campaignId).execute();
    expect(rows).toEqual(Array.from({ length: 3 }, () => ({ sender: '', status: 'suppressed', status_reason: 'canceled' })));
  });

  it('refuses a campaign with both a sender and a pool, or neither (0010 check)', async () => {
    const row = (sender: string | null, pool: string | null) => {
      const id = randomUUID();
      return db.insertInto('campaigns').values({ id, account_id: accountId, name: 'x', connection_id: 'conn_sticky', sender, sender_pool_id: pool, workflow_id: `campaign/${id}` }).execute();
    };
    await expect(row('+12015550100', poolId)).rejects.toThrow(/campaigns_sender_or_pool/);
    await expect(row(null, null)).rejects.toThrow(/campaigns_sender_or_pool/);
  });
});
