import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertConnectionRoute } from '../../src/db/connection-route-repository.js';
import type { FakeProvider } from '../helpers/fakes/fake-provider-server.js';
import { startPlivoFake } from '../helpers/fakes/plivo-fake.js';
import { startTelnyxFake } from '../helpers/fakes/telnyx-fake.js';
import { startTwilioFake } from '../helpers/fakes/twilio-fake.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { US_BUSINESS_HOURS } from '../helpers/test-clock.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** Six messages; the failover case retries the first sends (a 503 each) before the fallback carries them. */
const WAIT = deadlineFor({ messages: 12, dlrTimeoutS: 30 });

describe('routing by destination country and failover to a fallback connection', () => {
  let stack: TestStack;
  const fakes: FakeProvider[] = [];
  beforeAll(async () => {
    // Routes send to US numbers through real providers' adapters: pinned where they may be sent to.
    stack = await startTestStack({ clock: US_BUSINESS_HOURS });
    await stack.seedContacts(6);
    // Routes match on the destination's country, which needs valid numbers (the seeded +1 202 1xx
    // numbers have no country: NANP exchanges cannot start with 1). +1 201 555 02xx are valid US.
    await sql`UPDATE contacts SET phone_e164 = '+120155502' || right(phone_e164, 2)`.execute(stack.db);
  });
  afterAll(async () => {
    for (const f of fakes) await f.close();
    await stack?.close();
  });

  afterEach(async () => {
    await sql`DELETE FROM connection_routes`.execute(stack.db);
  });

  const connect = async (fake: FakeProvider): Promise<string> => {
    fakes.push(fake);
    const res = await stack.call<{ id: string }>('POST', '/v1/connections', { provider: fake.provider, name: fake.provider, ...fake.connection });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const runCampaign = async () => {
    const id = await stack.createCampaign({ batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 30, flush_interval_ms: 200 });
    const campaign = await stack.waitForCampaign(id, WAIT);
    const rows = await stack.db.selectFrom('messages').select(['status', 'connection_id']).where('campaign_id', '=', id).execute();
    return { campaign, rows };
  };

  it('a campaign route for US sends through that connection, not the campaign default', { timeout: testTimeoutFor(WAIT) }, async () => {
    const plivo = await startPlivoFake();
    const plivoId = await connect(plivo);
    await insertConnectionRoute(stack.db, { accountId: stack.accountId, campaignId: null, country: 'US', connectionId: plivoId, fallbackConnectionId: null });
    const { campaign, rows } = await runCampaign();
    await plivo.waitForIdle(10_000);
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('delivered'));
    expect(campaign.stats.totals.delivered).toBe(6);
    expect(plivo.sent).toHaveLength(6);
    expect(stack.sandbox.stats().accepted).toBe(0);
    expect(rows.every((r) => r.connection_id === plivoId && r.status === 'delivered')).toBe(true);
  });

  it('a primary that answers 503 is down after three sends; the fallback carries every message, none twice', { timeout: testTimeoutFor(WAIT) }, async () => {
    const twilio = await startTwilioFake({ failSendsWith: 503 });
    const telnyx = await startTelnyxFake();
    const primary = await connect(twilio);
    const fallback = await connect(telnyx);
    await insertConnectionRoute(stack.db, { accountId: stack.accountId, campaignId: null, country: 'US', connectionId: primary, fallbackConnectionId: fallback });
    const { campaign, rows } = await runCampaign();
    await telnyx.waitForIdle(10_000);
    expect(campaign.status).toBe('completed');
    expect(campaign.stats.totals.delivered).toBe(6);
    expect(twilio.sent).toHaveLength(0);
    expect(telnyx.sent).toHaveLength(6);
    expect(new Set(telnyx.sent.map((s) => s.to)).size).toBe(6);
    expect(rows.every((r) => r.connection_id === fallback && r.status === 'delivered')).toBe(true);
  });
});
