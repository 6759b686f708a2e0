import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { spawnWorkerProcess, stopWorkerProcess } from '../helpers/worker-process.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** One campaign of 60 (first test) or both of 120 at once and the transactional one (second test). */
const WAIT = {
  SIXTY: deadlineFor({ messages: 60, dlrTimeoutS: 30 }),
  TWO_OF_120: deadlineFor({ messages: 240, dlrTimeoutS: 30 }),
  TX_120: deadlineFor({ messages: 120, dlrTimeoutS: 30 }),
};

describe('frequency cap across campaigns', () => {
  let stack: TestStack | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await stopWorkerProcess(child);
    child = undefined;
    await stack?.close();
    stack = undefined;
  });

  it('at most N marketing messages per contact per period: the rest are suppressed with reason frequency_cap; the period follows the business clock', { timeout: testTimeoutFor(WAIT.SIXTY, WAIT.SIXTY, WAIT.SIXTY, WAIT.SIXTY) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(60);
    const base = { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 };
    const first = await stack.waitForCampaign(await stack.createCampaign(base), WAIT.SIXTY);
    expect(first.stats.totals.sent).toBe(60);

    const capped = await stack.waitForCampaign(await stack.createCampaign({ ...base, frequency_cap: { max_messages: 1, period_seconds: 86_400 } } as never), WAIT.SIXTY);
    expect(capped.stats.totals.sent).toBe(0);
    expect(capped.stats.totals.reasons['frequency_cap']).toBe(60);

    const roomy = await stack.waitForCampaign(await stack.createCampaign({ ...base, frequency_cap: { max_messages: 2, period_seconds: 86_400 } } as never), WAIT.SIXTY);
    expect(roomy.stats.totals.sent).toBe(60);
    const sb = stack.sandbox.stats({ includeRecipients: true });
    expect(Object.values(sb.byRecipient).every((n) => n === 2)).toBe(true);

    // A day later by the stack's clock (the business clock of the worker), the cap of 1 a day lets each one more through.
    stack.clock.set(new Date(stack.clock().getTime() + 86_400_000 + 60_000).toISOString());
    const nextDay = await stack.waitForCampaign(await stack.createCampaign({ ...base, frequency_cap: { max_messages: 1, period_seconds: 86_400 } } as never), WAIT.SIXTY);
    expect(nextDay.stats.totals.sent).toBe(60);
    expect(nextDay.stats.totals.reasons['frequency_cap']).toBeUndefined();
  });

  it('account cap of 1 a day: two campaigns to the same audience started together on two workers reach each contact exactly once; a transactional campaign is not capped', { timeout: testTimeoutFor(WAIT.TWO_OF_120, WAIT.TX_120) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    child = spawnWorkerProcess(stack); // a second worker process on the same task queue
    const contacts = await stack.seedContacts(120);
    const cap = await stack.call('PATCH', '/v1/account/settings', { frequency_cap: { max_messages: 1, period_seconds: 86_400 } });
    expect(cap.status).toBe(200);
    const base = { batch_size: 50, max_concurrent_batches: 3, dlr_timeout_seconds: 30, flush_interval_ms: 300 };
    const ids = await Promise.all([stack.createCampaign(base), stack.createCampaign(base)]);
    const [one, two] = await Promise.all(ids.map((id) => stack!.waitForCampaign(id, WAIT.TWO_OF_120)));

    // What the provider received: every contact exactly one message.
    const received = stack.sandbox.stats({ includeRecipients: true }).byRecipient;
    expect(Object.keys(received)).toHaveLength(120);
    expect(Object.values(received).every((n) => n === 1)).toBe(true);
    expect(one!.stats.totals.sent + two!.stats.totals.sent).toBe(120);
    expect((one!.stats.totals.reasons['frequency_cap'] ?? 0) + (two!.stats.totals.reasons['frequency_cap'] ?? 0)).toBe(120);
    const perContact = await sql<{ sent: number; capped: number }>`
      SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL)::int AS sent,
             count(*) FILTER (WHERE status = 'suppressed' AND status_reason = 'frequency_cap')::int AS capped
      FROM messages WHERE campaign_id = ANY (${ids}::uuid[]) GROUP BY contact_id`.execute(stack.db);
    expect(perContact.rows).toHaveLength(120);
    expect(perContact.rows.every((r) => r.sent === 1 && r.capped === 1)).toBe(true);

    // Transactional: exempt from the account cap (its audience needs transactional consent).
    await stack.db
      .insertInto('consent_events')
      .values(contacts.map((id, i) => ({ account_id: stack!.accountId, contact_id: id, phone_e164: `+1202${String(1_000_000 + i).padStart(7, '0')}`, purpose: 'transactional', status: 'opted_in' as const, source: 'test_seed', occurred_at: new Date(stack!.clock().getTime() - 86_400_000), proof: '{}', dedupe_key: `seed-tx:${id}` })))
      .execute();
    const tx = await stack.call<{ id: string; purpose: string }>('POST', '/v1/campaigns', {
      name: 'order updates', connection_id: stack.connectionId, sender: '+12015550100', purpose: 'transactional',
      variants: [{ key: 'A', weight: 1, body: 'Your order has shipped.' }], settings: base,
    });
    expect(tx.status).toBe(201);
    expect(tx.body.purpose).toBe('transactional');
    const done = await stack.waitForCampaign(tx.body.id, WAIT.TX_120);
    expect(done.stats.totals.sent).toBe(120);
    expect(done.stats.totals.reasons['frequency_cap']).toBeUndefined();
    expect(Object.values(stack.sandbox.stats({ includeRecipients: true }).byRecipient).every((n) => n === 2)).toBe(true);
  });
});
