import { randomBytes, randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../src/activities/batch-activities.js';
import { createProviderResolver } from '../../src/activities/provider-resolver.js';
import { snapshotAudience } from '../../src/db/campaign-repository.js';
import { createAccount } from '../../src/db/account-repository.js';
import { CredentialCipher } from '../../src/providers/credential-cipher.js';
import { startSandboxProvider } from '../../src/providers/sandbox/sandbox-server.js';
import type { SandboxProvider } from '../../src/providers/sandbox/sandbox-server.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';
import type { Db } from '../../src/db/connection.js';

describe('consent is re-checked at send time', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let sandbox: SandboxProvider;
  let activities: ReturnType<typeof createBatchActivities>;
  let campaignId: string;
  let contacts: { id: string; phone: string }[];
  let accountId: string;
  const clock = testClock();

  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase());
    sandbox = await startSandboxProvider({ behaviour: { outcomes: { delivered: 1 } } });
    const cipher = new CredentialCipher(randomBytes(32).toString('base64'));
    ({ account: { id: accountId } } = await createAccount(db, 'consent test'));
    await db.insertInto('provider_connections').values({
      id: 'conn_test', account_id: accountId, provider: 'sandbox', name: 'sb',
      config: JSON.stringify({ baseUrl: sandbox.url }),
      credentials_encrypted: cipher.encrypt({ apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret }),
    }).execute();
    contacts = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), phone: `+1201555${String(100 + i).padStart(4, '0')}` }));
    await db.insertInto('contacts').values(contacts.map((c) => ({ id: c.id, account_id: accountId, phone_e164: c.phone, attributes: '{}' }))).execute();
    await db.insertInto('consent_events').values(contacts.map((c) => ({
      account_id: accountId, contact_id: c.id, phone_e164: c.phone, status: 'opted_in' as const, source: 'test',
      occurred_at: new Date(clock().getTime() - 3_600_000), proof: '{}', dedupe_key: `in:${c.phone}`,
    }))).execute();
    campaignId = randomUUID();
    await db.insertInto('campaigns').values({
      id: campaignId, account_id: accountId, name: 'c', connection_id: 'conn_test', sender: '+12015550100',
      audience: '{}', settings: '{}', fields: '{}', workflow_id: `campaign/${campaignId}`,
    }).execute();
    await db.insertInto('campaign_variants').values({ campaign_id: campaignId, key: 'A', weight: 1, body: 'Hello' }).execute();
    activities = createBatchActivities({
      db, providers: createProviderResolver(db, cipher), logger: pino({ level: 'silent' }), publicBaseUrl: 'http://127.0.0.1:9', now: clock,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    await drop?.();
  });

  it('sends nothing to a contact who opted out after the batch was prepared', async () => {
    expect(await snapshotAudience(db, campaignId)).toBe(20);
    const env = new MockActivityEnvironment();
    const range = { campaignId, seqFrom: 1, seqTo: 20, batchWorkflowId: 'b1' };
    const prepared: Awaited<ReturnType<typeof activities.prepareBatch>> = await env.run((i: typeof range) => activities.prepareBatch(i), range);
    expect(prepared.filter((m) => m.status === 'queued')).toHaveLength(20);

    // STOP arrives between prepare and send.
    const stopped = contacts.slice(0, 3);
    await db.insertInto('consent_events').values(stopped.map((c) => ({
      account_id: accountId, contact_id: c.id, phone_e164: c.phone, status: 'opted_out' as const, source: 'keyword',
      occurred_at: clock(), proof: '{}', dedupe_key: `out:${c.phone}`,
    }))).execute();

    const sent: Awaited<ReturnType<typeof activities.sendMessages>> = await env.run((i: typeof range) => activities.sendMessages(i), range);
    const byStatus = (s: string) => sent.messages.filter((m) => m.status === s).length;
    expect(byStatus('suppressed')).toBe(3);
    expect(byStatus('submitted')).toBe(17);
    const received = sandbox.stats({ includeRecipients: true }).byRecipient;
    for (const c of stopped) expect(received[c.phone]).toBeUndefined();
    expect(Object.keys(received)).toHaveLength(17);

    // A retried activity sends nothing again.
    const again: Awaited<ReturnType<typeof activities.sendMessages>> = await env.run((i: typeof range) => activities.sendMessages(i), range);
    expect(again.messages.filter((m) => m.status === 'submitted')).toHaveLength(17);
    expect(sandbox.stats().accepted).toBe(17);
    expect(sandbox.stats().duplicateSubmits).toBe(0);
  });
});
