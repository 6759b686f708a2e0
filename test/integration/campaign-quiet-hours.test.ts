import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { enforceQuietHoursOnSandbox, numbersInAreaCode, seedLocatedContacts } from '../helpers/seed-located-contacts.js';

/**
 * An activity clock that runs at real speed from a fake instant; `set` moves it (call it just before
 * creating the campaign, so a slow stack start-up does not eat the lead time); `realOf` maps a fake
 * instant back to real time.
 */
function shiftedClock(fakeIso: string) {
  let offset = Date.parse(fakeIso) - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set: (iso: string) => void (offset = Date.parse(iso) - Date.now()),
    realOf: (iso: string) => Date.parse(iso) - offset,
  };
}

/** The sandbox's records of messages to any of `numbers`. */
function sandboxRecords(stack: TestStack, numbers: string[]) {
  return numbers.flatMap((to) => stack.sandbox.messages({ to }));
}

const BODY = [{ key: 'A', weight: 1, body: 'Hi, reply STOP to opt out.' }];

describe('quiet hours through the API on a real campaign', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('New Jersey before 08:00 waits for the window (durable timer) then sends; Texas past the validity is suppressed quiet_hours', async () => {
    // Tuesday 16 June 2026, 07:59:52 EDT in New Jersey (06:59 CDT in Texas, whose window opens at 09:00).
    const clock = shiftedClock('2026-06-16T11:59:45Z');
    stack = await startTestStack({ activityClock: clock.now, sandbox: { outcomes: { delivered: 1 } } });
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const nj = numbersInAreaCode('201', 30);
    const tx = numbersInAreaCode('214', 20);
    await seedLocatedContacts(stack.db, stack.accountId, [...nj, ...tx]);
    clock.set('2026-06-16T11:59:45Z'); // 07:59:45 in New Jersey: 15 s before its window opens
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, validity_seconds: 60 }, BODY);

    // Nothing may reach the provider before 08:00 New Jersey time.
    const releaseReal = clock.realOf('2026-06-16T12:00:00Z');
    await new Promise((r) => setTimeout(r, Math.max(0, releaseReal - Date.now() - 1_500)));
    expect(stack.sandbox.stats().accepted).toBe(0);
    const deferred = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages WHERE campaign_id = ${id} AND status = 'queued' AND not_before = '2026-06-16T12:00:00Z'`.execute(stack.db);
    expect(deferred.rows[0]!.n).toBe(30);

    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(campaign.status).toBe('completed');
    const sent = sandboxRecords(stack, [...nj, ...tx]);
    expect(sent.map((m) => m.to).sort()).toEqual([...nj].sort());
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(releaseReal - 50);
    const t = campaign.stats.totals;
    expect(t.delivered).toBe(30);
    expect(t.suppressed).toBe(20);
    expect(t.reasons['quiet_hours']).toBe(20);
  });

  it('20:59 in New Jersey is already quiet (state 20:00), 20:59 in Washington DC is not (federal 21:00)', async () => {
    const clock = shiftedClock('2026-06-16T00:59:00Z'); // Monday 15 June 2026 20:59 EDT
    stack = await startTestStack({ activityClock: clock.now, sandbox: { outcomes: { delivered: 1 } } });
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const nj = numbersInAreaCode('973', 10);
    const dc = numbersInAreaCode('202', 10);
    await seedLocatedContacts(stack.db, stack.accountId, [...nj, ...dc]);
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, validity_seconds: 3_600 }, BODY);
    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(sandboxRecords(stack, [...nj, ...dc]).map((m) => m.to).sort()).toEqual([...dc].sort());
    expect(campaign.stats.totals.reasons['quiet_hours']).toBe(10);
  });

  it('a sandbox connection that did not opt in skips quiet hours (the loopback provider reaches no handset)', async () => {
    const clock = shiftedClock('2026-06-16T00:59:00Z'); // 20:59 EDT
    stack = await startTestStack({ activityClock: clock.now, sandbox: { outcomes: { delivered: 1 } } });
    const nj = numbersInAreaCode('973', 5);
    await seedLocatedContacts(stack.db, stack.accountId, nj);
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 }, BODY);
    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(campaign.stats.totals.delivered).toBe(5);
  });

  it('a campaign window override narrows the send time; a bad window is a 422 naming the field', async () => {
    const clock = shiftedClock('2026-06-16T13:59:50Z'); // 09:59:50 EDT; override 10:00-18:00
    stack = await startTestStack({ activityClock: clock.now, sandbox: { outcomes: { delivered: 1 } } });
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const ny = numbersInAreaCode('212', 5);
    await seedLocatedContacts(stack.db, stack.accountId, ny);
    const bad = await stack.call<{ errors?: { field: string }[] }>('POST', '/v1/campaigns', {
      name: 'bad', connection_id: stack.connectionId, sender: '+12015550100', variants: BODY, settings: { quiet_hours_window: '21:00-08:00' },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('quiet_hours_window');
    clock.set('2026-06-16T13:59:50Z');
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, quiet_hours_window: '10:00-18:00' }, BODY);
    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(campaign.status).toBe('completed');
    const releaseReal = clock.realOf('2026-06-16T14:00:00Z');
    const sent = sandboxRecords(stack, ny);
    expect(sent).toHaveLength(5);
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(releaseReal - 50);
  });
  it('a campaign window that never overlaps the legal one suppresses every message, and says why', async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const ny = numbersInAreaCode('212', 3);
    await seedLocatedContacts(stack.db, stack.accountId, ny);
    // US federal window 08:00-21:00 (TCPA): a campaign window of 03:00-04:00 can only narrow it, to nothing.
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, quiet_hours_window: '03:00-04:00' }, BODY);
    const campaign = await stack.waitForCampaign(id, 60_000);
    expect(campaign.status).toBe('completed');
    expect(sandboxRecords(stack, ny)).toHaveLength(0);
    const rows = await stack.db.selectFrom('messages').select(['status', 'status_reason', 'error_text']).where('campaign_id', '=', id).execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toEqual({ status: 'suppressed', status_reason: 'quiet_hours', error_text: "the campaign's quiet_hours_window never overlaps the recipient's legal sending window" });
  });
});
