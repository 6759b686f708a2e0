import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { enforceQuietHoursOnSandbox, numbersInAreaCode, seedLocatedContacts } from '../helpers/seed-located-contacts.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** The sandbox's records of messages to any of `numbers`. */
function sandboxRecords(stack: TestStack, numbers: string[]) {
  return numbers.flatMap((to) => stack.sandbox.messages({ to }));
}

const BODY = [{ key: 'A', weight: 1, body: 'Hi, reply STOP to opt out.' }];

/** Deadlines from the work (work-deadline.ts): messages, DLR timeout, the planned wait for a window. */
const WAIT = {
  NJ_MORNING: deadlineFor({ messages: 50, dlrTimeoutS: 30, plannedMs: 15_000 }),
  NJ_EVENING: deadlineFor({ messages: 20, dlrTimeoutS: 30 }),
  SANDBOX_EVENING: deadlineFor({ messages: 5, dlrTimeoutS: 30 }),
  OVERRIDE: deadlineFor({ messages: 5, dlrTimeoutS: 30, plannedMs: 10_000 }),
  NEVER_OPEN: deadlineFor({ messages: 3 }),
};

/**
 * Every test fixes its stack's clock (test-clock.ts) at the instant its subject needs; `clock.set`
 * just before creating the campaign keeps a slow stack start-up from eating the lead time, and
 * `clock.realOf` maps an instant of that clock back to real time.
 */
describe('quiet hours through the API on a real campaign', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('New Jersey before 08:00 waits for the window (durable timer) then sends; Texas past the validity is suppressed quiet_hours', { timeout: testTimeoutFor(WAIT.NJ_MORNING) }, async () => {
    // Tuesday 16 June 2026, 07:59:52 EDT in New Jersey (06:59 CDT in Texas, whose window opens at 09:00).
    stack = await startTestStack({ clock: '2026-06-16T11:59:45Z', sandbox: { outcomes: { delivered: 1 } } });
    const clock = stack.clock;
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const nj = numbersInAreaCode('201', 30);
    const tx = numbersInAreaCode('214', 20);
    await seedLocatedContacts(stack, [...nj, ...tx]);
    clock.set('2026-06-16T11:59:45Z'); // 07:59:45 in New Jersey: 15 s before its window opens
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, validity_seconds: 60 }, BODY);

    // Nothing may reach the provider before 08:00 New Jersey time.
    const releaseReal = clock.realOf('2026-06-16T12:00:00Z');
    await new Promise((r) => setTimeout(r, Math.max(0, releaseReal - Date.now() - 1_500)));
    expect(stack.sandbox.stats().accepted).toBe(0);
    const deferred = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages WHERE campaign_id = ${id} AND status = 'queued' AND not_before = '2026-06-16T12:00:00Z'`.execute(stack.db);
    expect(deferred.rows[0]!.n).toBe(30);

    const campaign = await stack.waitForCampaign(id, WAIT.NJ_MORNING);
    expect(campaign.status).toBe('completed');
    const sent = sandboxRecords(stack, [...nj, ...tx]);
    expect(sent.map((m) => m.to).sort()).toEqual([...nj].sort());
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(releaseReal - 50);
    const t = campaign.stats.totals;
    expect(t.delivered).toBe(30);
    expect(t.suppressed).toBe(20);
    expect(t.reasons['quiet_hours']).toBe(20);
  });

  it('20:59 in New Jersey is already quiet (state 20:00), 20:59 in Washington DC is not (federal 21:00)', { timeout: testTimeoutFor(WAIT.NJ_EVENING) }, async () => {
    stack = await startTestStack({ clock: '2026-06-16T00:59:00Z', sandbox: { outcomes: { delivered: 1 } } }); // Monday 15 June 2026 20:59 EDT
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const nj = numbersInAreaCode('973', 10);
    const dc = numbersInAreaCode('202', 10);
    await seedLocatedContacts(stack, [...nj, ...dc]);
    stack.clock.set('2026-06-16T00:59:00Z');
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, validity_seconds: 3_600 }, BODY);
    const campaign = await stack.waitForCampaign(id, WAIT.NJ_EVENING);
    expect(sandboxRecords(stack, [...nj, ...dc]).map((m) => m.to).sort()).toEqual([...dc].sort());
    expect(campaign.stats.totals.reasons['quiet_hours']).toBe(10);
  });

  it('a sandbox connection that did not opt in skips quiet hours (the loopback provider reaches no handset)', { timeout: testTimeoutFor(WAIT.SANDBOX_EVENING) }, async () => {
    stack = await startTestStack({ clock: '2026-06-16T00:59:00Z', sandbox: { outcomes: { delivered: 1 } } }); // 20:59 EDT
    const nj = numbersInAreaCode('973', 5);
    await seedLocatedContacts(stack, nj);
    stack.clock.set('2026-06-16T00:59:00Z');
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 }, BODY);
    const campaign = await stack.waitForCampaign(id, WAIT.SANDBOX_EVENING);
    expect(campaign.stats.totals.delivered).toBe(5);
  });

  it('a campaign window override narrows the send time; a bad window is a 422 naming the field', { timeout: testTimeoutFor(WAIT.OVERRIDE) }, async () => {
    stack = await startTestStack({ clock: '2026-06-16T13:59:50Z', sandbox: { outcomes: { delivered: 1 } } }); // 09:59:50 EDT; override 10:00-18:00
    const clock = stack.clock;
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const ny = numbersInAreaCode('212', 5);
    await seedLocatedContacts(stack, ny);
    const bad = await stack.call<{ errors?: { field: string }[] }>('POST', '/v1/campaigns', {
      name: 'bad', connection_id: stack.connectionId, sender: '+12015550100', variants: BODY, settings: { quiet_hours_window: '21:00-08:00' },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('quiet_hours_window');
    clock.set('2026-06-16T13:59:50Z');
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, quiet_hours_window: '10:00-18:00' }, BODY);
    const campaign = await stack.waitForCampaign(id, WAIT.OVERRIDE);
    expect(campaign.status).toBe('completed');
    const releaseReal = clock.realOf('2026-06-16T14:00:00Z');
    const sent = sandboxRecords(stack, ny);
    expect(sent).toHaveLength(5);
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(releaseReal - 50);
  });
  it('a campaign window that never overlaps the legal one suppresses every message, and says why', { timeout: testTimeoutFor(WAIT.NEVER_OPEN) }, async () => {
    // Whatever the hour (the suite's instant): a window that never opens suppresses at any time.
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await enforceQuietHoursOnSandbox(stack.db, stack.connectionId);
    const ny = numbersInAreaCode('212', 3);
    await seedLocatedContacts(stack, ny);
    // US federal window 08:00-21:00 (TCPA): a campaign window of 03:00-04:00 can only narrow it, to nothing.
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, quiet_hours_window: '03:00-04:00' }, BODY);
    const campaign = await stack.waitForCampaign(id, WAIT.NEVER_OPEN);
    expect(campaign.status).toBe('completed');
    expect(sandboxRecords(stack, ny)).toHaveLength(0);
    const rows = await stack.db.selectFrom('messages').select(['status', 'status_reason', 'error_text']).where('campaign_id', '=', id).execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toEqual({ status: 'suppressed', status_reason: 'quiet_hours', error_text: "the campaign's quiet_hours_window never overlaps the recipient's legal sending window" });
  });
});
