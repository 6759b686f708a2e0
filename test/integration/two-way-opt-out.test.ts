import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';

/** One MO through its workflow. */
const ONE_MO = deadlineFor({ messages: 1 });

/** Deadlines from the work (work-deadline.ts). */
const WAIT = {
  FOUR_HUNDRED: deadlineFor({ messages: 400, dlrTimeoutS: 60 }),
  /** Six messages on a 1 MPS sender. */
  SLOW_SENDER: deadlineFor({ messages: 6, mps: 1, dlrTimeoutS: 30 }),
  TEN: deadlineFor({ messages: 10, dlrTimeoutS: 60 }),
};

/** Current marketing consent and its source, once the MO's workflow has recorded it (polled up to one MO's deadline). */
async function consentOf(stack: TestStack, phone: string, expected: string) {
  const deadline = Date.now() + ONE_MO;
  for (;;) {
    const row = await currentOf(stack, phone);
    if (row?.status === expected || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function currentOf(stack: TestStack, phone: string) {
  return stack.db
    .selectFrom('consent_current as cc')
    .innerJoin('contacts as c', 'c.id', 'cc.contact_id')
    .innerJoin('consent_events as e', 'e.id', 'cc.event_id')
    .select(['cc.status', 'e.source'])
    .where('c.phone_e164', '=', phone)
    .where('cc.purpose', '=', 'marketing')
    .executeTakeFirst();
}

describe('replies and provider opt-outs reach the consent ledger', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('STOP arriving while a campaign is sending: no further message to that number; START resubscribes', { timeout: testTimeoutFor(WAIT.FOUR_HUNDRED, ONE_MO, ONE_MO) }, async () => {
    stack = await startTestStack({ sandbox: { submitLatencyMs: { min: 20, max: 30 }, outcomes: { delivered: 1 } } });
    await stack.seedContacts(400);
    const id = await stack.createCampaign({ batch_size: 100, max_concurrent_batches: 1, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    await pollUntil('30 sends accepted', () => stack!.sandbox.stats().accepted >= 30, deadlineFor({ messages: 30 }), 50);
    // Five recipients in the last batch, not prepared yet.
    const later = await stack.db
      .selectFrom('campaign_recipients')
      .select('phone_e164')
      .where('campaign_id', '=', id)
      .where('seq', '>', 350)
      .limit(5)
      .execute();
    const moUrl = `${stack.api.publicBaseUrl}/v1/webhooks/${stack.connectionId}/mo`;
    for (const r of later) stack.sandbox.sendInbound({ from: r.phone_e164, to: '+12015550100', body: '  Stop. ', url: moUrl });
    await stack.sandbox.waitForIdle(10_000);
    for (const r of later) expect(await consentOf(stack, r.phone_e164, 'opted_out')).toEqual({ status: 'opted_out', source: 'keyword' });

    const campaign = await stack.waitForCampaign(id, WAIT.FOUR_HUNDRED);
    // What reached those numbers is the STOP confirmation only: no campaign message ("Hi …").
    for (const r of later) expect(stack.sandbox.messages({ to: r.phone_e164 }).map((m) => m.body)).toEqual(['test account: You are unsubscribed and will receive no more messages. Reply START to resubscribe.']);
    expect(campaign.stats.totals.reasons.opted_out).toBe(5);
    expect(campaign.stats.totals.sent).toBe(395);

    stack.sandbox.sendInbound({ from: later[0]!.phone_e164, to: '+12015550100', body: 'START', url: moUrl });
    await stack.sandbox.waitForIdle(10_000);
    expect(await consentOf(stack, later[0]!.phone_e164, 'opted_in')).toEqual({ status: 'opted_in', source: 'keyword' });
    const events = () => stack!.db.selectFrom('user_events').select('type').where('type', 'in', ['sms_opt_out', 'sms_opt_in']).execute();
    for (let i = 0; i < 100 && (await events()).length < 6; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await events()).toHaveLength(6);
    // Five STOP confirmations and one START confirmation, and no campaign message to those numbers.
    for (const r of later) expect(stack.sandbox.messages({ to: r.phone_e164 }).filter((m) => m.body.includes('unsubscribed'))).toHaveLength(1);
    expect(stack.sandbox.messages({ to: later[0]!.phone_e164 })).toHaveLength(2);
  });

  it('a STOP is in the consent ledger when the provider gets its 2xx, before any workflow runs; the workflow later adds nothing', async () => {
    // No worker: the inboundMessage workflows cannot run, so only the webhook itself can have written consent.
    stack = await startTestStack({ worker: false });
    const [stopper, talker, stranger] = ['+12021000001', '+12021000002', '+12025550199'];
    await stack.seedContacts(3);
    const moUrl = `${stack.api.publicBaseUrl}/v1/webhooks/${stack.connectionId}/mo`;
    stack.sandbox.sendInbound({ from: stopper, to: '+12015550100', body: '  Stop. ', url: moUrl });
    stack.sandbox.sendInbound({ from: talker, to: '+12015550100', body: 'Thanks, see you Friday', url: moUrl });
    stack.sandbox.sendInbound({ from: stranger, to: '+12015550100', body: 'STOP', url: moUrl });
    await stack.sandbox.waitForIdle(10_000);
    expect(await stack.db.selectFrom('inbound_messages').select('id').execute()).toHaveLength(3);
    expect(await currentOf(stack, stopper)).toEqual({ status: 'opted_out', source: 'keyword' });
    expect((await currentOf(stack, talker))?.status).toBe('opted_in');
    // A number we never knew has nothing in flight: its contact and opt-out come from the workflow.
    expect(await currentOf(stack, stranger)).toBeUndefined();

    await stack.startWorker();
    expect(await consentOf(stack, stranger, 'opted_out')).toEqual({ status: 'opted_out', source: 'keyword' });
    const processed = async () => (await stack!.db.selectFrom('inbound_messages').select('id').where('processed_at', 'is not', null).execute()).length;
    for (let i = 0; i < 200 && (await processed()) < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await processed()).toBe(3);
    // One opt-out per purpose for the STOP the webhook recorded: the workflow's identical rows were no-ops.
    const keywordEvents = await stack.db
      .selectFrom('consent_events')
      .select(['purpose', 'status'])
      .where('phone_e164', '=', stopper)
      .where('source', '=', 'keyword')
      .orderBy('purpose')
      .execute();
    expect(keywordEvents).toEqual([
      { purpose: 'marketing', status: 'opted_out' },
      { purpose: 'transactional', status: 'opted_out' },
    ]);
    // And the STOP confirmation still went out once.
    expect(stack.sandbox.messages({ to: stopper }).filter((m) => m.body.includes('unsubscribed'))).toHaveLength(1);

    // The STOP is dated on the stack's clock (its receive time on the business timeline), however far
    // that clock is from the wall clock: an opt-in the API records a minute later by it outranks the STOP.
    stack.clock.set(new Date(stack.clock().getTime() + 60_000).toISOString());
    const contact = await stack.db.selectFrom('contacts').select('id').where('phone_e164', '=', stopper).executeTakeFirstOrThrow();
    expect((await stack.call('POST', `/v1/contacts/${contact.id}/opt-in`)).status).toBe(201);
    expect(await currentOf(stack, stopper)).toEqual({ status: 'opted_in', source: 'api' });
  });

  it('a STOP from a recipient whose message is already claimed and waiting for its instant on a slow sender stops that message', { timeout: testTimeoutFor(WAIT.SLOW_SENDER) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    const registered = await stack.call('POST', '/v1/senders', { connection_id: stack.connectionId, type: 'long_code', address: '+12015550100', mps: 1 });
    expect(registered.status).toBe(201);
    const phones = (await stack.seedContacts(6)).length;
    expect(phones).toBe(6);
    // One batch, all six claimed in the first round (ten seconds of a 1 MPS sender), sent about 1 s apart.
    const id = await stack.createCampaign({ batch_size: 10, max_concurrent_batches: 1, dlr_timeout_seconds: 30, flush_interval_ms: 300 });
    await pollUntil('the first send accepted', () => stack!.sandbox.stats().accepted >= 1, deadlineFor({ messages: 1, mps: 1 }), 20);
    const waiting = await stack.db.selectFrom('messages').select(['to_e164', 'status']).where('campaign_id', '=', id).where('status', '=', 'submitting').execute();
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    const stopper = waiting.at(-1)!.to_e164;
    const moUrl = `${stack.api.publicBaseUrl}/v1/webhooks/${stack.connectionId}/mo`;
    stack.sandbox.sendInbound({ from: stopper, to: '+12015550100', body: 'STOP', url: moUrl });
    const campaign = await stack.waitForCampaign(id, WAIT.SLOW_SENDER);
    expect(campaign.status).toBe('completed');
    await stack.sandbox.waitForIdle(10_000);
    // Only the STOP confirmation reached that number; the campaign message was suppressed as opted out.
    expect(stack.sandbox.messages({ to: stopper }).map((m) => m.body)).toEqual(['test account: You are unsubscribed and will receive no more messages. Reply START to resubscribe.']);
    const row = await stack.db.selectFrom('messages').select(['status', 'status_reason']).where('campaign_id', '=', id).where('to_e164', '=', stopper).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'suppressed', status_reason: 'opted_out' });
    expect(campaign.stats.totals.sent).toBe(5);
  });

  it("a provider's opted-out refusal (21610) is recorded as an opt-out in our ledger", { timeout: testTimeoutFor(WAIT.TEN, ONE_MO) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 }, optedOut: ['+12021000003'] } });
    await stack.seedContacts(10);
    const id = await stack.createCampaign({ batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    const campaign = await stack.waitForCampaign(id, WAIT.TEN);
    expect(campaign.stats.totals.rejected).toBe(1);
    expect(campaign.stats.totals.reasons.opted_out).toBe(1);
    expect(await consentOf(stack, '+12021000003', 'opted_out')).toEqual({ status: 'opted_out', source: 'provider' });
  });
});
