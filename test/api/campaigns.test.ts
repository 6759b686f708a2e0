import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCampaignBody } from '../../src/api/campaign-schemas.js';
import { canonicalJson } from '../../src/api/canonical-json.js';
import type { Problem } from '../../src/api/problem.js';
import type { CampaignStatus } from '../../src/db/database.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

let t: ApiTestContext;
let connectionId: string;
beforeAll(async () => {
  t = await createApiTestContext();
  const res = await t.call('POST', '/v1/connections', {
    body: {
      provider: 'sandbox',
      name: 's',
      config: { baseUrl: 'http://127.0.0.1:9' },
      credentials: { apiKey: 'k', webhookSecret: 's' },
    },
  });
  connectionId = (await json<{ id: string }>(res)).id;
});
afterAll(async () => {
  await t.close();
});

function campaign(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Spring sale',
    connection_id: connectionId,
    sender: '+15550100000',
    variants: [
      { key: 'A', body: 'Hi {{ first_name }}, 20% off today. Reply STOP to opt out.' },
      { key: 'B', weight: 2, body: 'Hello {{ first_name | default: "there" }}! Reply STOP to opt out.' },
    ],
    ...overrides,
  };
}

async function fieldErrors(body: Record<string, unknown>): Promise<{ field: string; reason: string }[]> {
  const res = await t.call('POST', '/v1/campaigns', { body });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await json<Problem>(res);
  expect(problem).toMatchObject({ status: 422, code: 'validation_failed', title: 'Validation failed' });
  return problem.errors ?? [];
}

async function insertCampaign(
  status: CampaignStatus,
  createdAt = new Date(),
  extraSettings: Record<string, string> = {},
): Promise<string> {
  const id = randomUUID();
  await t.db
    .insertInto('campaigns')
    .values({
      id,
      account_id: t.alice.id,
      name: `c-${status}`,
      status,
      connection_id: connectionId,
      sender: '+15550100000',
      settings: JSON.stringify({
        batch_size: 500,
        max_concurrent_batches: 4,
        dlr_timeout_seconds: 3600,
        flush_interval_ms: 2000,
        request_sha256: 'x',
        ...extraSettings,
      }),
      workflow_id: `campaign/${id}`,
      created_at: createdAt,
    })
    .execute();
  await t.db
    .insertInto('campaign_variants')
    .values({ campaign_id: id, key: 'A', weight: 1, body: 'hi' })
    .execute();
  return id;
}

