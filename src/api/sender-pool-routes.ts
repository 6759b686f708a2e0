import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { EmptySenderPoolError, findSenderPool, insertSenderPool, listSenderPools, updateSenderPool } from '../db/sender-pool-repository.js';
import type { SenderPoolRecord } from '../db/sender-pool-repository.js';
import { sendersByIds } from '../db/sender-repository.js';
import type { Db } from '../db/connection.js';
import { NotFoundError, ValidationError } from './api-error.js';
import type { FieldError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { problemResponseSpec } from './problem.js';
import { CreateSenderPoolBody, SenderPoolIdParams, SenderPoolListSchema, SenderPoolSchema, UpdateSenderPoolBody } from './sender-pool-schemas.js';
import { toSenderJson } from './sender-routes.js';
import { validationHook } from './validation-hook.js';

function toPoolJson(p: SenderPoolRecord) {
  return {
    id: p.id,
    name: p.name,
    sticky_sender: p.sticky_sender,
    geomatch: p.geomatch,
    senders: p.members.map(toSenderJson),
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

/** One field error per id of `field` that is not a sender of the account (`sender_ids[2]`). */
async function unknownSenders(db: Db, accountId: string, field: string, ids: readonly string[] | undefined): Promise<FieldError[]> {
  if (!ids?.length) return [];
  const known = new Set((await sendersByIds(db, accountId, ids)).map((s) => s.id));
  return ids.flatMap((id, i) => (known.has(id) ? [] : [{ field: `${field}[${i}]`, reason: 'no such sender in this account' }]));
}

const unauthorized = problemResponseSpec('Missing or bad API key');
const notFound = problemResponseSpec('No such sender pool in this account');

const createPool = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create a sender pool',
  description: 'Campaigns given `sender_pool_id` choose each recipient’s sender from the pool (sticky sender, country geomatch).',
  security: BEARER_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: CreateSenderPoolBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: SenderPoolSchema } } },
    401: unauthorized,
    422: problemResponseSpec('Invalid fields or unknown senders'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List sender pools',
  security: BEARER_SECURITY,
  responses: {
    200: { description: 'The account’s pools, oldest first', content: { 'application/json': { schema: SenderPoolListSchema } } },
    401: unauthorized,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a sender pool with its senders',
  security: BEARER_SECURITY,
  request: { params: SenderPoolIdParams },
  responses: {
    200: { description: 'The pool', content: { 'application/json': { schema: SenderPoolSchema } } },
    401: unauthorized,
    404: notFound,
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Rename a pool, switch sticky sender or geomatch, add or remove senders',
  description: 'Applies to batches prepared from now on. A removed sender’s sticky recipients get a new sender on their next message.',
  security: BEARER_SECURITY,
  request: { params: SenderPoolIdParams, body: { required: true, content: { 'application/json': { schema: UpdateSenderPoolBody } } } },
  responses: {
    200: { description: 'The updated pool', content: { 'application/json': { schema: SenderPoolSchema } } },
    401: unauthorized,
    404: notFound,
    422: problemResponseSpec('Invalid fields, unknown senders, or the pool would be left empty'),
  },
});

/** `/v1/sender-pools`: create, list, read and change the account's sender pools. */
export function createSenderPoolRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(createPool, async (c) => {
    const body = c.req.valid('json');
    const accountId = c.get('accountId');
    const errors = await unknownSenders(deps.db, accountId, 'sender_ids', body.sender_ids);
    if (errors.length > 0) throw new ValidationError(errors);
    const pool = await insertSenderPool(deps.db, { accountId, name: body.name, stickySender: body.sticky_sender, geomatch: body.geomatch, senderIds: body.sender_ids });
    deps.logger.info({ accountId, poolId: pool.id, senders: pool.members.length }, 'sender pool created');
    return c.json(toPoolJson(pool), 201);
  });

  app.openapi(listRoute, async (c) => c.json({ data: (await listSenderPools(deps.db, c.get('accountId'))).map(toPoolJson) }, 200));

  app.openapi(getRoute, async (c) => {
    const pool = await findSenderPool(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!pool) throw new NotFoundError('no such sender pool');
    return c.json(toPoolJson(pool), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const body = c.req.valid('json');
    const accountId = c.get('accountId');
    const { id } = c.req.valid('param');
    if (!(await findSenderPool(deps.db, accountId, id))) throw new NotFoundError('no such sender pool');
    const errors = [
      ...(await unknownSenders(deps.db, accountId, 'add_sender_ids', body.add_sender_ids)),
      ...(await unknownSenders(deps.db, accountId, 'remove_sender_ids', body.remove_sender_ids)),
    ];
    if (errors.length > 0) throw new ValidationError(errors);
    try {
      const pool = await updateSenderPool(deps.db, accountId, id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.sticky_sender !== undefined ? { stickySender: body.sticky_sender } : {}),
        ...(body.geomatch !== undefined ? { geomatch: body.geomatch } : {}),
        ...(body.add_sender_ids ? { add: body.add_sender_ids } : {}),
        ...(body.remove_sender_ids ? { remove: body.remove_sender_ids } : {}),
      });
      if (!pool) throw new NotFoundError('no such sender pool');
      deps.logger.info({ accountId, poolId: id, senders: pool.members.length }, 'sender pool changed');
      return c.json(toPoolJson(pool), 200);
    } catch (err) {
      if (err instanceof EmptySenderPoolError) throw new ValidationError([{ field: 'remove_sender_ids', reason: err.message }]);
      throw err;
    }
  });

  return app;
}
