import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiKey, revokeApiKey } from '../../src/db/account-repository.js';
import { hashApiKey } from '../../src/db/api-key.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => {
  await t.close();
});

async function expectUnauthorized(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(await json<Problem>(res)).toMatchObject({
    status: 401,
    code: 'unauthorized',
    type: 'urn:smsflow:problem:unauthorized',
  });
}

describe('API key auth', () => {
  it('stores only the SHA-256 and a short prefix of a key', async () => {
    expect(t.alice.apiKey).toMatch(/^sf_live_[0-9A-Za-z]{32}$/);
    const row = await t.db
      .selectFrom('api_keys')
      .selectAll()
      .where('account_id', '=', t.alice.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash.equals(hashApiKey(t.alice.apiKey))).toBe(true);
    expect(row.prefix).toBe(t.alice.apiKey.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(t.alice.apiKey);
  });

  it('refuses a request without a key', async () => {
    await expectUnauthorized(await t.call('GET', '/v1/contacts', { as: null }));
    await expectUnauthorized(await t.call('GET', '/v1/campaigns', { as: null }));
    await expectUnauthorized(await t.call('GET', '/v1/connections', { as: null }));
  });

  it('refuses a malformed, an unknown and a revoked key', async () => {
    await expectUnauthorized(
      await t.call('GET', '/v1/contacts', { as: null, headers: { authorization: 'Bearer nope' } }),
    );
    await expectUnauthorized(
      await t.call('GET', '/v1/contacts', {
        as: null,
        headers: { authorization: `Basic ${t.alice.apiKey}` },
      }),
    );
    await expectUnauthorized(
      await t.call('GET', '/v1/contacts', { as: { id: t.alice.id, apiKey: `sf_live_${'a'.repeat(32)}` } }),
    );
    const { record, apiKey } = await createApiKey(t.db, t.alice.id, 'temporary');
    expect((await t.call('GET', '/v1/contacts', { as: { id: t.alice.id, apiKey } })).status).toBe(200);
    expect(await revokeApiKey(t.db, t.alice.id, record.id)).toBe(true);
    await expectUnauthorized(await t.call('GET', '/v1/contacts', { as: { id: t.alice.id, apiKey } }));
  });

  it('checks the key before validating the request', async () => {
    await expectUnauthorized(await t.call('POST', '/v1/campaigns', { as: null, body: { nonsense: true } }));
  });

  it("answers 404 for another account's contact, campaign and connection", async () => {
    const imported = await t.call('POST', '/v1/contacts/import', {
      body: 'phone,opted_in_at\n+14155550100,2024-01-02T03:04:05Z\n',
    });
    expect(imported.status).toBe(200);
    const list = await json<{ data: { id: string }[] }>(await t.call('GET', '/v1/contacts'));
    const contactId = list.data[0]?.id ?? '';
    expect((await t.call('GET', `/v1/contacts/${contactId}`)).status).toBe(200);

    const asBob = await t.call('GET', `/v1/contacts/${contactId}`, { as: t.bob });
    expect(asBob.status).toBe(404);
    expect(asBob.headers.get('content-type')).toBe('application/problem+json');
    expect((await t.call('POST', `/v1/contacts/${contactId}/opt-out`, { as: t.bob })).status).toBe(404);
    expect(await json(await t.call('GET', '/v1/contacts', { as: t.bob }))).toEqual({
      data: [],
      next_cursor: null,
    });

    const conn = await t.call('POST', '/v1/connections', {
      body: {
        provider: 'sandbox',
        name: 'mine',
        config: { baseUrl: 'http://127.0.0.1:9' },
        credentials: { apiKey: 'k', webhookSecret: 's' },
      },
    });
    const connectionId = (await json<{ id: string }>(conn)).id;
    expect((await t.call('GET', `/v1/connections/${connectionId}`, { as: t.bob })).status).toBe(404);
    const bobCampaign = await t.call('POST', '/v1/campaigns', {
      as: t.bob,
      body: {
        name: 'x',
        connection_id: connectionId,
        sender: '+15550100000',
        variants: [{ key: 'A', body: 'hi' }],
      },
    });
    expect(bobCampaign.status).toBe(422);
    expect((await json<Problem>(bobCampaign)).errors).toEqual([
      { field: 'connection_id', reason: 'no such connection in this account' },
    ]);

    const campaignId = randomUUID();
    await t.db
      .insertInto('campaigns')
      .values({
        id: campaignId,
        account_id: t.alice.id,
        name: 'c',
        connection_id: connectionId,
        sender: '+15550100000',
        workflow_id: `campaign/${campaignId}`,
      })
      .execute();
    expect((await t.call('GET', `/v1/campaigns/${campaignId}`, { as: t.bob })).status).toBe(404);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/pause`, { as: t.bob })).status).toBe(404);
  });

  it('answers 404, not an error, for ids that are not uuids', async () => {
    expect((await t.call('GET', '/v1/contacts/not-a-uuid')).status).toBe(404);
    expect((await t.call('GET', '/v1/campaigns/not-a-uuid')).status).toBe(404);
  });
});
