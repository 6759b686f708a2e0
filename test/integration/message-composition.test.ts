import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

interface Composition {
  segments_rendered: number;
  encodings: Record<string, number>;
  clicks: number;
  unique_clicks: number;
  click_through_rate: number | null;
}

const WAIT = deadlineFor({ messages: 12, segments: 2, dlrTimeoutS: 30 });

describe('a campaign composes from a template: missing fields and DLT mismatches are suppressed, links are tracked', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ sandbox: { dlrDelayMs: { min: 10, max: 50 }, outcomes: { delivered: 1, undelivered: 0, failed: 0, expired: 0, rejected: 0 } } });
  });
  afterAll(async () => stack?.close());

  it('suppresses exactly those recipients with their reason, sends the rest with short links, counts clicks once per message', { timeout: testTimeoutFor(WAIT) }, async () => {
    // i % 4 == 0: no `order` (missing_field); i % 4 == 1: a city longer than the DLT variable limit.
    await stack.seedContacts(12, (i): Record<string, string> =>
      i % 4 === 0 ? { city: 'Pune' } : { order: `A${i}`, city: i % 4 === 1 ? 'Thiruvananthapuram Cantonment East Ward 12' : 'Pune' },
    );
    // DLT headers are for Indian numbers (a US number never gets an alphanumeric sender: no_sender).
    await sql`UPDATE contacts SET phone_e164 = '+91987654' || right(phone_e164, 4), country = 'IN' WHERE account_id = ${stack.accountId}`.execute(stack.db);
    const template = await stack.call<{ id: string }>('POST', '/v1/templates', {
      name: 'shipping',
      body: 'Dear {{ first_name }}, order {{ order }} ships to {{ city }}. Track: https://shop.example.com/t/{{ order }}?src=sms - ACME',
      missing_variables: 'fail',
      shorten_links: true,
      dlt: {
        entity_id: '1101234567890123',
        template_id: '1107161234567890123',
        header: 'ACMEIN',
        category: 'service_implicit',
        text: 'Dear {#var#}, order {#var#} ships to {#var#}. Track: {#var#} - ACME',
        variable_max_length: 40,
      },
    });
    expect(template.status).toBe(201);
    const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'Shipping notices',
      connection_id: stack.connectionId,
      sender: 'ACMEIN',
      variants: [{ key: 'A', template_id: template.body.id }],
      settings: { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 },
    });
    expect(created.status).toBe(201);
    const campaign = await stack.waitForCampaign(created.body.id, WAIT);
    expect(campaign.status).toBe('completed');

    const messages = await stack.db
      .selectFrom('messages as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['m.id', 'm.body', 'm.status', 'm.status_reason', 'm.error_text', 'm.segments', 'm.dlt_template_id', 'c.attributes'])
      .where('m.campaign_id', '=', created.body.id)
      .execute();
    expect(messages).toHaveLength(12);
    for (const m of messages) {
      const attrs = m.attributes;
      if (!attrs['order']) {
        expect(m).toMatchObject({ status: 'suppressed', status_reason: 'missing_field', body: '' });
        expect(m.error_text).toContain('order');
      } else if (attrs['city'] !== 'Pune') {
        expect(m).toMatchObject({ status: 'suppressed', status_reason: 'dlt_mismatch' });
        expect(m.error_text).toMatch(/over 40/);
      } else {
        expect(m.status).toBe('delivered');
        expect(m.dlt_template_id).toBe('1107161234567890123');
        expect(m.body).toMatch(new RegExp(`^Dear Name\\d+, order A\\d+ ships to Pune\\. Track: ${stack.api.publicBaseUrl.replace(/[.]/g, '\\.')}/l/[0-9A-Za-z]{9} - ACME$`));
        expect(m.body).not.toContain('{{');
        expect(m.segments).toBe(1);
      }
    }
    expect(campaign.stats.totals.reasons).toMatchObject({ missing_field: 3, dlt_mismatch: 3 });
    expect(stack.sandbox.stats().accepted).toBe(6);

    // Clicks: the redirect answers 302 to the original URL; twice on one message is one unique click.
    const links = await stack.db.selectFrom('short_links').selectAll().where('campaign_id', '=', created.body.id).orderBy('code').execute();
    expect(links).toHaveLength(6);
    const [first, second] = links;
    for (const code of [first!.code, first!.code, second!.code]) {
      const res = await fetch(`${stack.api.url}/l/${code}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const target = links.find((l) => l.code === code)!.url;
      expect(res.headers.get('location')).toBe(target);
      expect(target).toMatch(/^https:\/\/shop\.example\.com\/t\/A\d+\?src=sms$/);
    }
    expect((await fetch(`${stack.api.url}/l/unknown123`, { redirect: 'manual' })).status).toBe(404);

    const after = await stack.call<{ stats: { composition: Composition } }>('GET', `/v1/campaigns/${created.body.id}`);
    expect(after.body.stats.composition).toEqual({
      segments_rendered: 6,
      encodings: { 'GSM-7': 6 },
      clicks: 3,
      unique_clicks: 2,
      click_through_rate: 2 / 6,
    });
  });
});
