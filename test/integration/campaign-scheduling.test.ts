import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { numbersInAreaCode, seedLocatedContacts } from '../helpers/seed-located-contacts.js';

const BODY = [{ key: 'A', weight: 1, body: 'Hi, reply STOP to opt out.' }];

describe('campaign scheduling through the API', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('start_at: the workflow waits on a durable timer (progress "scheduled"), then sends everything', async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    const numbers = numbersInAreaCode('212', 20);
    // GB with an all-day campaign window (GB's default is not binding), so the wall clock never interferes.
    await seedLocatedContacts(stack.db, stack.accountId, numbers, { timeZone: 'Europe/London', country: 'GB' });
    const startAt = Date.now() + 5_000;
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, start_at: new Date(startAt).toISOString(), quiet_hours_window: '00:00-24:00' }, BODY);
    await new Promise((r) => setTimeout(r, 2_000));
    const early = await stack.call<{ progress: { status: string } | null; settings: Record<string, unknown> }>('GET', `/v1/campaigns/${id}`);
    expect(early.body.progress?.status).toBe('scheduled');
    expect(early.body.settings['start_at']).toBe(new Date(startAt).toISOString());
    expect(stack.sandbox.stats().accepted).toBe(0);
    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(campaign.status).toBe('completed');
    const sent = numbers.flatMap((to) => stack!.sandbox.messages({ to }));
    expect(sent).toHaveLength(20);
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(startAt);
  });

  it('start_at: cancel before the start sends nothing and ends canceled', async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await seedLocatedContacts(stack.db, stack.accountId, numbersInAreaCode('212', 5));
    const id = await stack.createCampaign({ start_at: new Date(Date.now() + 600_000).toISOString() }, BODY);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`)).status).toBe(202);
    const campaign = await stack.waitForCampaign(id, 30_000);
    expect(campaign.status).toBe('canceled');
    expect(stack.sandbox.stats().accepted).toBe(0);
  });

  it('send_at_local_time 10:00: New York goes at 10:00 New York time; Los Angeles, 3 hours later, is past the validity', async () => {
    let offset = 0;
    stack = await startTestStack({ activityClock: () => new Date(Date.now() + offset), sandbox: { outcomes: { delivered: 1 } } });
    const ny = numbersInAreaCode('212', 10);
    const la = numbersInAreaCode('213', 10);
    await seedLocatedContacts(stack.db, stack.accountId, [...ny, ...la]);
    offset = Date.parse('2026-06-16T13:59:50Z') - Date.now(); // from now on: 09:59:50 EDT, 06:59:50 PDT
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, send_at_local_time: '10:00', validity_seconds: 600 }, BODY);
    const campaign = await stack.waitForCampaign(id, 60_000);
    const tenNewYork = Date.parse('2026-06-16T14:00:00Z') - offset;
    const sent = [...ny, ...la].flatMap((to) => stack!.sandbox.messages({ to }));
    expect(sent.map((m) => m.to).sort()).toEqual([...ny].sort());
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(tenNewYork - 50);
    expect(campaign.stats.totals.reasons['expired']).toBe(10);
  });
});
