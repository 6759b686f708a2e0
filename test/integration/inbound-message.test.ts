import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertInboundMessage } from '../../src/db/inbound-message-repository.js';
import { formatSandboxSignatureHeader, SANDBOX_SIGNATURE_HEADER } from '../../src/providers/sandbox/sandbox-signature.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';

const OUR_NUMBER = '+12015550100';

/** One MO through its workflow (a multi-part one waits the stack's 3 s concat wait). */
const ONE_MO = deadlineFor({ messages: 1, plannedMs: 3_000 });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = ONE_MO): Promise<T> {
  return pollUntil(what, fn, timeoutMs);
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
  const put = await stack.call('PUT', '/v1/keywords', { tolerant: true, brand_name: 'Acme', help_contact: 'acme.example/help' });
  expect(put.status).toBe(200);
});
afterAll(async () => stack?.close());

const moUrl = () => `${stack.api.publicBaseUrl}/v1/webhooks/${stack.connectionId}/mo`;

/** Sends an MO through the sandbox (signed HTTP callback) and waits until its workflow processed it. */
async function mo(from: string, body: string, split = false) {
  const { ids } = stack.sandbox.sendInbound({ from, to: OUR_NUMBER, body, url: moUrl(), split });
  await stack.sandbox.waitForIdle(10_000);
  return waitFor(`MO ${ids[0]} processed`, async () =>
    stack.db.selectFrom('inbound_messages').selectAll().where('provider_message_id', '=', ids[0]!).where('processed_at', 'is not', null).executeTakeFirst(),
  );
}

async function consent(phone: string) {
  const rows = await stack.db
    .selectFrom('consent_current as cc')
    .innerJoin('contacts as c', 'c.id', 'cc.contact_id')
    .select(['cc.purpose', 'cc.status'])
    .where('c.phone_e164', '=', phone)
    .orderBy('cc.purpose')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.purpose, r.status]));
}

const repliesTo = (phone: string) => stack.sandbox.messages({ to: phone }).filter((m) => m.from === OUR_NUMBER);

async function workflowResult(workflowId: string) {
  return stack.env.client.workflow.getHandle(workflowId).result() as Promise<{ classification: string; autoReplySent: boolean; parts: number; complete: boolean }>;
}

