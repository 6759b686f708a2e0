import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { findCampaign } from '../db/campaign-record-repository.js';
import { loadCampaignTimeseries } from '../db/campaign-timeseries.js';
import { NotFoundError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { CampaignIdParams } from './campaign-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

const PointSchema = z
  .object({
    at: z.string().openapi({ format: 'date-time', description: 'Bucket start (UTC).' }),
    sent: z.number().int(),
    segments: z.number().int(),
    delivered: z.number().int(),
    undelivered: z.number().int(),
    failed: z.number().int(),
    rejected: z.number().int(),
    suppressed: z.number().int(),
    unknown: z.number().int(),
    expired: z.number().int(),
  })
  .openapi('CampaignTimeseriesPoint');

const timeseriesRoute = createRoute({
  method: 'get',
  path: '/{id}/stats/timeseries',
  summary: 'A campaign’s sends and outcomes per minute or hour, for charts',
  description: '`sent`/`segments` count by acceptance time; the final statuses by the time they became final. Only buckets with activity.',
  security: BEARER_SECURITY,
  request: { params: CampaignIdParams, query: z.object({ bucket: z.enum(['minute', 'hour']).default('minute') }) },
  responses: {
    200: {
      description: 'The series, oldest first',
      content: { 'application/json': { schema: z.object({ bucket: z.enum(['minute', 'hour']), points: z.array(PointSchema) }).openapi('CampaignTimeseries') } },
    },
    401: problemResponseSpec('Missing or bad API key'),
    404: problemResponseSpec('No such campaign in this account'),
    422: problemResponseSpec('Bad bucket'),
  },
});

/** `/v1/campaigns/{id}/stats/…`: campaign statistics beyond the totals in `GET /v1/campaigns/{id}`. */
export function createCampaignStatsRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));
  app.openapi(timeseriesRoute, async (c) => {
    const campaign = await findCampaign(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!campaign) throw new NotFoundError('no such campaign');
    const { bucket } = c.req.valid('query');
    return c.json({ bucket, points: await loadCampaignTimeseries(deps.db, campaign.id, bucket) }, 200);
  });
  return app;
}
