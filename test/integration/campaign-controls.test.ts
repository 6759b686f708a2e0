import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';

/** Waits until the sandbox accepted `n` sends, by the deadline of that much work. */
async function waitForAccepted(stack: TestStack, n: number, mps?: number): Promise<void> {
  await pollUntil(`${n} sends accepted`, () => stack.sandbox.stats().accepted >= n, deadlineFor({ messages: n, ...(mps ? { mps } : {}) }), 50);
}

/** Deadlines from the work (work-deadline.ts). The sandbox limits the first test to 15 sends/s. */
const WAIT = {
  RATE_LIMITED: deadlineFor({ messages: 600, mps: 15, dlrTimeoutS: 60 }),
  PAUSE_RESUME: deadlineFor({ messages: 1_500, dlrTimeoutS: 60 }),
  PACED: deadlineFor({ messages: 60, mps: 10, dlrTimeoutS: 60 }),
};

describe('campaign controls', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('cancel while the provider is rate limiting (429s): the campaign ends canceled and every recipient has exactly one message', { timeout: testTimeoutFor(deadlineFor({ messages: 40, mps: 15 }), WAIT.RATE_LIMITED) }, async () => {
    stack = await startTestStack({ sandbox: { maxSendsPerSecond: 15, outcomes: { delivered: 1 } } });
    await stack.seedContacts(600);
    const id = await stack.createCampaign({ batch_size: 100, max_concurrent_batches: 3, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    await waitForAccepted(stack, 40, 15);
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`)).status).toBe(202);
    const campaign = await stack.waitForCampaign(id, WAIT.RATE_LIMITED);
    await stack.sandbox.waitForIdle(20_000);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    const t = campaign.stats.totals;
    expect(campaign.status).toBe('canceled');
    expect(t.messages).toBe(600);
    expect(t.pending).toBe(0);
    expect(t.sent).toBe(sb.accepted);
    expect(t.reasons.canceled).toBe(t.suppressed);
    expect(t.suppressed + t.sent).toBe(600);
    expect(Object.values(sb.byRecipient).every((n) => n === 1)).toBe(true);
  });

  it('pause stops sending within seconds; resume finishes without duplicates', { timeout: testTimeoutFor(deadlineFor({ messages: 100 }), 5_000, WAIT.PAUSE_RESUME) }, async () => {
    stack = await startTestStack({ sandbox: { submitLatencyMs: { min: 20, max: 30 }, outcomes: { delivered: 1 } } });
    await stack.seedContacts(1_500);
    const id = await stack.createCampaign({ batch_size: 100, max_concurrent_batches: 2, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    await waitForAccepted(stack, 100);
    expect((await stack.call('POST', `/v1/campaigns/${id}/pause`)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 3_000)); // in-flight provider calls finish
    const afterPause = stack.sandbox.stats().accepted;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(stack.sandbox.stats().accepted).toBe(afterPause); // nothing more while paused
    expect(afterPause).toBeLessThan(1_500);
    expect((await stack.call('POST', `/v1/campaigns/${id}/resume`)).status).toBe(202);
    const campaign = await stack.waitForCampaign(id, WAIT.PAUSE_RESUME);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    expect(campaign.status).toBe('completed');
    expect(campaign.stats.totals.sent).toBe(1_500);
    expect(sb.accepted).toBe(1_500);
    expect(Object.values(sb.byRecipient).every((n) => n === 1)).toBe(true);
  });
  it('while paused mid-batch on a paced sender, receipts of what was sent keep landing; resume sends the rest once', { timeout: testTimeoutFor(deadlineFor({ messages: 15, mps: 10 }), 10_000, WAIT.PACED) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 }, dlrDelayMs: { min: 10, max: 50 } } });
    expect((await stack.call('POST', '/v1/senders', { connection_id: stack.connectionId, type: 'long_code', address: '+12015550100', mps: 10 })).status).toBe(201);
    await stack.seedContacts(60);
    // One batch of 60 at 10 MPS: about 6 s of sending, paused in the middle of it.
    const id = await stack.createCampaign({ batch_size: 60, max_concurrent_batches: 1, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    await waitForAccepted(stack, 15, 10);
    expect((await stack.call('POST', `/v1/campaigns/${id}/pause`)).status).toBe(202);
    // Within seconds: nothing more is sent, and every receipt of what was sent is in the stats.
    let delivered = -1;
    let accepted = 0;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      accepted = stack.sandbox.stats().accepted;
      delivered = (await stack.call<{ stats: { totals: { delivered: number } } }>('GET', `/v1/campaigns/${id}`)).body.stats.totals.delivered;
      if (delivered === accepted && i >= 20) break;
    }
    expect(accepted).toBeLessThan(60);
    expect(delivered).toBe(accepted);
    expect((await stack.call<{ status: string }>('GET', `/v1/campaigns/${id}`)).body.status).toBe('paused');
    expect((await stack.call('POST', `/v1/campaigns/${id}/resume`)).status).toBe(202);
    const campaign = await stack.waitForCampaign(id, WAIT.PACED);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    expect(campaign.status).toBe('completed');
    expect(campaign.stats.totals.delivered).toBe(60);
    expect(Object.values(sb.byRecipient).every((n) => n === 1)).toBe(true);
  });
});