describe('POST /v1/campaigns validation', () => {
  it('names a variant body that is not valid Liquid', async () => {
    const errors = await fieldErrors(
      campaign({
        variants: [
          { key: 'A', body: 'ok {{ first_name }}' },
          { key: 'B', body: 'Hi {% if vip %}VIP' },
        ],
      }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe('variants[1].body');
    expect(errors[0]?.reason).toMatch(/^invalid Liquid template: .*if/);
  });

  it('names an unknown Liquid filter (the renderer is strict about filters)', async () => {
    const errors = await fieldErrors(
      campaign({ variants: [{ key: 'A', body: 'Hi {{ first_name | shout }}' }] }),
    );
    expect(errors[0]?.field).toBe('variants[0].body');
  });

  it('names an unknown connection', async () => {
    expect(await fieldErrors(campaign({ connection_id: 'conn_nope' }))).toEqual([
      { field: 'connection_id', reason: 'no such connection in this account' },
    ]);
  });

  it('names every bad variant field at once', async () => {
    const errors = await fieldErrors(
      campaign({
        variants: [
          { key: 'A', weight: 0, body: 'x' },
          { key: 'a', body: 'x' },
          { key: 'C', body: '' },
          { key: 'D', body: 'x'.repeat(1601) },
          { key: 'A', body: 'x' },
        ],
      }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      [
        'variants[0].weight',
        'variants[1].key',
        'variants[2].body',
        'variants[3].body',
        'variants[4].key',
      ].sort(),
    );
    expect(errors.find((e) => e.field === 'variants[4].key')?.reason).toBe('duplicate variant key A');
  });

  it('refuses no variants, more than ten, settings out of range and a bad sender', async () => {
    expect((await fieldErrors(campaign({ variants: [] })))[0]?.field).toBe('variants');
    const eleven = 'ABCDEFGHIJK'.split('').map((key) => ({ key, body: 'x' }));
    expect((await fieldErrors(campaign({ variants: eleven })))[0]?.field).toBe('variants');
    const settings = await fieldErrors(
      campaign({
        settings: {
          batch_size: 0,
          max_concurrent_batches: 51,
          dlr_timeout_seconds: 0,
          flush_interval_ms: 100,
        },
      }),
    );
    expect(settings.map((e) => e.field).sort()).toEqual(
      [
        'settings.batch_size',
        'settings.dlr_timeout_seconds',
        'settings.flush_interval_ms',
        'settings.max_concurrent_batches',
      ].sort(),
    );
    expect((await fieldErrors(campaign({ sender: 'not a sender!' })))[0]?.field).toBe('sender');
    expect((await fieldErrors(campaign({ fields: { x: true } })))[0]?.field).toBe('fields.x');
    expect((await fieldErrors(campaign({ audience: { filter: { plan: 3 } } })))[0]?.field).toBe(
      'audience.filter.plan',
    );
  });

  it('stores nothing when validation fails', async () => {
    const n = await t.db
      .selectFrom('campaigns')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
});

describe('campaign reads and controls', () => {
  it('lists campaigns newest first, by keyset pages, without internal settings', async () => {
    const base = Date.now() - 100_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await insertCampaign('completed', new Date(base + i * 1000)));
    const first = await json<{
      data: { id: string; settings: Record<string, unknown>; variants: unknown[] }[];
      next_cursor: string;
    }>(await t.call('GET', '/v1/campaigns?limit=3'));
    expect(first.data.map((c) => c.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.data[0]?.settings).toEqual({
      batch_size: 500,
      max_concurrent_batches: 4,
      dlr_timeout_seconds: 3600,
      flush_interval_ms: 2000,
    });
    expect(first.data[0]?.variants).toEqual([{ key: 'A', weight: 1, body: 'hi' }]);
    const second = await json<{ data: { id: string }[]; next_cursor: string | null }>(
      await t.call('GET', `/v1/campaigns?limit=3&cursor=${first.next_cursor}`),
    );
    expect(second.data.map((c) => c.id)).toEqual([ids[1], ids[0]]);
    expect(second.next_cursor).toBeNull();
    expect((await t.call('GET', '/v1/campaigns?cursor=garbage')).status).toBe(400);
    expect(await json(await t.call('GET', '/v1/campaigns', { as: t.bob }))).toEqual({
      data: [],
      next_cursor: null,
    });
  });

  it('shows a campaign with stats, and progress null when Temporal does not answer', async () => {
    const id = await insertCampaign('running');
    const res = await t.call('GET', `/v1/campaigns/${id}`);
    expect(res.status).toBe(200);
    const body = await json<{
      id: string;
      stats: { totals: { total: number } };
      progress: unknown;
      temporal: Record<string, string>;
    }>(res);
    expect(body.id).toBe(id);
    expect(body.stats.totals.total).toBe(0);
    expect(body.progress).toBeNull();
    expect(body.temporal).toEqual({ workflow_id: `campaign/${id}` });
  });

  it('answers 409 when pausing, resuming or canceling a finished campaign', async () => {
    for (const status of ['completed', 'canceled', 'failed'] as const) {
      const id = await insertCampaign(status);
      for (const action of ['pause', 'resume', 'cancel']) {
        const res = await t.call('POST', `/v1/campaigns/${id}/${action}`);
        expect(res.status).toBe(409);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect((await json<Problem>(res)).detail).toBe(`campaign is already ${status}`);
      }
    }
    expect((await t.call('POST', `/v1/campaigns/${randomUUID()}/pause`)).status).toBe(404);
  });
});

describe('Idempotency-Key', () => {
  it('answers the stored campaign for a retry of the same request, and 409 for a different one', async () => {
    const body = campaign({ name: 'idempotent' });
    const sha = createHash('sha256')
      .update(canonicalJson(CreateCampaignBody.parse(body)))
      .digest('hex');
    // The first attempt stored the campaign and its workflow is running (status no longer `created`,
    // so the replay does not reach Temporal).
    const id = await insertCampaign('running', new Date(), {
      idempotency_key: 'retry-1',
      request_sha256: sha,
    });
    const count = async () => (await t.db.selectFrom('campaigns').select('id').execute()).length;
    const before = await count();

    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const replay = await t.call('POST', '/v1/campaigns', {
      body: reordered,
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const replayed = await json<{ id: string; status: string; settings: Record<string, unknown> }>(replay);
    expect(replayed).toMatchObject({ id, status: 'running' });
    expect(replayed.settings['idempotency_key']).toBe('retry-1');
    expect(replayed.settings).not.toHaveProperty('request_sha256');

    const other = await t.call('POST', '/v1/campaigns', {
      body: campaign({ name: 'something else' }),
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(other.status).toBe(409);
    expect((await json<Problem>(other)).code).toBe('idempotency_key_reused');
    expect(await count()).toBe(before);
  });
});
