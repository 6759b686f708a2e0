import { createHash } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { loadCampaignStats } from '../db/campaign-stats.js';
import {
  BadRequestError,
  ConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { findCampaign, insertCampaign, listCampaigns } from '../db/campaign-record-repository.js';
import type { CampaignCursor } from '../db/campaign-record-repository.js';
import { toCampaignJson } from './campaign-json.js';
import {
  CampaignActionSchema,
  CampaignDetailSchema,
  CampaignIdParams,
  CampaignListQuery,
  CampaignListSchema,
  CampaignSchema,
  CreateCampaignBody,
  CreateCampaignHeaders,
} from './campaign-schemas.js';
import { createCampaignWorkflowClient, CampaignWorkflowNotRunningError } from './campaign-workflow-client.js';
import type { CampaignAction } from './campaign-workflow-client.js';
import { canonicalJson } from './canonical-json.js';
import { findConnection } from '../db/provider-connection-repository.js';
import { findAbResult } from '../db/ab-result-repository.js';
import { checkAbWinnerSettings } from './campaign-control-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';
import { resolveVariantTemplates } from './variant-templates.js';
import { checkCampaignSenderPool } from './campaign-sender-pool.js';
import { loadSenderStats } from '../db/sender-stats.js';

const unauthorized = problemResponseSpec('Missing or bad API key');
const notFound = problemResponseSpec('No such campaign in this account');

const createCampaign = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create and start a campaign',
  description:
    'Validates the connection and every variant template, stores the campaign and starts its workflow ' +
    '(`campaign/<id>`). A retry with the same `Idempotency-Key` answers the same campaign.',
  security: BEARER_SECURITY,
  request: {
    headers: CreateCampaignHeaders,
    body: { required: true, content: { 'application/json': { schema: CreateCampaignBody } } },
  },
  responses: {
    201: {
      description: 'Created (or replayed for the same Idempotency-Key)',
      content: { 'application/json': { schema: CampaignSchema } },
    },
    401: unauthorized,
    409: problemResponseSpec('Idempotency-Key reused with a different request'),
    422: problemResponseSpec('Invalid fields, unknown connection or bad Liquid template'),
    503: problemResponseSpec('Temporal unreachable; retry with the same Idempotency-Key'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List campaigns, newest first',
  security: BEARER_SECURITY,
  request: { query: CampaignListQuery },
  responses: {
    200: {
      description: 'A page of campaigns',
      content: { 'application/json': { schema: CampaignListSchema } },
    },
    401: unauthorized,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a campaign with stats and live progress',
  security: BEARER_SECURITY,
  request: { params: CampaignIdParams },
  responses: {
    200: { description: 'The campaign', content: { 'application/json': { schema: CampaignDetailSchema } } },
    401: unauthorized,
    404: notFound,
  },
});

function actionRoute(action: CampaignAction) {
  return createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    summary: `Signal the campaign workflow to ${action}`,
    security: BEARER_SECURITY,
    request: { params: CampaignIdParams },
    responses: {
      202: { description: 'Signal sent', content: { 'application/json': { schema: CampaignActionSchema } } },
      401: unauthorized,
      404: notFound,
      409: problemResponseSpec('The campaign has already finished'),
    },
  });
}

const ACTION_STATUS = { pause: 'pausing', resume: 'resuming', cancel: 'canceling' } as const;

function encodeCursor(c: CampaignCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): CampaignCursor {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new BadRequestError('malformed cursor');
  }
  return { createdAt, id };
}

