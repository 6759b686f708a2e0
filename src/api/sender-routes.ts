import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { findConnection } from '../db/provider-connection-repository.js';
import { DuplicateSenderError, findSender, insertSender, listSenders, updateSender } from '../db/sender-repository.js';
import type { SenderRecord } from '../db/sender-repository.js';
import { checkSenderAddress, checkSenderCountry } from '../domain/sender-address.js';
import { DEFAULT_SENDER_MPS } from '../domain/sender-mps.js';
import { ConflictError, NotFoundError, ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { problemResponseSpec } from './problem.js';
import { CreateSenderBody, SenderIdParams, SenderListSchema, SenderSchema, UpdateSenderBody } from './sender-schemas.js';
import { validationHook } from './validation-hook.js';

/** A sender as the API answers it. */
export function toSenderJson(s: SenderRecord) {
  return { id: s.id, connection_id: s.connection_id, type: s.type, address: s.address, country: s.country, mps: s.mps, created_at: s.created_at.toISOString() };
}

const unauthorized = problemResponseSpec('Missing or bad API key');
const notFound = problemResponseSpec('No such sender in this account');

const createSender = createRoute({
  method: 'post',
  path: '/',
  summary: 'Register a sender (number, short code or alphanumeric ID) with its MPS',
  description: 'The address is checked for its type; `mps` defaults by type (compliance.md §c6). One sender per address per account.',
  security: BEARER_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: CreateSenderBody } } } },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: SenderSchema } } },
    401: unauthorized,
    409: problemResponseSpec('The account already has a sender with this address'),
    422: problemResponseSpec('Invalid fields or unknown connection'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List senders',
  security: BEARER_SECURITY,
  responses: {
    200: { description: 'The account’s senders, oldest first', content: { 'application/json': { schema: SenderListSchema } } },
    401: unauthorized,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a sender',
  security: BEARER_SECURITY,
  request: { params: SenderIdParams },
  responses: {
    200: { description: 'The sender', content: { 'application/json': { schema: SenderSchema } } },
    401: unauthorized,
    404: notFound,
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Change a sender’s MPS or country',
  description: 'The new MPS applies to the next pacing reservation of every worker.',
  security: BEARER_SECURITY,
  request: { params: SenderIdParams, body: { required: true, content: { 'application/json': { schema: UpdateSenderBody } } } },
  responses: {
    200: { description: 'The updated sender', content: { 'application/json': { schema: SenderSchema } } },
    401: unauthorized,
    404: notFound,
    422: problemResponseSpec('Invalid fields'),
  },
});

/** `/v1/senders`: register, list, read and change the account's senders. */
export function createSenderRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(createSender, async (c) => {
    const body = c.req.valid('json');
    const accountId = c.get('accountId');
    const checked = checkSenderAddress(body);
    if (!checked.ok) throw new ValidationError(checked.errors);
    if (!(await findConnection(deps.db, accountId, body.connection_id))) {
      throw new ValidationError([{ field: 'connection_id', reason: 'no such connection in this account' }]);
    }
    try {
      const sender = await insertSender(deps.db, {
        accountId,
        connectionId: body.connection_id,
        address: checked.address,
        type: body.type,
        country: checked.country,
        mps: body.mps ?? DEFAULT_SENDER_MPS[body.type],
      });
      deps.logger.info({ accountId, senderId: sender.id, type: sender.type, mps: sender.mps }, 'sender registered');
      return c.json(toSenderJson(sender), 201);
    } catch (err) {
      if (err instanceof DuplicateSenderError) throw new ConflictError(`address: ${err.message}`);
      throw err;
    }
  });

  app.openapi(listRoute, async (c) => c.json({ data: (await listSenders(deps.db, c.get('accountId'))).map(toSenderJson) }, 200));

  app.openapi(getRoute, async (c) => {
    const sender = await findSender(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!sender) throw new NotFoundError('no such sender');
    return c.json(toSenderJson(sender), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const accountId = c.get('accountId');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const sender = await findSender(deps.db, accountId, id);
    if (!sender) throw new NotFoundError('no such sender');
    let country: string | null | undefined;
    if (body.country !== undefined) {
      const checked = checkSenderCountry(sender, body.country);
      if (!checked.ok) throw new ValidationError(checked.errors);
      country = checked.country;
    }
    const updated = await updateSender(deps.db, accountId, id, { ...(body.mps !== undefined ? { mps: body.mps } : {}), ...(country !== undefined ? { country } : {}) });
    if (!updated) throw new NotFoundError('no such sender');
    deps.logger.info({ accountId, senderId: id, mps: updated.mps, country: updated.country }, 'sender changed');
    return c.json(toSenderJson(updated), 200);
  });

  return app;
}
