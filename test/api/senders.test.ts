import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext, TestAccount } from './api-test-context.js';

let t: ApiTestContext;
let connectionId: string;
let otherConnectionId: string;
let bobConnectionId: string;

async function createConnection(as: TestAccount, name: string): Promise<string> {
  const res = await t.call('POST', '/v1/connections', {
    as,
    body: { provider: 'sandbox', name, config: { baseUrl: 'http://127.0.0.1:9' }, credentials: { apiKey: 'k', webhookSecret: 's' } },
  });
  return (await json<{ id: string }>(res)).id;
}

beforeAll(async () => {
  t = await createApiTestContext();
  connectionId = await createConnection(t.alice, 'main');
  otherConnectionId = await createConnection(t.alice, 'other');
  bobConnectionId = await createConnection(t.bob, 'bob');
});
afterAll(async () => {
  await t?.close();
});

interface SenderJson {
  id: string;
  connection_id: string;
  type: string;
  address: string;
  country: string | null;
  mps: number | null;
}

/** Expects a 422 problem and answers its field names. */
async function fieldsOf(res: Response): Promise<string[]> {
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await json<Problem>(res);
  expect(problem.code).toBe('validation_failed');
  return (problem.errors ?? []).map((e) => e.field);
}

async function register(body: Record<string, unknown>, as: TestAccount = t.alice): Promise<SenderJson> {
  const res = await t.call('POST', '/v1/senders', { as, body: { connection_id: as === t.bob ? bobConnectionId : connectionId, ...body } });
  expect(res.status).toBe(201);
  return json<SenderJson>(res);
}

