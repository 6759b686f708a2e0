import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

describe('frequency cap across campaigns', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('at most N marketing messages per contact per period: the rest are suppressed with reason frequency_cap', async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(60);
    const base = { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 };
    const first = await stack.waitForCampaign(await stack.createCampaign(base), 60_000);
    expect(first.stats.totals.sent).toBe(60);

    const capped = await stack.waitForCampaign(await stack.createCampaign({ ...base, frequency_cap: { max_messages: 1, period_seconds: 86_400 } } as never), 60_000);
    expect(capped.stats.totals.sent).toBe(0);
    expect(capped.stats.totals.reasons['frequency_cap']).toBe(60);

    const roomy = await stack.waitForCampaign(await stack.createCampaign({ ...base, frequency_cap: { max_messages: 2, period_seconds: 86_400 } } as never), 60_000);
    expect(roomy.stats.totals.sent).toBe(60);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    expect(Object.values(sb.byRecipient).every((n) => n === 2)).toBe(true);
  });
});
