import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';
import { ONBOARDING_STEPS } from '../../src/domain/onboarding-checklist.js';

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => {
  await t.close();
});

describe('app', () => {
  it('answers /healthz after checking the database', async () => {
    const res = await t.call('GET', '/healthz', { as: null });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.call('GET', '/v2/nothing', { as: null });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await json<Problem>(res);
    expect(problem).toMatchObject({
      status: 404,
      code: 'not_found',
      title: 'Not found',
      type: 'urn:smsflow:problem:not_found',
    });
    expect(problem.detail).toContain('/v2/nothing');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    // A JSON body missing every field is a validation failure…
    const res = await t.call('POST', '/v1/connections', { body: {} });
    expect(res.status).toBe(422);
    expect((await json<Problem>(res)).errors?.map((e) => e.field).sort()).toEqual([
      'credentials',
      'name',
      'provider',
    ]);
    const bad = await t.app.request('/v1/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.alice.apiKey}`, 'content-type': 'application/json' },
      body: '{"provider": "sandbox",',
    });
    // …while a body that is not JSON cannot be read at all.
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await json<Problem>(bad)).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('answers a JSON route called with another media type with a 415 problem', async () => {
    const res = await t.app.request('/v1/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.alice.apiKey}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(await json<Problem>(res)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await t.call('GET', '/openapi.json', { as: null });
    expect(res.status).toBe(200);
    const doc = await json<{
      openapi: string;
      servers: { url: string }[];
      paths: Record<
        string,
        Record<string, { security?: unknown; requestBody?: { content: Record<string, unknown> } }>
      >;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>(res);
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.servers[0]?.url).toBe('https://sms.example.test');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'POST /v1/connections',
        'GET /v1/connections',
        'GET /v1/connections/{id}',
        'POST /v1/contacts/import',
        'GET /v1/contacts',
        'GET /v1/contacts/{id}',
        'POST /v1/contacts/{id}/opt-out',
        'POST /v1/contacts/{id}/opt-in',
        'GET /v1/contacts/{id}/profile',
        'GET /v1/keywords',
        'PUT /v1/keywords',
        'POST /v1/events',
        'POST /v1/consent-imports',
        'GET /v1/consent-imports/{id}',
        'GET /v1/consent-imports/{id}/errors',
        'POST /v1/campaigns',
        'GET /v1/campaigns',
        'GET /v1/campaigns/{id}',
        'POST /v1/campaigns/{id}/pause',
        'POST /v1/campaigns/{id}/resume',
        'POST /v1/campaigns/{id}/cancel',
        'GET /v1/campaigns/{id}/stats/timeseries',
        'GET /v1/account',
        'PATCH /v1/account/settings',
        'POST /v1/senders',
        'GET /v1/senders',
        'GET /v1/senders/{id}',
        'PATCH /v1/senders/{id}',
        'POST /v1/sender-pools',
        'GET /v1/sender-pools',
        'GET /v1/sender-pools/{id}',
        'PATCH /v1/sender-pools/{id}',
        'POST /v1/templates',
        'GET /v1/templates/{id}',
        'POST /v1/templates/preview',
        'PUT /v1/templates/prices/{country}',
        'GET /l/{code}',
        'POST /v1/onboarding',
        'GET /v1/onboarding',
        'POST /v1/onboarding/registrations/decision',
        ...ONBOARDING_STEPS.map((step) => `POST /v1/onboarding/steps/${step}`),
      ].sort(),
    );
    expect(doc.paths['/v1/campaigns']?.['post']?.requestBody?.content).toHaveProperty('application/json');
    expect(doc.paths['/v1/contacts/import']?.['post']?.requestBody?.content).toHaveProperty('text/csv');
    expect(doc.paths['/v1/campaigns']?.['post']?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes).toHaveProperty('bearerAuth');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Problem',
        'CreateCampaign',
        'Campaign',
        'Contact',
        'ContactImportSummary',
        'Connection',
      ]),
    );
  });
});
