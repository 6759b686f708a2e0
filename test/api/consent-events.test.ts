import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

interface Result {
  contact_id: string;
  event: { id: string; status: string; purpose: string; source: string; proof: Record<string, unknown>; occurred_at: string };
  consent: { purpose: string; status: string };
}

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => t.close());

const ledger = (phone: string) => t.db.selectFrom('consent_events').selectAll().where('phone_e164', '=', phone).execute();

describe('POST /v1/events', () => {
  it('records an opt-in with proof, creating the contact, then an opt-out that is current at once', async () => {
    const optIn = await t.call('POST', '/v1/events', {
      body: { type: 'sms_optin', phone: '(415) 555-0101', default_country: 'US', source: 'web_form', proof: { form_url: 'https://example.com/join', ip: '203.0.113.7', language: 'en' } },
      headers: { 'user-agent': 'crm-sync/2' },
    });
    expect(optIn.status).toBe(201);
    const a = await json<Result>(optIn);
    expect(a.consent).toEqual({ purpose: 'marketing', status: 'opted_in', occurred_at: a.event.occurred_at });
    expect(a.event.proof).toMatchObject({ form_url: 'https://example.com/join', ip: '203.0.113.7', language: 'en', user_agent: 'crm-sync/2', event_type: 'sms_optin' });
    expect(a.event.proof.api_key_prefix).toMatch(/^sf_live_/);

    const optOut = await json<Result>(await t.call('POST', '/v1/events', { body: { type: 'sms_optout', phone: '+14155550101' } }));
    expect(optOut.contact_id).toBe(a.contact_id);
    expect(optOut.consent.status).toBe('opted_out');
    expect(await ledger('+14155550101')).toHaveLength(2);
  });

  it('refuses unknown fields (422) and JSON bodies over 1 MiB (413), recording nothing', async () => {
    const unknown = await t.call('POST', '/v1/events', { body: { type: 'sms_optin', phone: '+14155550109', bogus: true } });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(await json<Problem>(unknown))).toContain('bogus');
    const huge = await t.call('POST', '/v1/events', { body: { type: 'sms_optin', phone: '+14155550109', proof: { note: 'x'.repeat(2_000) }, pad: 'y'.repeat(1_100_000) } });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    expect(await ledger('+14155550109')).toHaveLength(0);
  });

  it('keeps purposes apart: a transactional opt-in does not opt the number into marketing', async () => {
    const r = await json<Result>(await t.call('POST', '/v1/events', { body: { type: 'sms_optin', phone: '+14155550102', purpose: 'transactional' } }));
    expect(r.consent).toMatchObject({ purpose: 'transactional', status: 'opted_in' });
    const current = await t.db.selectFrom('consent_current').select(['purpose', 'status']).where('contact_id', '=', r.contact_id).execute();
    expect(current).toEqual([{ purpose: 'transactional', status: 'opted_in' }]);
  });

  it('honours Idempotency-Key: same key and body replay the answer and append nothing; another body is a 409 problem', async () => {
    const body = { type: 'sms_optin', phone: '+14155550103', proof: { ip: '198.51.100.4' } };
    const headers = { 'idempotency-key': 'evt-0001' };
    const first = await t.call('POST', '/v1/events', { body, headers });
    const second = await t.call('POST', '/v1/events', { body: { proof: { ip: '198.51.100.4' }, phone: '+14155550103', type: 'sms_optin' }, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await json(second)).toEqual(await json(first));
    expect(await ledger('+14155550103')).toHaveLength(1);

    const reused = await t.call('POST', '/v1/events', { body: { ...body, type: 'sms_optout' }, headers });
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect((await json<Problem>(reused)).code).toBe('idempotency_key_reused');
    expect(await ledger('+14155550103')).toHaveLength(1);
    // Keys are per account: bob's identical key is his own request.
    expect((await t.call('POST', '/v1/events', { body, headers, as: t.bob })).status).toBe(201);
  });

  it('concurrent retries with one key append one event', async () => {
    const body = { type: 'sms_optout', phone: '+14155550104' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/v1/events', { body, headers: { 'idempotency-key': 'evt-race' } })));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(await Promise.all(answers.map(async (r) => (await json<Result>(r)).event.id)));
    expect(ids.size).toBe(1);
    expect(await ledger('+14155550104')).toHaveLength(1);
  });

  it('refuses bad input with a problem naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'sms_optin', phone: '4.47401E+11', default_country: 'GB' }, 'phone'],
      [{ type: 'sms_subscribe', phone: '+14155550105' }, 'type'],
      [{ type: 'sms_optin', phone: '+14155550105', occurred_at: '2999-01-01T00:00:00Z' }, 'occurred_at'],
      [{ type: 'sms_optin', phone: '+14155550105', purpose: 'newsletters' }, 'purpose'],
    ];
    for (const [body, field] of cases) {
      const res = await t.call('POST', '/v1/events', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await json<Problem>(res)).errors!.map((e) => e.field)).toContain(field);
    }
    expect(await ledger('+14155550105')).toHaveLength(0);
  });

  it("judges occurred_at by the API's clock: a time the wall clock has passed is still the future for a clock set before it", async () => {
    // The API's clock shows noon on 16 June 2026; the wall clock is wherever it is (at least that late).
    t.clock.set('2026-06-16T12:00:00Z');
    const tomorrow = { type: 'sms_optin', phone: '+14155550110', occurred_at: '2026-06-17T12:00:00Z' };
    const refused = await t.call('POST', '/v1/events', { body: tomorrow });
    expect(refused.status).toBe(422);
    expect((await json<Problem>(refused)).errors).toEqual([{ field: 'occurred_at', reason: 'must not be in the future' }]);
    expect(await ledger('+14155550110')).toHaveLength(0);
    // Within the 5-minute skew it is accepted; an event without occurred_at is dated by the clock.
    const skewed = await t.call('POST', '/v1/events', { body: { ...tomorrow, occurred_at: '2026-06-16T12:04:00Z' } });
    expect(skewed.status).toBe(201);
    const undated = await json<Result>(await t.call('POST', '/v1/events', { body: { type: 'sms_optout', phone: '+14155550110' } }));
    expect(Date.parse(undated.event.occurred_at) - Date.parse('2026-06-16T12:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(undated.event.occurred_at) - Date.parse('2026-06-16T12:00:00Z')).toBeLessThan(60_000);
    // The latest occurred_at wins: the opt-in dated 12:04 stays current over the opt-out dated 12:00 by the clock.
    expect(undated.consent.status).toBe('opted_in');
  });
});
