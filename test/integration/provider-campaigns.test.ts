import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCallbackOptions, FakeProvider } from '../helpers/fakes/fake-provider-server.js';
import { startGenericHttpFake } from '../helpers/fakes/generic-http-fake.js';
import { startInfobipFake } from '../helpers/fakes/infobip-fake.js';
import { startMessageBirdFake } from '../helpers/fakes/messagebird-fake.js';
import { startPlivoFake } from '../helpers/fakes/plivo-fake.js';
import { startSinchFake } from '../helpers/fakes/sinch-fake.js';
import { startTelnyxFake } from '../helpers/fakes/telnyx-fake.js';
import { startTwilioFake } from '../helpers/fakes/twilio-fake.js';
import { startVonageFake } from '../helpers/fakes/vonage-fake.js';
import { countWhere, startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { US_BUSINESS_HOURS } from '../helpers/test-clock.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** Every callback misbehaves like real providers do: twice, final before intermediate, the last one late. */
const MISBEHAVING: FakeCallbackOptions = { duplicate: true, reorder: true, lateMs: 300 };

const FAKES: Array<[string, () => Promise<FakeProvider>]> = [
  ['twilio', () => startTwilioFake({ callbacks: MISBEHAVING })],
  ['vonage', () => startVonageFake({ callbacks: MISBEHAVING })],
  ['plivo', () => startPlivoFake({ callbacks: MISBEHAVING })],
  ['telnyx', () => startTelnyxFake({ callbacks: MISBEHAVING })],
  ['sinch', () => startSinchFake({ callbacks: MISBEHAVING })],
  ['infobip', () => startInfobipFake({ callbacks: MISBEHAVING })],
  ['messagebird', () => startMessageBirdFake({ callbacks: MISBEHAVING })],
  ['generic-http', () => startGenericHttpFake({ callbacks: MISBEHAVING })],
];

const RECIPIENTS = 6;
const SENDER = '+12015550100';
/** The campaign, then the late callbacks (300 ms late, twice) and one MO. */
const WAIT = { CAMPAIGN: deadlineFor({ messages: RECIPIENTS, dlrTimeoutS: 30 }), CALLBACKS: deadlineFor({ messages: 1 }) };

describe('a campaign runs through each provider adapter against its loopback fake', () => {
  let stack: TestStack;
  let phones: string[];
  beforeAll(async () => {
    // Real providers' adapters never skip quiet hours and the recipients are US numbers: the clock is
    // pinned where they may be sent to, whatever the hour the suite runs at.
    stack = await startTestStack({ clock: US_BUSINESS_HOURS });
    await stack.seedContacts(RECIPIENTS);
    phones = (await stack.db.selectFrom('contacts').select('phone_e164').orderBy('phone_e164').execute()).map((r) => r.phone_e164);
  });
  afterAll(async () => stack?.close());

  it.each(FAKES)('%s: all messages final and delivered, DLRs and an MO in the normalised model, a forged webhook refused', { timeout: testTimeoutFor(WAIT.CAMPAIGN, WAIT.CALLBACKS, WAIT.CALLBACKS) }, async (_name, start) => {
    const fake = await start();
    try {
      const conn = await stack.call<{ id: string; webhooks: { dlr: string; mo: string } }>('POST', '/v1/connections', { provider: fake.provider, name: fake.provider, ...fake.connection });
      expect(conn.status).toBe(201);
      const connectionId = conn.body.id;
      const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
        name: `via ${fake.provider}`,
        connection_id: connectionId,
        sender: SENDER,
        variants: [{ key: 'A', weight: 1, body: 'Hi {{ first_name }}, reply STOP to opt out.' }],
        settings: { batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 30, flush_interval_ms: 200 },
      });
      expect(created.status).toBe(201);
      const campaign = await stack.waitForCampaign(created.body.id, WAIT.CAMPAIGN);
      await fake.waitForIdle(WAIT.CALLBACKS);
      await stack.api.dispatcher.sweep();

      expect(campaign.status).toBe('completed');
      expect(campaign.stats.totals.messages).toBe(RECIPIENTS);
      expect(campaign.stats.totals.delivered).toBe(RECIPIENTS);
      expect(fake.sent.map((s) => s.to.replace(/^\+?/, '+')).sort()).toEqual(phones);
      const statuses = await stack.db.selectFrom('messages').select(['status', 'provider_message_id']).where('campaign_id', '=', created.body.id).execute();
      expect(statuses.every((m) => m.status === 'delivered' && m.provider_message_id !== null)).toBe(true);
      // Every callback was verified and parsed (2xx), duplicates included; each receipt logged once.
      expect(fake.callbackStatuses.every((s) => s === 200)).toBe(true);
      const dlrEvents = await countWhere(stack.db, 'webhook_events', `connection_id = '${connectionId}' AND kind = 'dlr'`);
      expect(dlrEvents).toBe(fake.callbackStatuses.length / 2);

      fake.sendInbound({ from: phones[0]!, to: SENDER, body: 'What time do you open?', url: conn.body.webhooks.mo });
      await fake.waitForIdle(WAIT.CALLBACKS);
      const inbound = await stack.db.selectFrom('inbound_messages').select(['from_e164', 'body']).where('connection_id', '=', connectionId).execute();
      expect(inbound).toEqual([{ from_e164: phones[0], body: 'What time do you open?' }]);

      const forged = fake.forgedDlr(conn.body.webhooks.dlr);
      const res = await fetch(forged.url, { method: forged.method, headers: forged.headers, ...(forged.body === undefined ? {} : { body: forged.body }) });
      expect(res.status).toBe(401);
      expect(await countWhere(stack.db, 'webhook_events', `connection_id = '${connectionId}'`)).toBe(dlrEvents + 1);
    } finally {
      await fake.close();
    }
  });
});
