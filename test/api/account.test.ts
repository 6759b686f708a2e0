import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

interface AccountBody {
  id: string;
  name: string;
  created_at: string;
  settings: {
    frequency_cap: { max_messages: number; period_seconds: number } | null;
    max_mps: number | null;
    smart_encoding: boolean;
    national_language: string | null;
  };
}

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => t.close());

describe('GET /v1/account and PATCH /v1/account/settings', () => {
  it('answers the caller’s account; a frequency cap set by PATCH is stored and shown, other settings are kept, null removes it', async () => {
    await t.db
      .updateTable('accounts')
      .set({ settings: JSON.stringify({ max_mps: 50 }) })
      .where('id', '=', t.alice.id)
      .execute();
    const before = await json<AccountBody>(await t.call('GET', '/v1/account'));
    expect(before).toMatchObject({
      id: t.alice.id,
      name: 'alice',
      settings: { frequency_cap: null, max_mps: 50 },
    });

    const cap = { max_messages: 2, period_seconds: 86_400 };
    const res = await t.call('PATCH', '/v1/account/settings', { body: { frequency_cap: cap } });
    expect(res.status).toBe(200);
    expect((await json<AccountBody>(res)).settings).toEqual({ frequency_cap: cap, max_mps: 50, smart_encoding: false, national_language: null });
    const stored = await t.db
      .selectFrom('accounts')
      .select('settings')
      .where('id', '=', t.alice.id)
      .executeTakeFirstOrThrow();
    expect(stored.settings).toEqual({ max_mps: 50, frequency_cap: cap });

    // An empty patch changes nothing; null removes the cap only.
    expect(
      (await json<AccountBody>(await t.call('PATCH', '/v1/account/settings', { body: {} }))).settings
        .frequency_cap,
    ).toEqual(cap);
    const removed = await json<AccountBody>(
      await t.call('PATCH', '/v1/account/settings', { body: { frequency_cap: null } }),
    );
    expect(removed.settings).toEqual({ frequency_cap: null, max_mps: 50, smart_encoding: false, national_language: null });

    // The send rate cap and the encoding settings the README describes are settable too.
    const other = await json<AccountBody>(
      await t.call('PATCH', '/v1/account/settings', { body: { max_mps: 12.5, smart_encoding: true, national_language: 'tr' } }),
    );
    expect(other.settings).toEqual({ frequency_cap: null, max_mps: 12.5, smart_encoding: true, national_language: 'tr' });
    const cleared = await json<AccountBody>(
      await t.call('PATCH', '/v1/account/settings', { body: { max_mps: null, smart_encoding: null, national_language: null } }),
    );
    expect(cleared.settings).toEqual({ frequency_cap: null, max_mps: null, smart_encoding: false, national_language: null });
  });

  it('refuses a bad cap or an unknown key with a 422 problem naming the field, and changes nothing', async () => {
    for (const [body, field] of [
      [{ frequency_cap: { max_messages: 0, period_seconds: 60 } }, 'frequency_cap.max_messages'],
      [{ frequency_cap: { max_messages: 1, period_seconds: 1.5 } }, 'frequency_cap.period_seconds'],
      [{ frequency_cap: { max_messages: 1 } }, 'frequency_cap.period_seconds'],
      [{ frequency_cap: { max_messages: 1, period_seconds: 60, per: 'day' } }, 'frequency_cap'],
      [{ frequency_cap: 3 }, 'frequency_cap'],
      [{ max_mps: 0 }, 'max_mps'],
      [{ national_language: 'fr' }, 'national_language'],
      [{ smart_encoding: 'yes' }, 'smart_encoding'],
      [{ quiet_hours: true }, 'body'],
    ] as const) {
      const res = await t.call('PATCH', '/v1/account/settings', { body });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await json<Problem>(res)).errors!.map((e) => e.field)).toContain(field);
    }
    const stored = await t.db
      .selectFrom('accounts')
      .select('settings')
      .where('id', '=', t.alice.id)
      .executeTakeFirstOrThrow();
    expect(stored.settings['frequency_cap']).toBeUndefined();
  });

  it('is scoped to the key’s account: Bob’s cap is not Alice’s; no key is a 401', async () => {
    const cap = { max_messages: 5, period_seconds: 3_600 };
    expect(
      (await t.call('PATCH', '/v1/account/settings', { body: { frequency_cap: cap }, as: t.bob })).status,
    ).toBe(200);
    const bob = await json<AccountBody>(await t.call('GET', '/v1/account', { as: t.bob }));
    expect(bob).toMatchObject({ id: t.bob.id, name: 'bob', settings: { frequency_cap: cap } });
    const alice = await json<AccountBody>(await t.call('GET', '/v1/account'));
    expect(alice.id).toBe(t.alice.id);
    expect(alice.settings.frequency_cap).toBeNull();
    expect((await t.call('GET', '/v1/account', { as: null })).status).toBe(401);
    expect(
      (await t.call('PATCH', '/v1/account/settings', { body: { frequency_cap: null }, as: null })).status,
    ).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      await t.call('GET', '/openapi.json'),
    );
    expect(Object.keys(doc.paths['/v1/account'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/v1/account/settings'] ?? {})).toContain('patch');
  });
});
