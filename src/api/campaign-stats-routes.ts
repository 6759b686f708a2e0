import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { findCampaign } from '../db/campaign-record-repository.js';
import { loadCampaignTimeseries } from '../db/campaign-timeseries.js';
import { NotFoundError, ValidationError } from './api-error.js';
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
    replies: z.number().int().openapi({ description: 'Replies attributed to the messages, received in the bucket.' }),
    opt_outs: z.number().int().openapi({ description: 'Of those replies, opt-outs (STOP and its variants).' }),
    unique_clicks: z
      .number()
      .int()
      .openapi({ description: 'Messages whose first short-link click fell in the bucket (as `composition.unique_clicks`).' }),
  })
  .openapi('CampaignTimeseriesPoint');

const timeseriesRoute = createRoute({
  method: 'get',
  path: '/{id}/stats/timeseries',
  summary: 'A campaign’s sends and outcomes per minute or hour, for charts',
  description:
    '`sent`/`segments` count by acceptance time; the final statuses by the time they became final; `replies`/`opt_outs` ' +
    'by reception; `unique_clicks` by first click. Only buckets with activity. `points` is campaign-wide and ' +
    '`variants` has the same series per A/B variant; with `?variant=`, both hold that variant only.',
  security: BEARER_SECURITY,
  request: {
    params: CampaignIdParams,
    query: z.object({
      bucket: z.enum(['minute', 'hour']).default('minute'),
      variant: z
        .string()
        .regex(/^[A-Z]$/, 'must be a variant key A..Z')
        .optional()
        .openapi({ description: 'Only this A/B variant’s messages.', example: 'A' }),
    }),
  },
  responses: {
    200: {
      description: 'The series, oldest first',
      content: {
        'application/json': {
          schema: z
            .object({
              bucket: z.enum(['minute', 'hour']),
              variant: z.string().nullable(),
              points: z.array(PointSchema),
              variants: z.record(z.string(), z.array(PointSchema)).openapi({ description: 'Variant key → its series.' }),
            })
            .openapi('CampaignTimeseries'),
        },
      },
    },
    401: problemResponseSpec('Missing or bad API key'),
    404: problemResponseSpec('No such campaign in this account'),
    422: problemResponseSpec('Bad bucket, or a variant the campaign does not have'),
  },
});

/** `/v1/campaigns/{id}/stats/…`: campaign statistics beyond the totals in `GET /v1/campaigns/{id}`. */
export function createCampaignStatsRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));
  app.openapi(timeseriesRoute, async (c) => {
    const campaign = await findCampaign(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!campaign) throw new NotFoundError('no such campaign');
    const { bucket, variant } = c.req.valid('query');
    if (variant !== undefined && !campaign.variants.some((v) => v.key === variant)) {
      throw new ValidationError([{ field: 'variant', reason: `the campaign has no variant ${variant}` }]);
    }
    const series = await loadCampaignTimeseries(deps.db, campaign.id, bucket, variant);
    return c.json({ bucket, variant: variant ?? null, ...series }, 200);
  });
  return app;
}
