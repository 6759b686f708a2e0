import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlivoFake } from '../helpers/fakes/plivo-fake.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { US_BUSINESS_HOURS } from '../helpers/test-clock.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

const WAIT = deadlineFor({ messages: 4, dlrTimeoutS: 30 });

describe('an opt-out the provider reports only in a receipt reaches the consent ledger', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Plivo's adapter never skips quiet hours and the recipients are US numbers: pinned where they may be sent to.
    stack = await startTestStack({ clock: US_BUSINESS_HOURS });
    await stack.seedContacts(4);
  });
  afterAll(async () => stack?.close());

  it('Plivo accepts the send, then reports failed + ErrorCode 200 (DND): rejected/opted_out and a provider opt-out', { timeout: testTimeoutFor(WAIT) }, async () => {
    const plivo = await startPlivoFake({ outcomes: { '12021000002': { status: 'failed', errorCode: 200 } } });
    try {
      const conn = await stack.call<{ id: string }>('POST', '/v1/connections', { provider: 'plivo', name: 'plivo', ...plivo.connection });
      const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
        name: 'dnd',
        connection_id: conn.body.id,
        sender: '+12015550100',
        variants: [{ key: 'A', weight: 1, body: 'Hello {{ first_name }}' }],
        settings: { batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 30, flush_interval_ms: 200 },
      });
      expect(created.status).toBe(201);
      const campaign = await stack.waitForCampaign(created.body.id, WAIT);
      expect(plivo.sent).toHaveLength(4);
      expect(campaign.stats.totals.delivered).toBe(3);
      expect(campaign.stats.totals.reasons.opted_out).toBe(1);
      const ledger = await stack.db
        .selectFrom('consent_current as cc')
        .innerJoin('contacts as c', 'c.id', 'cc.contact_id')
        .innerJoin('consent_events as e', 'e.id', 'cc.event_id')
        .select(['c.phone_e164', 'cc.status', 'e.source'])
        .where('cc.status', '=', 'opted_out')
        .execute();
      expect(ledger).toEqual([{ phone_e164: '+12021000002', status: 'opted_out', source: 'provider' }]);
    } finally {
      await plivo.close();
    }
  });
});