describe('POST /v1/senders', () => {
  it('registers a number in E.164 with its country and the default MPS of its type', async () => {
    const s = await register({ type: 'long_code', address: '+1 416 555 0101' });
    expect(s).toMatchObject({ connection_id: connectionId, type: 'long_code', address: '+14165550101', country: 'CA', mps: 1 });
    expect(await register({ type: 'toll_free', address: '+18005550101' })).toMatchObject({ country: 'US', mps: 3 });
    expect(await register({ type: 'short_code', address: '55501', country: 'us' })).toMatchObject({ country: 'US', mps: 100 });
    expect(await register({ type: 'alphanumeric', address: 'ACME', country: 'GB' })).toMatchObject({ mps: 0.1 });
    expect(await register({ type: 'alphanumeric', address: 'ACME World', mps: 2.5 })).toMatchObject({ country: null, mps: 2.5 });
  });

  it('names the field of an address that does not fit its type', async () => {
    const post = (body: Record<string, unknown>) => t.call('POST', '/v1/senders', { body: { connection_id: connectionId, ...body } });
    expect(await fieldsOf(await post({ type: 'long_code', address: '2015550100' }))).toEqual(['address']);
    expect(await fieldsOf(await post({ type: 'long_code', address: '+15550100000' }))).toEqual(['address']);
    expect(await fieldsOf(await post({ type: 'long_code', address: '+14165550102', country: 'US' }))).toEqual(['country']);
    expect(await fieldsOf(await post({ type: 'toll_free', address: '+12015550102' }))).toEqual(['address']);
    expect(await fieldsOf(await post({ type: 'short_code', address: '12' }))).toEqual(['address', 'country']);
    expect(await fieldsOf(await post({ type: 'alphanumeric', address: 'ACME-SHOP!' }))).toEqual(['address']);
    expect(await fieldsOf(await post({ type: 'alphanumeric', address: 'ACME', country: 'US' }))).toEqual(['country']);
    expect(await fieldsOf(await post({ type: 'pigeon', address: 'x' }))).toEqual(['type']);
    expect(await fieldsOf(await post({ type: 'long_code', address: '+12015550102', mps: 0 }))).toEqual(['mps']);
    expect(await fieldsOf(await post({ type: 'long_code', address: '+12015550102', mpss: 1 }))).toEqual(['body']);
  });

  it('names connection_id when it is not one of the account’s connections', async () => {
    const unknown = await t.call('POST', '/v1/senders', { body: { connection_id: 'conn_nope', type: 'long_code', address: '+12015550103' } });
    expect(await fieldsOf(unknown)).toEqual(['connection_id']);
    const bobs = await t.call('POST', '/v1/senders', { body: { connection_id: bobConnectionId, type: 'long_code', address: '+12015550103' } });
    expect(await fieldsOf(bobs)).toEqual(['connection_id']);
  });

  it('answers 409 for an address the account already has, and lets another account use it', async () => {
    await register({ type: 'long_code', address: '+12015550104' });
    const again = await t.call('POST', '/v1/senders', { body: { connection_id: connectionId, type: 'long_code', address: '+1 201-555-0104' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect((await json<Problem>(again)).detail).toContain('+12015550104');
    await register({ type: 'long_code', address: '+12015550104' }, t.bob);
  });
});

describe('GET and PATCH /v1/senders', () => {
  it('lists and reads only the account’s senders', async () => {
    const s = await register({ type: 'long_code', address: '+12015550105' });
    const list = await json<{ data: SenderJson[] }>(await t.call('GET', '/v1/senders'));
    expect(list.data.map((x) => x.id)).toContain(s.id);
    expect((await t.call('GET', `/v1/senders/${s.id}`)).status).toBe(200);
    expect((await t.call('GET', `/v1/senders/${s.id}`, { as: t.bob })).status).toBe(404);
    const bobList = await json<{ data: SenderJson[] }>(await t.call('GET', '/v1/senders', { as: t.bob }));
    expect(bobList.data.map((x) => x.id)).not.toContain(s.id);
  });

  it('changes MPS, and a country only where the type allows', async () => {
    const s = await register({ type: 'long_code', address: '+12015550106' });
    const patched = await t.call('PATCH', `/v1/senders/${s.id}`, { body: { mps: 4 } });
    expect(patched.status).toBe(200);
    expect(await json<SenderJson>(patched)).toMatchObject({ mps: 4, country: 'US' });
    expect(await fieldsOf(await t.call('PATCH', `/v1/senders/${s.id}`, { body: { country: 'CA' } }))).toEqual(['country']);
    expect(await fieldsOf(await t.call('PATCH', `/v1/senders/${s.id}`, { body: {} }))).toEqual(['body']);
    expect(await fieldsOf(await t.call('PATCH', `/v1/senders/${s.id}`, { body: { mps: -1 } }))).toEqual(['mps']);
    expect((await t.call('PATCH', `/v1/senders/${s.id}`, { as: t.bob, body: { mps: 9 } })).status).toBe(404);
    const alpha = await register({ type: 'alphanumeric', address: 'Shop', country: 'GB' });
    expect(await json<SenderJson>(await t.call('PATCH', `/v1/senders/${alpha.id}`, { body: { country: null } }))).toMatchObject({ country: null });
  });
});

describe('/v1/sender-pools', () => {
  it('creates a pool with sticky sender and geomatch on by default, and shows its senders', async () => {
    const a = await register({ type: 'long_code', address: '+12015550107' });
    const b = await register({ type: 'long_code', address: '+14165550107' });
    const res = await t.call('POST', '/v1/sender-pools', { body: { name: 'NA', sender_ids: [a.id, b.id] } });
    expect(res.status).toBe(201);
    const pool = await json<{ id: string; sticky_sender: boolean; geomatch: boolean; senders: SenderJson[] }>(res);
    expect(pool).toMatchObject({ sticky_sender: true, geomatch: true });
    expect(pool.senders.map((s) => s.address)).toEqual(['+12015550107', '+14165550107']);
    expect((await t.call('GET', `/v1/sender-pools/${pool.id}`)).status).toBe(200);
    expect((await t.call('GET', `/v1/sender-pools/${pool.id}`, { as: t.bob })).status).toBe(404);
    const list = await json<{ data: { id: string }[] }>(await t.call('GET', '/v1/sender-pools'));
    expect(list.data.map((p) => p.id)).toContain(pool.id);
  });

  it('names each sender id that is not the account’s, repeated, or malformed', async () => {
    const a = await register({ type: 'long_code', address: '+12015550108' });
    const bobs = await register({ type: 'long_code', address: '+12015550108' }, t.bob);
    const post = (body: Record<string, unknown>) => t.call('POST', '/v1/sender-pools', { body: { name: 'p', ...body } });
    expect(await fieldsOf(await post({ sender_ids: [a.id, bobs.id] }))).toEqual(['sender_ids[1]']);
    expect(await fieldsOf(await post({ sender_ids: [a.id, a.id] }))).toEqual(['sender_ids[1]']);
    expect(await fieldsOf(await post({ sender_ids: ['nope'] }))).toEqual(['sender_ids[0]']);
    expect(await fieldsOf(await post({ sender_ids: [] }))).toEqual(['sender_ids']);
    expect(await fieldsOf(await post({ sender_ids: [a.id], sticky_sender: 'yes' }))).toEqual(['sticky_sender']);
  });

  it('adds and removes senders and switches settings, but never empties a pool', async () => {
    const a = await register({ type: 'long_code', address: '+12015550109' });
    const b = await register({ type: 'long_code', address: '+12015550110' });
    const pool = await json<{ id: string }>(await t.call('POST', '/v1/sender-pools', { body: { name: 'p', sender_ids: [a.id] } }));
    const patch = (body: Record<string, unknown>) => t.call('PATCH', `/v1/sender-pools/${pool.id}`, { body });
    const changed = await patch({ add_sender_ids: [b.id], remove_sender_ids: [a.id], geomatch: false, name: 'renamed' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ name: 'renamed', geomatch: false, sticky_sender: true, senders: [{ id: b.id }] });
    expect(await fieldsOf(await patch({ remove_sender_ids: [b.id] }))).toEqual(['remove_sender_ids']);
    expect(await fieldsOf(await patch({ add_sender_ids: [a.id], remove_sender_ids: [a.id] }))).toEqual(['remove_sender_ids[0]']);
    expect(await fieldsOf(await patch({}))).toEqual(['body']);
    expect((await t.call('PATCH', `/v1/sender-pools/${pool.id}`, { as: t.bob, body: { name: 'x' } })).status).toBe(404);
    const after = await json<{ senders: { id: string }[] }>(await t.call('GET', `/v1/sender-pools/${pool.id}`));
    expect(after.senders.map((s) => s.id)).toEqual([b.id]);
  });
});

describe('POST /v1/campaigns with a sender pool', () => {
  const campaign = (over: Record<string, unknown>) => ({
    name: 'pooled',
    connection_id: connectionId,
    variants: [{ key: 'A', body: 'Hi! Reply STOP to opt out.' }],
    ...over,
  });

  it('wants exactly one of sender and sender_pool_id', async () => {
    const a = await register({ type: 'long_code', address: '+12015550111' });
    const pool = await json<{ id: string }>(await t.call('POST', '/v1/sender-pools', { body: { name: 'p', sender_ids: [a.id] } }));
    expect(await fieldsOf(await t.call('POST', '/v1/campaigns', { body: campaign({}) }))).toEqual(['sender']);
    expect(await fieldsOf(await t.call('POST', '/v1/campaigns', { body: campaign({ sender: '+12015550111', sender_pool_id: pool.id }) }))).toEqual(['sender_pool_id']);
  });

  it('names sender_pool_id for another account’s pool or a pool with senders on another connection', async () => {
    const bobs = await register({ type: 'long_code', address: '+12015550112' }, t.bob);
    const bobPool = await json<{ id: string }>(await t.call('POST', '/v1/sender-pools', { as: t.bob, body: { name: 'p', sender_ids: [bobs.id] } }));
    expect(await fieldsOf(await t.call('POST', '/v1/campaigns', { body: campaign({ sender_pool_id: bobPool.id }) }))).toEqual(['sender_pool_id']);

    const here = await register({ type: 'long_code', address: '+12015550113' });
    const res = await t.call('POST', '/v1/senders', { body: { connection_id: otherConnectionId, type: 'long_code', address: '+12015550114' } });
    const elsewhere = await json<SenderJson>(res);
    const mixed = await json<{ id: string }>(await t.call('POST', '/v1/sender-pools', { body: { name: 'mixed', sender_ids: [here.id, elsewhere.id] } }));
    const refused = await t.call('POST', '/v1/campaigns', { body: campaign({ sender_pool_id: mixed.id }) });
    expect(await fieldsOf(refused.clone())).toEqual(['sender_pool_id']);
    expect((await json<Problem>(refused)).detail).toContain('+12015550114');
    expect(await t.db.selectFrom('campaigns').select('id').where('name', '=', 'pooled').execute()).toEqual([]);
  });
});
