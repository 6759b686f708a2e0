import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** 30 two-segment messages, then 5 replies through the inbound workflows. */
const WAIT = { CAMPAIGN: deadlineFor({ messages: 30, segments: 2, dlrTimeoutS: 30 }), REPLIES: deadlineFor({ messages: 5 }) };

interface Counts {
  sent: number;
  segments: number;
  opt_outs: number;
  replies: number;
  estimated_cost: Record<string, number>;
  unpriced_messages: number;
}

describe('campaign stats: opt-outs and estimated cost', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('counts attributed STOPs apart from other replies, and prices sent segments by the recipient country', { timeout: testTimeoutFor(WAIT.CAMPAIGN, WAIT.REPLIES) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(30);
    expect((await stack.call('PUT', '/v1/templates/prices/US', { price_per_segment: 0.0079, currency: 'USD' })).status).toBe(200);
    // Two segments per message (over 160 GSM-7 septets), so the cost counts segments, not messages.
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 }, [
      { key: 'A', weight: 1, body: `Hi {{ first_name }}, ${'spring sale on every item in store today only, '.repeat(3)}reply STOP to opt out.` },
    ]);
    const done = await stack.waitForCampaign(id, WAIT.CAMPAIGN);
    expect(done.status).toBe('completed');
    const sent = await stack.db.selectFrom('messages').select(['to_e164', 'segments']).where('campaign_id', '=', id).where('submitted_at', 'is not', null).execute();
    expect(sent).toHaveLength(30);
    expect(sent.every((m) => m.segments === 2)).toBe(true);

    for (const m of sent.slice(0, 3)) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'STOP' });
    for (const m of sent.slice(3, 5)) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'Which store?' });
    const deadline = Date.now() + WAIT.REPLIES;
    let totals: Counts;
    for (;;) {
      totals = (await stack.call<{ stats: { totals: Counts } }>('GET', `/v1/campaigns/${id}`)).body.stats.totals;
      if (totals.replies === 5 && totals.opt_outs === 3) break;
      if (Date.now() > deadline) throw new Error(`replies not attributed: ${JSON.stringify(totals)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(totals.segments).toBe(60);
    expect(totals.estimated_cost).toEqual({ USD: 0.474 }); // 60 segments × 0.0079
    expect(totals.unpriced_messages).toBe(0);
  });
});
