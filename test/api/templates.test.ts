import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json, PUBLIC_BASE_URL } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

interface Split {
  encoding: string;
  units: number;
  unit: string;
  characters: number;
  segments: number;
  segment_units: number[];
  segment_texts: string[];
  non_gsm_characters: { char: string; code_point: number; index: number }[];
}
interface Preview extends Split {
  ok: boolean;
  text: string;
  reason: string | null;
  variables: string[];
  smart_encoded: (Split & { text: string }) | null;
  estimated_cost: { country: string; currency: string; price_per_segment: number; amount: number } | null;
}

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => {
  await t?.close();
});

async function preview(body: unknown): Promise<Preview[]> {
  const res = await t.call('POST', '/v1/templates/preview', { body });
  expect(res.status).toBe(200);
  return (await json<{ previews: Preview[] }>(res)).previews;
}

describe('POST /v1/templates/preview', () => {
  it('answers encoding, septets, the per-segment split and the characters that force UCS-2', async () => {
    const [gsm] = await preview({ body: 'a'.repeat(152) + '€{{ tail }}', contacts: [{ attributes: { tail: 'bbbbbbbbbb' } }] });
    expect(gsm).toMatchObject({ ok: true, encoding: 'GSM-7', unit: 'septets', units: 164, segments: 2, segment_units: [152, 12] });
    expect(gsm!.segment_texts).toEqual(['a'.repeat(152), '€bbbbbbbbbb']);

    const [ucs] = await preview({ body: 'Hi {{ name }} 😘, we’ll call', contacts: [{ attributes: { name: 'Ana' } }] });
    expect(ucs).toMatchObject({ encoding: 'UCS-2', unit: 'code_units', units: 21, segments: 1 });
    expect(ucs!.non_gsm_characters).toEqual([
      { char: '😘', code_point: 0x1f618, index: 7 },
      { char: '’', code_point: 0x2019, index: 13 },
    ]);
    // The smart-encoded alternative drops the apostrophe; the emoji still needs UCS-2.
    expect(ucs!.smart_encoded).toMatchObject({ text: "Hi Ana 😘, we'll call", encoding: 'UCS-2' });
  });

  it('answers every encoding-segments vector text as the carrier bills it', async () => {
    const text = "Hi Ana, we’ll see you at 10:30 on Tuesday. Reply YES to confirm or call 201-555-0123 to change it. Thanks from Acme Dental!!!";
    const [p] = await preview({ body: text });
    expect(p).toMatchObject({ encoding: 'UCS-2', units: 125, segments: 2 });
    expect(p!.smart_encoded).toMatchObject({ encoding: 'GSM-7', units: 125, segments: 1 });
    const [smart] = await preview({ body: text, smart_encoding: true });
    expect(smart).toMatchObject({ encoding: 'GSM-7', units: 125, segments: 1, smart_encoded: null });
  });

  it('estimates the cost from the account price per segment for the contact country, falling back to *', async () => {
    expect((await t.call('PUT', '/v1/templates/prices/US', { body: { price_per_segment: 0.0079, currency: 'USD' } })).status).toBe(200);
    expect((await t.call('PUT', '/v1/templates/prices/*', { body: { price_per_segment: 0.05, currency: 'USD' } })).status).toBe(200);
    const previews = await preview({
      body: 'x'.repeat(200),
      contacts: [{ phone: '+12015550123', attributes: {} }, { country: 'FR', attributes: {} }],
    });
    expect(previews.map((p) => p.estimated_cost)).toEqual([
      { country: 'US', currency: 'USD', price_per_segment: 0.0079, amount: 0.0158 },
      { country: '*', currency: 'USD', price_per_segment: 0.05, amount: 0.1 },
    ]);
    // Another account has no prices.
    const res = await t.call('POST', '/v1/templates/preview', { body: { body: 'hi' }, as: t.bob });
    expect((await json<{ previews: Preview[] }>(res)).previews[0]!.estimated_cost).toBeNull();
  });

  it('reports a missing variable instead of rendering it, and uses defaults under the default policy', async () => {
    const [missing] = await preview({ body: 'Hi {{ first_name }}, code {{ code }}', contacts: [{ attributes: { code: '4821' } }] });
    expect(missing).toMatchObject({ ok: false, reason: 'missing_field', variables: ['first_name'], text: '' });
    const [filled] = await preview({
      body: 'Hi {{ first_name }}, code {{ code }}',
      missing_variables: 'default',
      defaults: { first_name: 'there' },
      contacts: [{ attributes: { code: '4821' } }],
    });
    expect(filled).toMatchObject({ ok: true, text: 'Hi there, code 4821' });
  });

  it('counts the shortened link, not the long one', async () => {
    const [p] = await preview({ body: 'Sale: https://shop.example.com/a/very/long/path?utm_source=sms&utm_campaign=spring-sale-2026', shorten_links: true });
    expect(p!.text).toBe(`Sale: ${PUBLIC_BASE_URL}/l/XXXXXXXXX`);
    expect(p!.units).toBe(p!.text.length);
  });

  it('previews a stored DLT template and flags a mismatch', async () => {
    const res = await t.call('POST', '/v1/templates', {
      body: {
        name: 'otp',
        body: 'Dear {{ name }}, your OTP is {{ otp }}. - ACME',
        dlt: { entity_id: '1101234567890123', template_id: '1107161234567890123', header: 'ACMEIN', category: 'transactional', text: 'Dear {#var#}, your OTP is {#var#}. - ACME' },
      },
    });
    expect(res.status).toBe(201);
    const template = await json<{ id: string; variables: string[]; dlt: { variable_max_length: number } }>(res);
    expect(template.variables).toEqual(['name', 'otp']);
    expect(template.dlt.variable_max_length).toBe(30);
    const previews = await preview({ template_id: template.id, contacts: [{ attributes: { name: 'Ana', otp: '1234' } }, { attributes: { name: 'N'.repeat(31), otp: '1' } }] });
    expect(previews.map((p) => [p.ok, p.reason])).toEqual([
      [true, null],
      [false, 'dlt_mismatch'],
    ]);
    expect((await t.call('GET', `/v1/templates/${template.id}`, { as: t.bob })).status).toBe(404);
  });

  it('refuses bad input with a 422 problem naming each field', async () => {
    const res = await t.call('POST', '/v1/templates/preview', {
      body: { body: 'Hi {{ name', national_language: 'fr', contacts: [], smart_encodin: true },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json<Problem & { errors: { field: string; reason: string }[] }>(res);
    const fields = problem.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body', 'national_language', 'contacts']));
    expect(problem.errors.some((e) => /smart_encodin/.test(e.reason) || e.field.includes('smart_encodin'))).toBe(true);

    const both = await t.call('POST', '/v1/templates/preview', { body: { body: 'hi', template_id: '00000000-0000-4000-8000-000000000000' } });
    expect(both.status).toBe(422);
    const dlt = await t.call('POST', '/v1/templates', { body: { name: 'x', body: 'hi', dlt: { entity_id: 'abc', template_id: '1', header: 'AB', category: 'spam', text: '' } } });
    expect(dlt.status).toBe(422);
    expect((await json<{ errors: { field: string }[] }>(dlt)).errors.map((e) => e.field).sort()).toEqual(
      ['dlt.category', 'dlt.entity_id', 'dlt.header', 'dlt.template_id', 'dlt.text'],
    );
  });
});
