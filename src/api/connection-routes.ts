import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { ProviderConfigError } from '../providers/provider-adapter.js';
import { createProviderAdapter, UnknownProviderError } from '../providers/provider-registry.js';
import { randomBase62 } from '../db/api-key.js';
import { NotFoundError, ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { findConnection, insertConnection, listConnections } from '../db/provider-connection-repository.js';
import type { ConnectionRecord } from '../db/provider-connection-repository.js';
import {
  ConnectionIdParams,
  ConnectionListSchema,
  ConnectionSchema,
  CreateConnectionBody,
} from './connection-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

/** `conn_` + 24 base62 characters (~143 bits): unguessable, since it appears in webhook URLs. */
export function newConnectionId(): string {
  return `conn_${randomBase62(24)}`;
}

function toJson(c: ConnectionRecord, publicBaseUrl: string) {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/v1/webhooks/${c.id}`;
  return {
    id: c.id,
    provider: c.provider,
    name: c.name,
    status: c.status,
    status_reason: c.status_reason,
    config: c.config,
    has_credentials: c.has_credentials,
    created_at: c.created_at.toISOString(),
    webhooks: { dlr: `${base}/dlr`, mo: `${base}/mo` },
  };
}

const createConnection = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create a provider connection',
  description: 'Credentials are checked by the provider adapter, encrypted at rest, and never returned.',
  security: BEARER_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: CreateConnectionBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: ConnectionSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
    422: problemResponseSpec('Invalid provider, config or credentials'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List provider connections',
  security: BEARER_SECURITY,
  responses: {
    200: {
      description: 'The account’s connections',
      content: { 'application/json': { schema: ConnectionListSchema } },
    },
    401: problemResponseSpec('Missing or bad API key'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a provider connection',
  security: BEARER_SECURITY,
  request: { params: ConnectionIdParams },
  responses: {
    200: { description: 'The connection', content: { 'application/json': { schema: ConnectionSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
    404: problemResponseSpec('No such connection in this account'),
  },
});

/** `/v1/connections`: create, list and read provider connections of the caller's account. */
export function createConnectionRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(createConnection, async (c) => {
    const body = c.req.valid('json');
    const id = newConnectionId();
    try {
      // Builds the adapter only to validate config and credentials (no network call).
      createProviderAdapter({
        id,
        provider: body.provider,
        config: body.config,
        credentials: body.credentials,
      });
    } catch (err) {
      if (err instanceof UnknownProviderError)
        throw new ValidationError([{ field: 'provider', reason: err.message }]);
      if (err instanceof ProviderConfigError)
        throw new ValidationError([{ field: err.field, reason: err.message }]);
      throw err;
    }
    const record = await insertConnection(deps.db, {
      id,
      accountId: c.get('accountId'),
      provider: body.provider,
      name: body.name,
      config: body.config,
      credentialsEncrypted: deps.cipher.encrypt(body.credentials),
    });
    deps.logger.info(
      { connectionId: id, provider: body.provider, accountId: record.account_id },
      'connection created',
    );
    return c.json(toJson(record, deps.publicBaseUrl), 201);
  });

  app.openapi(listRoute, async (c) => {
    const rows = await listConnections(deps.db, c.get('accountId'));
    return c.json({ data: rows.map((r) => toJson(r, deps.publicBaseUrl)) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const record = await findConnection(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!record) throw new NotFoundError('no such connection');
    return c.json(toJson(record, deps.publicBaseUrl), 200);
  });

  return app;
}
