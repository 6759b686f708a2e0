import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** Far below Temporal's 10,240-event warning (and 51,200 limit) at any audience size. */
const MAX_EVENTS_PER_HISTORY = 1_000;

const WAIT = deadlineFor({ messages: 20_000, dlrTimeoutS: 300 });

describe('a large campaign keeps every workflow history bounded', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ sandbox: { dlrDelayMs: { min: 10, max: 200 } } });
  });
  afterAll(async () => stack?.close());

  it('20,000 recipients: the campaign continues-as-new and no history exceeds the bound', { timeout: testTimeoutFor(WAIT) }, async () => {
    await stack.seedContacts(20_000);
    const id = await stack.createCampaign({
      batch_size: 500,
      max_concurrent_batches: 6,
      dlr_timeout_seconds: 300,
      flush_interval_ms: 1_000,
      continue_as_new_after_batches: 10,
    });
    const campaign = await stack.waitForCampaign(id, WAIT);
    expect(campaign.status).toBe('completed');
    expect(campaign.stats.totals.messages).toBe(20_000);
    expect(campaign.stats.totals.pending).toBe(0);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    expect(campaign.stats.totals.sent).toBe(sb.accepted);
    expect(Object.values(sb.byRecipient).every((n) => n === 1)).toBe(true);

    const client = stack.env.client.workflow;
    const runs: string[] = [];
    for await (const wf of client.list({ query: `WorkflowId = "campaign/${id}"` })) runs.push(wf.runId);
    // 40 batches, at most 10 started per run: at least 4 runs.
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const lengths: number[] = [];
    for (const runId of runs) lengths.push((await client.getHandle(`campaign/${id}`, runId).fetchHistory()).events?.length ?? 0);
    for (let n = 1; n <= 40; n++) {
      lengths.push((await client.getHandle(`campaign/${id}/batch/${n}`).fetchHistory()).events?.length ?? 0);
    }
    expect(lengths).toHaveLength(runs.length + 40);
    expect(Math.max(...lengths)).toBeLessThan(MAX_EVENTS_PER_HISTORY);
    expect(Math.min(...lengths)).toBeGreaterThan(0);
  });
});