/** `/v1/campaigns`: create (and start), list, read, pause, resume and cancel campaigns. */
export function createCampaignRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const workflows = createCampaignWorkflowClient(deps.temporal, deps.taskQueue);
  app.use('*', requireApiKey(deps.db));

  app.openapi(createCampaign, async (c) => {
    const body = c.req.valid('json');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const accountId = c.get('accountId');
    if (!(await findConnection(deps.db, accountId, body.connection_id))) {
      throw new ValidationError([{ field: 'connection_id', reason: 'no such connection in this account' }]);
    }
    checkAbWinnerSettings(body);
    if (body.sender_pool_id !== undefined) await checkCampaignSenderPool(deps.db, accountId, body.sender_pool_id, body.connection_id);
    const result = await insertCampaign(deps.db, {
      accountId,
      name: body.name,
      connectionId: body.connection_id,
      sender: body.sender ?? null,
      senderPoolId: body.sender_pool_id ?? null,
      audience: body.audience,
      fields: body.fields,
      settings: body.settings,
      purpose: body.purpose,
      variants: await resolveVariantTemplates(deps.db, accountId, body.variants),
      ...(idempotencyKey !== undefined
        ? { idempotencyKey, requestSha256: createHash('sha256').update(canonicalJson(body)).digest('hex') }
        : {}),
    });
    if (result.kind === 'key_reused') {
      throw new IdempotencyKeyReusedError(
        `Idempotency-Key was used for campaign ${result.campaign.id} with a different request`,
      );
    }
    const { campaign } = result;
    if (campaign.status === 'created') {
      // Also on a replay: the first attempt may have stored the campaign but failed to start it.
      const s = body.settings;
      try {
        await workflows.start({
          workflowId: campaign.workflow_id,
          campaignId: campaign.id,
          accountId,
          options: {
            batchSize: s.batch_size,
            maxConcurrentBatches: s.max_concurrent_batches,
            dlrTimeoutMs: s.dlr_timeout_seconds * 1000,
            flushIntervalMs: s.flush_interval_ms,
            ...(s.continue_as_new_after_batches !== undefined
              ? { continueAsNewAfterBatches: s.continue_as_new_after_batches }
              : {}),
            ...(s.start_at !== undefined ? { startAt: Date.parse(s.start_at) } : {}),
            ...(s.ab_winner !== undefined
              ? { abWinner: { testShare: s.ab_winner.test_share, waitMs: s.ab_winner.wait_seconds * 1000, metric: s.ab_winner.metric } }
              : {}),
          },
        });
      } catch (err) {
        deps.logger.error({ err, campaignId: campaign.id }, 'could not start campaign workflow');
        throw new ServiceUnavailableError(
          `campaign ${campaign.id} was stored but its workflow could not be started; retry with the same Idempotency-Key`,
        );
      }
    }
    deps.logger.info(
      { campaignId: campaign.id, accountId, replayed: result.kind === 'replayed' },
      'campaign accepted',
    );
    if (result.kind === 'replayed') c.header('idempotent-replayed', 'true');
    return c.json(toCampaignJson(campaign), 201);
  });

  app.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listCampaigns(deps.db, c.get('accountId'), {
      limit,
      ...(cursor !== undefined ? { after: decodeCursor(cursor) } : {}),
    });
    return c.json(
      { data: page.campaigns.map(toCampaignJson), next_cursor: page.next && encodeCursor(page.next) },
      200,
    );
  });

  app.openapi(getRoute, async (c) => {
    const campaign = await findCampaign(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!campaign) throw new NotFoundError('no such campaign');
    const [stats, progress, abResult, bySender] = await Promise.all([
      loadCampaignStats(deps.db, campaign.id),
      workflows.progress(campaign.workflow_id),
      findAbResult(deps.db, campaign.id),
      campaign.sender_pool_id ? loadSenderStats(deps.db, campaign.id) : undefined,
    ]);
    const uiUrl = deps.temporalUiUrl
      ? `${deps.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}` +
        `/workflows/${encodeURIComponent(campaign.workflow_id)}`
      : undefined;
    return c.json(
      {
        ...toCampaignJson(campaign),
        stats: { ...stats, ...(abResult ? { ab_winner: abResult } : {}), ...(bySender ? { by_sender: bySender } : {}) },
        progress: progress && { ...progress },
        temporal: { workflow_id: campaign.workflow_id, ...(uiUrl ? { ui_url: uiUrl } : {}) },
      },
      200,
    );
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.openapi(actionRoute(action), async (c) => {
      const campaign = await findCampaign(deps.db, c.get('accountId'), c.req.valid('param').id);
      if (!campaign) throw new NotFoundError('no such campaign');
      if (campaign.status === 'completed' || campaign.status === 'canceled' || campaign.status === 'failed') {
        throw new ConflictError(`campaign is already ${campaign.status}`);
      }
      try {
        await workflows.signal(campaign.workflow_id, action);
      } catch (err) {
        if (err instanceof CampaignWorkflowNotRunningError)
          throw new ConflictError('the campaign’s workflow is not running');
        deps.logger.error({ err, campaignId: campaign.id, action }, 'could not signal campaign workflow');
        throw new ServiceUnavailableError('could not reach Temporal; retry');
      }
      return c.json({ status: ACTION_STATUS[action] }, 202);
    });
  }

  return app;
}