describe('inboundMessage workflow, through real sandbox webhooks', () => {
  it('STOP records the opt-out and sends exactly one confirmation, even when the provider retries the MO', async () => {
    const phone = '+12025550101';
    const row = await mo(phone, '  Stop. ');
    expect(await consent(phone)).toEqual({ marketing: 'opted_out', transactional: 'opted_out' });
    expect(await workflowResult(row.workflow_id!)).toMatchObject({ classification: 'OPT_OUT', autoReplySent: true });
    const replies = repliesTo(phone);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toBe('Acme: You are unsubscribed and will receive no more messages. Reply START to resubscribe.');

    // The provider posts the same MO again (same id): logged as a duplicate, no second workflow or reply.
    const payload = JSON.stringify({ id: row.provider_message_id, from: phone, to: OUR_NUMBER, body: '  Stop. ', received_at: new Date().toISOString() });
    const res = await signedPost(payload);
    expect(await res.json()).toEqual({ received: 1, duplicates: 1 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(repliesTo(phone)).toHaveLength(1);
    const ledger = await stack.db.selectFrom('consent_events').select(['source', 'proof']).where('phone_e164', '=', phone).execute();
    expect(ledger).toHaveLength(2);
    expect(ledger[0]!.proof).toMatchObject({ keyword: 'STOP', inbound_message_id: row.id, provider_message_id: row.provider_message_id });
  });

  it('START after STOP resubscribes and confirms in the language of the keyword', async () => {
    const phone = '+12025550102';
    await mo(phone, 'ALTO');
    expect(await consent(phone)).toEqual({ marketing: 'opted_out', transactional: 'opted_out' });
    await mo(phone, 'START');
    expect(await consent(phone)).toEqual({ marketing: 'opted_in', transactional: 'opted_in' });
    const bodies = repliesTo(phone).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies).toContain('Acme: Te has dado de baja y no recibirás más mensajes. Responde INICIO para volver a suscribirte.');
    expect(bodies.find((b) => b.includes('subscribed to recurring'))).toContain('Msg&data rates may apply');
  });

  it('the contact profile shows the consent per purpose, the ledger, the replies, the auto-replies and the events', async () => {
    const contact = await stack.db.selectFrom('contacts').select('id').where('phone_e164', '=', '+12025550102').executeTakeFirstOrThrow();
    const res = await stack.call<{
      consent: { purpose: string; status: string }[];
      consent_history: { status: string; source: string; purpose: string }[];
      messages: { kind: string; in_reply_to: string | null }[];
      replies: { id: string; body: string; classification: string; auto_reply_message_id: string | null }[];
      events: { type: string }[];
    }>('GET', `/v1/contacts/${contact.id}/profile`);
    expect(res.status).toBe(200);
    expect(res.body.consent.map((c) => [c.purpose, c.status])).toEqual([['marketing', 'opted_in'], ['transactional', 'opted_in']]);
    expect(res.body.consent_history.map((e) => `${e.purpose}:${e.status}:${e.source}`).sort()).toEqual(
      ['marketing:opted_in:keyword', 'marketing:opted_out:keyword', 'transactional:opted_in:keyword', 'transactional:opted_out:keyword'],
    );
    expect(res.body.replies.map((r) => [r.body, r.classification])).toEqual([['START', 'OPT_IN'], ['ALTO', 'OPT_OUT']]);
    expect(res.body.messages.map((m) => m.kind)).toEqual(['auto_reply', 'auto_reply']);
    expect(res.body.messages.map((m) => m.in_reply_to).sort()).toEqual(res.body.replies.map((r) => r.id).sort());
    expect(res.body.events.map((e) => e.type)).toEqual(['sms_opt_in', 'sms_opt_out']);
  });

  it('HELP gets the help text; from an opted-out number too, without resubscribing it', async () => {
    const phone = '+12025550103';
    await mo(phone, 'help');
    expect(repliesTo(phone).map((m) => m.body)).toEqual([
      'Acme: Help at acme.example/help. Msg frequency varies. Msg&data rates may apply. Reply STOP to opt out, START to opt in.',
    ]);
    expect(await consent(phone)).toEqual({});
    await mo(phone, 'STOP');
    await mo(phone, 'Hilfe');
    const bodies = repliesTo(phone).map((m) => m.body);
    expect(bodies).toHaveLength(3);
    expect(bodies.some((b) => b.startsWith('Acme: Hilfe unter acme.example/help'))).toBe(true);
    expect(await consent(phone)).toEqual({ marketing: 'opted_out', transactional: 'opted_out' });
  });

  it('tolerant mode: "please stop texting me" opts out, a sentence merely containing STOP does not', async () => {
    await mo('+12025550104', 'please stop texting me');
    expect(await consent('+12025550104')).toEqual({ marketing: 'opted_out', transactional: 'opted_out' });
    const row = await mo('+12025550105', 'We have got to STOP this terrible bill!');
    expect(row.keyword_class).toBeNull();
    expect(repliesTo('+12025550105')).toEqual([]);
    expect(await consent('+12025550105')).toEqual({});
  });

  it('a multi-part MO is reassembled in part order before it is classified', async () => {
    const phone = '+12025550106';
    const text = 'Please stop texting me '.repeat(10).trim();
    const { ids, parts } = stack.sandbox.sendInbound({ from: phone, to: OUR_NUMBER, body: text, url: moUrl(), split: true });
    expect(parts).toBeGreaterThan(1);
    await stack.sandbox.waitForIdle(10_000);
    const head = await waitFor('concat MO processed', async () =>
      stack.db.selectFrom('inbound_messages').selectAll().where('provider_message_id', 'in', ids).where('processed_at', 'is not', null).executeTakeFirst(),
    );
    expect(head.full_body).toBe(text);
    expect(head.concat_index).toBe(1);
    const others = await stack.db.selectFrom('inbound_messages').select('part_of').where('provider_message_id', 'in', ids).where('id', '<>', head.id).execute();
    expect(others.map((o) => o.part_of)).toEqual(Array(parts - 1).fill(head.id));
    expect(await workflowResult(head.workflow_id!)).toMatchObject({ classification: 'OPT_OUT', parts, complete: true });
    // One message, one classification, one reply: not one per part.
    expect(repliesTo(phone)).toHaveLength(1);
  });

  it('a part that never arrives: after the wait the message is handled with the parts that did', async () => {
    const phone = '+12025550107';
    const res = await signedPost(JSON.stringify({ id: 'MOpartial1', from: phone, to: OUR_NUMBER, body: 'Is the sale still ', received_at: new Date().toISOString(), concat: { ref: '7F', index: 1, total: 3 } }));
    expect(res.status).toBe(200);
    await signedPost(JSON.stringify({ id: 'MOpartial3', from: phone, to: OUR_NUMBER, body: 'on?', received_at: new Date().toISOString(), concat: { ref: '7F', index: 3, total: 3 } }));
    const head = await waitFor('partial MO processed', async () =>
      stack.db.selectFrom('inbound_messages').selectAll().where('provider_message_id', '=', 'MOpartial1').where('processed_at', 'is not', null).executeTakeFirst(),
    );
    expect(head.full_body).toBe('Is the sale still on?');
    expect(await workflowResult(head.workflow_id!)).toMatchObject({ classification: 'NONE', parts: 2, complete: false, autoReplySent: false });
  });

  it('a custom reply becomes a user event attributed to the last campaign message to that number', { timeout: testTimeoutFor(deadlineFor({ messages: 2, dlrTimeoutS: 30 }), ONE_MO) }, async () => {
    const [contactId] = await stack.seedContacts(2);
    const campaignId = await stack.createCampaign({ batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 30, flush_interval_ms: 300 });
    await stack.waitForCampaign(campaignId, deadlineFor({ messages: 2, dlrTimeoutS: 30 }));
    const sent = await stack.db.selectFrom('messages').select(['id', 'to_e164']).where('campaign_id', '=', campaignId).where('contact_id', '=', contactId!).executeTakeFirstOrThrow();
    const row = await mo(sent.to_e164, 'What time does the store open?');
    expect(row.attributed_message_id).toBe(sent.id);
    const event = await stack.db.selectFrom('user_events').selectAll().where('type', '=', 'sms_reply').where('contact_id', '=', contactId!).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ campaign_id: campaignId, message_id: sent.id });
    expect(event.payload).toMatchObject({ body: 'What time does the store open?', inbound_message_id: row.id });
    // No auto-reply: the campaign message is all that number got from us.
    expect(repliesTo(sent.to_e164).map((m) => m.body)).toEqual(['Hi Name0, reply STOP to opt out.']);
  });

  it('an MO logged and answered but never started (API crashed before the start) is started from the log', async () => {
    // What the webhook committed before its process died: the MO in the log, no workflow.
    const phone = '+12025550109';
    const logged = await stack.db.transaction().execute((trx) =>
      insertInboundMessage(trx, stack.accountId, stack.connectionId, { providerMessageId: 'MOcrashed1', from: phone, to: OUR_NUMBER, body: 'STOP', dedupeKey: 'MOcrashed1' }),
    );
    expect(logged).toBeDefined();
    const row = await waitFor('swept MO processed', async () =>
      stack.db.selectFrom('inbound_messages').selectAll().where('id', '=', logged!.id).where('processed_at', 'is not', null).executeTakeFirst(),
    );
    expect(row.workflow_started_at).not.toBeNull();
    expect(await consent(phone)).toEqual({ marketing: 'opted_out', transactional: 'opted_out' });
    expect(repliesTo(phone)).toHaveLength(1);
  });

  it('signals onboardingReply to the account onboarding workflow with the agreed payload', async () => {
    // A workflow nobody polls for stands in for onboarding: the signal lands in its history.
    const handle = await stack.env.client.workflow.start('onboardingStandIn', { workflowId: `onboarding/${stack.accountId}`, taskQueue: `${stack.taskQueue}-unpolled`, args: [] });
    const row = await mo('+12025550108', 'INFO');
    const payload = await waitFor('onboardingReply signal', async () => {
      const history = await handle.fetchHistory();
      return history
        .events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'onboardingReply')
        .map((e) => JSON.parse(Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!.data!).toString('utf8')) as { inboundMessageId: string })
        .find((p) => p.inboundMessageId === row.id);
    });
    expect(payload).toEqual({ from: '+12025550108', to: OUR_NUMBER, classification: 'HELP', body: 'INFO', inboundMessageId: row.id, autoReplySent: true });
    await handle.terminate('test done');
  });
});

async function signedPost(body: string): Promise<Response> {
  const url = moUrl();
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: formatSandboxSignatureHeader(stack.sandbox.webhookSecret, Math.floor(Date.now() / 1000), url, body) },
    body,
  });
}
