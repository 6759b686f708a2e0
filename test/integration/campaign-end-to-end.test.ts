import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack, CampaignBody } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

const WAIT = deadlineFor({ messages: 500, dlrTimeoutS: 60 });

describe('a campaign runs end to end on Temporal, PostgreSQL and the sandbox provider', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ sandbox: { duplicateRate: 0.2, reorderRate: 0.2, dlrDelayMs: { min: 20, max: 300 } } });
  });
  afterAll(async () => stack?.close());

  it('sends 500 recipients, reaches all-final, and its stats equal what the sandbox recorded', { timeout: testTimeoutFor(WAIT) }, async () => {
    await stack.seedContacts(500, (i) => ({ tier: i % 2 === 0 ? 'gold' : 'silver' }));
    const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'Spring sale',
      connection_id: stack.connectionId,
      sender: '+12015550100',
      variants: [
        { key: 'A', weight: 1, body: 'Hi {{ first_name }}, {{ campaign.offer }} today only. Reply STOP to opt out.' },
        { key: 'B', weight: 1, body: '{{ first_name | upcase }}: your {{ tier }} offer is {{ campaign.offer }}. STOP to end' },
      ],
      fields: { offer: '20% off' },
      settings: { batch_size: 100, max_concurrent_batches: 3, dlr_timeout_seconds: 60, flush_interval_ms: 300 },
    });
    expect(created.status).toBe(201);
    const campaign: CampaignBody = await stack.waitForCampaign(created.body.id, WAIT);
    await stack.sandbox.waitForIdle(10_000);
    // Late duplicates may still be on their way through the dispatcher: let it settle.
    await stack.api.dispatcher.sweep();

    const sandbox = stack.sandbox.stats({ includeRecipients: true });
    const totals = campaign.stats.totals;
    expect(campaign.status).toBe('completed');
    expect(totals.messages).toBe(500);
    expect(totals.pending).toBe(0);
    expect(totals.sent).toBe(sandbox.accepted);
    expect(totals.rejected).toBe(sandbox.rejected);
    expect(totals.delivered).toBe(sandbox.outcomes.delivered);
    expect(totals.undelivered).toBe(sandbox.outcomes.undelivered);
    expect(totals.failed).toBe(sandbox.outcomes.failed);
    expect(sandbox.duplicateSubmits).toBe(0);
    expect(Object.values(sandbox.byRecipient).every((n) => n === 1)).toBe(true);
    expect(Object.keys(sandbox.byRecipient)).toHaveLength(sandbox.accepted);
    // Both variants got traffic and add up to the total.
    expect(campaign.stats.variants.map((v) => v.key)).toEqual(['A', 'B']);
    expect(campaign.stats.variants.reduce((a, v) => a + (v.messages ?? 0), 0)).toBe(500);

    // Rendered per recipient: no literal placeholders reached the provider.
    const bodies = await stack.db.selectFrom('messages').select(['body', 'variant_key']).execute();
    expect(bodies.every((b) => !b.body.includes('{{'))).toBe(true);
    expect(bodies.some((b) => b.variant_key === 'A' && /^Hi Name\d+, 20% off today only/.test(b.body))).toBe(true);
    expect(bodies.some((b) => b.variant_key === 'B' && /^NAME\d+: your (gold|silver) offer is 20% off/.test(b.body))).toBe(true);
  });
});
