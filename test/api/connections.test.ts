import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json, PUBLIC_BASE_URL } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => {
  await t.close();
});

const SECRET_KEY = 'sandbox-api-key-very-secret';
const SECRET_HOOK = 'sandbox-webhook-secret-also-secret';
const valid = {
  provider: 'sandbox',
  name: 'Sandbox',
  config: { baseUrl: 'http://127.0.0.1:43121' },
  credentials: { apiKey: SECRET_KEY, webhookSecret: SECRET_HOOK },
};

interface ConnectionBody {
  id: string;
  provider: string;
  name: string;
  status: string;
  has_credentials: boolean;
  webhooks: { dlr: string; mo: string };
}

describe('connections', () => {
  it('creates a connection with webhook URLs and never returns its credentials', async () => {
    const res = await t.call('POST', '/v1/connections', { body: valid });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toContain(SECRET_HOOK);
    expect(text).not.toContain('"credentials"');
    const body = JSON.parse(text) as ConnectionBody;
    expect(body.id).toMatch(/^conn_[0-9A-Za-z]{24}$/);
    expect(body).toMatchObject({
      provider: 'sandbox',
      name: 'Sandbox',
      status: 'active',
      has_credentials: true,
    });
    expect(body.webhooks).toEqual({
      dlr: `${PUBLIC_BASE_URL}/v1/webhooks/${body.id}/dlr`,
      mo: `${PUBLIC_BASE_URL}/v1/webhooks/${body.id}/mo`,
    });

    for (const path of ['/v1/connections', `/v1/connections/${body.id}`]) {
      const got = await t.call('GET', path);
      expect(got.status).toBe(200);
      const gotText = await got.text();
      expect(gotText).toContain(body.id);
      expect(gotText).not.toContain(SECRET_KEY);
      expect(gotText).not.toContain(SECRET_HOOK);
    }
  });

  it('stores the credentials as AES-GCM ciphertext that decrypts to what was sent', async () => {
    const { id } = await json<ConnectionBody>(
      await t.call('POST', '/v1/connections', { body: { ...valid, name: 'second' } }),
    );
    const row = await t.db
      .selectFrom('provider_connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.account_id).toBe(t.alice.id);
    const stored = row.credentials_encrypted;
    expect(stored).toBeInstanceOf(Buffer);
    expect(stored?.toString('latin1')).not.toContain(SECRET_KEY);
    expect(t.cipher.decrypt(stored ?? Buffer.alloc(0))).toEqual(valid.credentials);
  });

  it('gives each connection a distinct unguessable id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1)
      ids.add((await json<ConnectionBody>(await t.call('POST', '/v1/connections', { body: valid }))).id);
    expect(ids.size).toBe(5);
  });

  it('refuses an unknown provider and config the adapter rejects, naming the field', async () => {
    const unknown = await t.call('POST', '/v1/connections', {
      body: { ...valid, provider: 'carrier-pigeon' },
    });
    expect(unknown.status).toBe(422);
    expect((await json<Problem>(unknown)).errors?.[0]?.field).toBe('provider');

    const noUrl = await t.call('POST', '/v1/connections', { body: { ...valid, config: {} } });
    expect(noUrl.status).toBe(422);
    expect((await json<Problem>(noUrl)).errors?.[0]?.field).toBe('config.baseUrl');

    const noSecret = await t.call('POST', '/v1/connections', {
      body: { ...valid, credentials: { apiKey: SECRET_KEY } },
    });
    expect(noSecret.status).toBe(422);
    const problem = await json<Problem>(noSecret);
    expect(problem.errors?.[0]?.field).toBe('credentials.webhookSecret');
    expect(JSON.stringify(problem)).not.toContain(SECRET_KEY);
  });

  it('lists only the caller account’s connections', async () => {
    const bobs = await json<{ data: ConnectionBody[] }>(
      await t.call('GET', '/v1/connections', { as: t.bob }),
    );
    expect(bobs.data).toEqual([]);
    const alices = await json<{ data: ConnectionBody[] }>(await t.call('GET', '/v1/connections'));
    expect(alices.data.length).toBeGreaterThanOrEqual(7);
  });

  it('answers 404 for an unknown connection id', async () => {
    const res = await t.call('GET', '/v1/connections/conn_doesnotexist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
