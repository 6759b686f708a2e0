import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

interface ContactBody {
  id: string;
  phone: string;
  attributes: Record<string, string>;
  consent: { status: string; occurred_at: string | null };
}
interface ContactDetail extends ContactBody {
  consent_history: {
    id: string;
    status: string;
    source: string;
    occurred_at: string;
    proof: Record<string, unknown>;
  }[];
  messages: { id: string; body: string; status: string }[];
}
interface ConsentChange {
  event: { status: string; source: string; proof: Record<string, unknown> };
  consent: { status: string; occurred_at: string | null };
}

let t: ApiTestContext;
const byPhone = new Map<string, string>();
beforeAll(async () => {
  t = await createApiTestContext();
  const csv = [
    'phone,opted_in_at,consent,first_name',
    ...Array.from(
      { length: 12 },
      (_, i) => `+141555502${String(i).padStart(2, '0')},2024-01-0${(i % 9) + 1}T00:00:00Z,yes,P${i}`,
    ),
    '+14155550299,,no,Never',
  ].join('\n');
  const res = await t.call('POST', '/v1/contacts/import', { body: csv });
  expect(res.status).toBe(200);
  const all = await t.db.selectFrom('contacts').select(['id', 'phone_e164']).execute();
  for (const c of all) byPhone.set(c.phone_e164, c.id);
});
afterAll(async () => {
  await t.close();
});

describe('contacts', () => {
  it('lists contacts with their current consent, by keyset pages', async () => {
    const seen: ContactBody[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=5&cursor=${cursor}` : '?limit=5';
      const page = await json<{ data: ContactBody[]; next_cursor: string | null }>(
        await t.call('GET', `/v1/contacts${query}`),
      );
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map((c) => c.id)).size).toBe(13);
    expect([...seen.map((c) => c.id)]).toEqual([...seen.map((c) => c.id)].sort());
    const never = seen.find((c) => c.phone === '+14155550299');
    expect(never?.consent).toEqual({ status: 'none', occurred_at: null });
    const p0 = seen.find((c) => c.phone === '+14155550200');
    expect(p0?.consent).toEqual({ status: 'opted_in', occurred_at: '2024-01-01T00:00:00.000Z' });
    expect(p0?.attributes).toEqual({ first_name: 'P0' });
  });

  it('filters by phone, tolerating an unencoded +', async () => {
    for (const q of ['%2B14155550203', '+14155550203', '14155550203']) {
      const page = await json<{ data: ContactBody[] }>(await t.call('GET', `/v1/contacts?phone=${q}`));
      expect(page.data.map((c) => c.phone)).toEqual(['+14155550203']);
    }
    const bad = await t.call('GET', '/v1/contacts?phone=abc');
    expect(bad.status).toBe(422);
    expect((await json<Problem>(bad)).errors?.[0]?.field).toBe('phone');
  });

  it('validates paging parameters', async () => {
    const res = await t.call('GET', '/v1/contacts?limit=0&cursor=nope');
    expect(res.status).toBe(422);
    expect((await json<Problem>(res)).errors?.map((e) => e.field).sort()).toEqual(['cursor', 'limit']);
  });

  it('opt-out appends an api ledger row and flips the current consent; opt-in flips it back', async () => {
    const id = byPhone.get('+14155550205') ?? '';
    const out = await t.call('POST', `/v1/contacts/${id}/opt-out`, { headers: { 'user-agent': 'vitest' } });
    expect(out.status).toBe(201);
    const change = await json<ConsentChange>(out);
    expect(change.event).toMatchObject({
      status: 'opted_out',
      source: 'api',
      proof: { api_key_prefix: t.alice.apiKey.slice(0, 12), user_agent: 'vitest' },
    });
    expect(change.consent.status).toBe('opted_out');
    const current = await t.db
      .selectFrom('consent_current')
      .selectAll()
      .where('contact_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(current.status).toBe('opted_out');

    const listed = await json<{ data: ContactBody[] }>(
      await t.call('GET', '/v1/contacts?phone=%2B14155550205'),
    );
    expect(listed.data[0]?.consent.status).toBe('opted_out');

    await new Promise((r) => setTimeout(r, 5)); // a later occurred_at than the opt-out
    const back = await json<ConsentChange>(await t.call('POST', `/v1/contacts/${id}/opt-in`));
    expect(back.consent.status).toBe('opted_in');

    const detail = await json<ContactDetail>(await t.call('GET', `/v1/contacts/${id}`));
    expect(detail.consent.status).toBe('opted_in');
    expect(detail.consent_history.map((e) => [e.status, e.source])).toEqual([
      ['opted_in', 'api'],
      ['opted_out', 'api'],
      ['opted_in', 'csv_import'],
    ]);
    expect(detail.consent_history[2]?.proof).toMatchObject({ line: 7 });
  });

  it('shows a contact with its last 20 messages, newest first', async () => {
    const id = byPhone.get('+14155550201') ?? '';
    const conn = await json<{ id: string }>(
      await t.call('POST', '/v1/connections', {
        body: {
          provider: 'sandbox',
          name: 's',
          config: { baseUrl: 'http://127.0.0.1:9' },
          credentials: { apiKey: 'k', webhookSecret: 's' },
        },
      }),
    );
    const base = Date.now() - 60_000;
    await t.db
      .insertInto('messages')
      .values(
        Array.from({ length: 25 }, (_, i) => ({
          id: randomUUID(),
          account_id: t.alice.id,
          contact_id: id,
          connection_id: conn.id,
          sender: '+15550100000',
          to_e164: '+14155550201',
          body: `message ${i}`,
          encoding: 'GSM-7' as const,
          segments: 1,
          status: 'delivered' as const,
          queued_at: new Date(base + i * 1000),
          updated_at: new Date(),
        })),
      )
      .execute();
    const detail = await json<ContactDetail>(await t.call('GET', `/v1/contacts/${id}`));
    expect(detail.phone).toBe('+14155550201');
    expect(detail.messages).toHaveLength(20);
    expect(detail.messages[0]?.body).toBe('message 24');
    expect(detail.messages[19]?.body).toBe('message 5');
    expect(detail.consent_history).toHaveLength(1);
  });

  it('answers 404 problems for unknown contacts', async () => {
    for (const [method, path] of [
      ['GET', `/v1/contacts/${randomUUID()}`],
      ['POST', `/v1/contacts/${randomUUID()}/opt-out`],
      ['POST', `/v1/contacts/${randomUUID()}/opt-in`],
    ] as const) {
      const res = await t.call(method, path);
      expect(res.status).toBe(404);
      expect((await json<Problem>(res)).code).toBe('not_found');
    }
  });
});
