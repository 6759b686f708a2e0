import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterEach, describe, expect, it } from 'vitest';

/** expect.stringContaining, typed (it returns `any`). */
const containing = (text: string): unknown => expect.stringContaining(text);
import { listOnboardingEvents } from '../../src/db/onboarding-repository.js';
import { checklist, FAST_ONBOARDING, postStep, usTenDlc, waitForStep } from '../helpers/onboarding-driver.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

const SENDER = '+12015550100';
const TEST_NUMBER = '+12025550143';

describe('onboarding checklist end to end against the sandbox provider', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('walks a new account through all ten steps over the API', { timeout: 300_000 }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 }, dlrDelayMs: { min: 50, max: 150 } } });
    const s = stack;
    const wf = () => s.env.client.workflow.getHandle(`onboarding/${s.accountId}`);
    const started = await s.call<{ workflow_id: string }>('POST', '/v1/onboarding', FAST_ONBOARDING);
    expect(started).toMatchObject({ status: 200, body: { workflow_id: `onboarding/${s.accountId}` } });
    expect((await checklist(s)).steps.map((x) => x.status)).toEqual(['pending', 'pending', 'locked', 'locked', 'locked', 'pending', 'locked', 'locked', 'locked', 'locked']);
    expect((await s.call('POST', '/v1/onboarding', FAST_ONBOARDING)).status).toBe(200); // idempotent

    // 1. Countries: the step answers the requirements they bring.
    const countries = await postStep(s, 'countries', { countries: ['US', 'IN'] });
    expect(countries.body.status).toBe('done');
    const reqs = countries.body.evidence!.requirements as { country: string; registration?: string }[];
    expect(reqs.filter((r) => r.registration).map((r) => `${r.country}:${r.registration}`)).toEqual(expect.arrayContaining(['US:us_10dlc', 'US:toll_free_verification', 'IN:india_dlt']));

    // 2. Sending option.
    expect((await postStep(s, 'sending_option', { option: 'managed', provider: 'sandbox' })).body.status).toBe('done');

    // 3. Senders: an alphanumeric US sender is refused with the reason, synchronously, with no history event.
    const before = (await wf().fetchHistory()).events!.length;
    const bad = await postStep<{ errors: { field: string; reason: string }[] }>(s, 'senders', { registrations: [{ country: 'US', sender_type: 'alphanumeric', sender: 'ACME' }, { ...usTenDlc(SENDER), country: 'GB' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'registrations[0].sender_type', reason: containing('US carriers do not deliver alphanumeric sender IDs') }),
      expect.objectContaining({ field: 'registrations[1].country', reason: containing('not one of the chosen countries') }),
    ]));
    expect((await wf().fetchHistory()).events!.length).toBe(before);
    const strict = await postStep<{ errors: { field: string }[] }>(s, 'senders', { registrations: [{ ...usTenDlc(SENDER), colour: 'red' }] });
    expect(strict.status).toBe(422);
    expect((await postStep(s, 'two_way', {})).status).toBe(409); // locked

    const senders = await postStep(s, 'senders', { registrations: [usTenDlc(SENDER)] });
    expect(senders.body.status).toBe('in_progress');
    // Waiting for approval: durable timer with reminders every second.
    await waitForStep(s, 'senders', (x) => Number(x.detail?.reminders ?? 0) >= 2);
    expect((await listOnboardingEvents(s.db, s.accountId)).filter((e) => e.kind === 'registration_reminder').length).toBeGreaterThanOrEqual(2);
    expect((await s.call('POST', '/v1/onboarding/registrations/decision', { sender: SENDER, status: 'rejected' })).status).toBe(422);
    expect((await s.call('POST', '/v1/onboarding/registrations/decision', { sender: SENDER, status: 'approved' })).status).toBe(202);
    await waitForStep(s, 'senders', (x) => x.status === 'done');

    // 4. Connect provider: a wrong key is reported precisely; the right connection passes.
    const wrong = await s.call<{ id: string }>('POST', '/v1/connections', { provider: 'sandbox', name: 'bad', config: { baseUrl: s.sandbox.url }, credentials: { apiKey: 'wrong', webhookSecret: 'x' } });
    const failed = await postStep(s, 'connect_provider', { connection_id: wrong.body.id });
    expect(failed.body).toMatchObject({ status: 'failed', lastError: containing('credentials refused') });
    const connected = await postStep(s, 'connect_provider', { connection_id: s.connectionId });
    expect(connected.body.status).toBe('done');
    const moUrl = (connected.body.evidence!.webhooks as { mo: string }).mo;

    // 5. Callbacks: a real test message, done only when its DLR came through the webhook and a reply arrived.
    const callbacks = await postStep(s, 'callbacks', { test_number: TEST_NUMBER, sender: SENDER });
    expect(callbacks.body.status).toBe('in_progress');
    const afterDlr = await waitForStep(s, 'callbacks', (x) => x.detail?.waiting_for === 'mo');
    expect(afterDlr.detail!.dlr).toMatchObject({ status: 'delivered' });
    const msg = await s.db.selectFrom('messages').selectAll().where('id', '=', String(afterDlr.detail!.test_message_id)).executeTakeFirstOrThrow();
    expect(msg).toMatchObject({ status: 'delivered', to_e164: TEST_NUMBER, batch_workflow_id: `onboarding/${s.accountId}` });
    const events = await s.db.selectFrom('webhook_events').select(['kind', 'applied_at']).where('message_id', '=', msg.id).execute();
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.applied_at !== null)).toBe(true);
    // No reply within callback_timeout_seconds: the step says so and what to check.
    const blocked = await waitForStep(s, 'callbacks', (x) => x.status === 'blocked');
    expect(blocked.lastError).toContain(moUrl);
    s.sandbox.sendInbound({ from: TEST_NUMBER, to: SENDER, body: 'Got it', url: moUrl });
    const cbDone = await waitForStep(s, 'callbacks', (x) => x.status === 'done');
    expect(cbDone.evidence).toMatchObject({ dlr_status: 'delivered', mo: { body: 'Got it' } });

    // 6. Consent: done once opted-in contacts exist (CSV import), re-checked on a timer.
    expect((await checklist(s)).steps.find((x) => x.id === 'consent')!.status).not.toBe('done');
    const csv = `phone,opted_in_at,first_name,onboarding_test,opted_in\n${TEST_NUMBER},2026-01-02T10:00:00Z,Ada,yes,yes\n+12025550199,2026-01-02T10:00:00Z,Bob,yes,yes\n`;
    expect((await s.call('POST', '/v1/contacts/import?default_country=US', csv)).status).toBe(200);
    const consent = await waitForStep(s, 'consent', (x) => x.status === 'done');
    expect(consent.evidence).toMatchObject({ opted_in_contacts: 2 });

    // 7. Keywords: default packs for the countries' languages; an edited pack missing STOP is refused.
    const noStop = await postStep<{ errors: { field: string; reason: string }[] }>(s, 'keywords', { program_name: 'Acme', packs: [{ language: 'en', opt_out: ['QUIT'], opt_in: ['START'], help: ['HELP'], help_reply: 'Acme: help at acme.example.com. Reply QUIT to opt out.', stop_reply: 'Acme: unsubscribed.' }] });
    expect(noStop.status).toBe(422);
    expect(noStop.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'packs', reason: containing('US requires the opt-out keyword STOP') })]));
    const keywords = await postStep(s, 'keywords', { program_name: 'Acme' });
    expect(keywords.body.status).toBe('done');
    expect(JSON.stringify(keywords.body.evidence)).toContain('ALTO');
    // The step is what the inbound path uses: the program name is the replies' brand, defaults stay.
    const defaults = await s.call<{ source: string; brand_name: string; packs: { locale: string }[] }>('GET', '/v1/keywords');
    expect(defaults.body).toMatchObject({ source: 'account', brand_name: 'Acme' });
    expect(defaults.body.packs.map((p) => p.locale)).toContain('es');
    // A pack the inbound path would refuse (a keyword in two categories) is refused here too, by field.
    const twice = await postStep<{ errors: { field: string; reason: string }[] }>(s, 'keywords', { program_name: 'Acme', packs: [{ language: 'en', opt_out: ['STOP', 'Opt-out'], opt_in: ['START', 'OPTOUT'], help: ['HELP'], help_reply: 'Acme: help at acme.example.com. Reply STOP to opt out.', stop_reply: 'Acme: unsubscribed.' }] });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'packs[0].opt_in[1]' })]);
    // Custom packs replace the account's packs: their STOP reply is the one the two-way step gets.
    const custom = await postStep(s, 'keywords', { program_name: 'Acme', packs: [{ language: 'en', opt_out: ['STOP', 'QUIT', 'ENOUGH'], opt_in: ['START'], help: ['HELP'], help_reply: 'Acme: help at acme.example.com. Reply STOP to opt out.', stop_reply: 'Acme: you are out, no more texts from us.' }] });
    expect(custom.body.status).toBe('done');
    const edited = await s.call<{ packs: { locale: string; keywords: { opt_out: string[] }; replies: { opt_out: string } }[] }>('GET', '/v1/keywords');
    expect(edited.body.packs.map((p) => [p.locale, p.keywords.opt_out, p.replies.opt_out])).toEqual([['en', ['STOP', 'QUIT', 'ENOUGH'], 'Acme: you are out, no more texts from us.']]);

    // 8. Test campaign: a child campaign to the test segment, with its preview.
    const tc = await postStep(s, 'test_campaign', { sender: SENDER, body: 'Hi {{ first_name }}, this is the Acme test. Reply STOP to opt out.', audience_filter: { onboarding_test: 'yes' } });
    expect(tc.body.status).toBe('in_progress');
    expect(tc.body.detail).toMatchObject({ audience: 2, preview: { encoding: 'GSM-7', segments: 1, fields: { first_name: 'Ada' }, text: 'Hi Ada, this is the Acme test. Reply STOP to opt out.' } });
    expect((tc.body.detail!.preview as { characters: number }).characters).toBe(53);
    const tcDone = await waitForStep(s, 'test_campaign', (x) => x.status === 'done', 60_000);
    expect(tcDone.evidence).toMatchObject({ counts: { delivered: 2 } });

    // 9. Two-way: STOP (opted out in the ledger), HELP and a custom reply (a user event).
    const tw = await postStep(s, 'two_way', {});
    expect(tw.body.status).toBe('in_progress');
    for (const body of ['STOP', 'HELP', 'Love it']) s.sandbox.sendInbound({ from: TEST_NUMBER, to: SENDER, body, url: moUrl });
    const twDone = await waitForStep(s, 'two_way', (x) => x.status === 'done');
    expect(twDone.evidence).toMatchObject({ stop: { consent: 'opted_out', auto_reply_sent: true }, help: { auto_reply_sent: true }, reply: { user_event: { type: 'sms_reply' } } });
    expect(s.sandbox.messages({ to: TEST_NUMBER }).map((m) => m.body)).toContain('Acme: you are out, no more texts from us.');
    const contact = await s.call<{ data: { id: string; consent: { status: string } }[] }>('GET', `/v1/contacts?phone=${encodeURIComponent(TEST_NUMBER)}`);
    expect(contact.body.data[0]?.consent.status).toBe('opted_out');

    // 10. Monitor: the account's stats.
    const monitor = await waitForStep(s, 'monitor', (x) => x.status === 'done');
    expect(monitor.evidence).toMatchObject({ stats: { byStatus: { delivered: 3 } } });
    const final = await checklist(s);
    expect(final).toMatchObject({ complete: true, current_step: 'complete' });
    expect((await wf().result())).toMatchObject({ complete: true });
    const described = await wf().describe();
    expect(described.searchAttributes.OnboardingStep).toEqual(['complete']);
    expect(described.searchAttributes.AccountId).toEqual([s.accountId]);

    if (process.env.RECORD_ONBOARDING_HISTORY) {
      await writeFile('test/fixtures/onboarding-history.json', historyToJSON(await wf().fetchHistory()));
    }
  });
});
