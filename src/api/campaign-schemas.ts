import { z } from '@hono/zod-openapi';
import { TemplateRenderer } from '../activities/template-renderer.js';
import { CampaignControlSettingsShape } from './campaign-control-schemas.js';

/** Parses variant bodies with the same liquidjs settings the send path renders them with. */
const templates = new TemplateRenderer();

/** Longest variant body accepted, characters (10 concatenated GSM-7 segments ≈ 1,530). */
export const MAX_BODY_CHARS = 1600;

// Request schemas are strict: a misspelled field (`audiance`, `wieght`) is a 422, never silently dropped.
const VariantBody = z.strictObject({
  key: z
    .string()
    .regex(/^[A-Z]$/, 'must be one capital letter A..Z')
    .openapi({ example: 'A' }),
  weight: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(1)
    .openapi({ description: 'Relative share of the audience.' }),
  body: z
    .string()
    .min(1)
    .max(MAX_BODY_CHARS)
    .superRefine((body, ctx) => {
      try {
        templates.compile(body);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid Liquid template: ${(err as Error).message}` });
      }
    })
    .optional()
    .openapi({
      description: 'Liquid template, e.g. `Hi {{ first_name }}, …` (or give `template_id`).',
      example: 'Hi {{ first_name }}! Reply STOP to opt out.',
    }),
  template_id: z.uuid().optional().openapi({
    description: 'A stored template (`POST /v1/templates`): its body, missing-variable policy, links and DLT registration.',
  }),
}).superRefine((v, ctx) => {
  if ((v.body === undefined) === (v.template_id === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of body and template_id', path: [v.body === undefined ? 'body' : 'template_id'] });
  }
});

/** Campaign tunables with their ranges and defaults (sent to the workflow as CampaignRunOptions). */
export const CampaignSettingsSchema = z
  .strictObject({
    batch_size: z.number().int().min(1).max(1000).default(500),
    max_concurrent_batches: z.number().int().min(1).max(50).default(4),
    dlr_timeout_seconds: z.number().int().min(1).max(259_200).default(3600),
    flush_interval_ms: z.number().int().min(200).max(60_000).default(2000),
    continue_as_new_after_batches: z.number().int().min(1).optional(),
    ...CampaignControlSettingsShape,
  })
  .openapi('CampaignSettings');

/** Body of `POST /v1/campaigns`. */
export const CreateCampaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    connection_id: z.string().min(1),
    sender: z
      .string()
      .regex(
        /^(\+[1-9]\d{6,14}|\d{3,8}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/,
        'must be an E.164 number, a 3–8 digit short code or an alphanumeric ID of up to 11 characters',
      )
      .optional()
      .openapi({ example: '+15550100000', description: 'The one sender of every message (or give `sender_pool_id`).' }),
    sender_pool_id: z.uuid().optional().openapi({
      description: 'A sender pool (`POST /v1/sender-pools`) whose senders are on `connection_id`: each recipient gets its own sender (sticky, by country).',
    }),
    variants: z
      .array(VariantBody)
      .min(1)
      .max(10)
      .superRefine((variants, ctx) => {
        const seen = new Set<string>();
        variants.forEach((v, i) => {
          if (seen.has(v.key))
            ctx.addIssue({ code: 'custom', message: `duplicate variant key ${v.key}`, path: [i, 'key'] });
          seen.add(v.key);
        });
      }),
    audience: z
      .strictObject({
        filter: z
          .record(z.string(), z.string())
          .default({})
          .openapi({ description: 'Contacts whose attributes equal every pair.', example: { plan: 'gold' } }),
      })
      .prefault({}),
    fields: z
      .record(z.string().max(64), z.union([z.string().max(500), z.number()]))
      .default({})
      .openapi({ description: 'Campaign-level template fields, `{{ campaign.<name> }}`.' }),
    settings: CampaignSettingsSchema.prefault({}),
    purpose: z
      .enum(['marketing', 'transactional'])
      .default('marketing')
      .openapi({ description: 'Consent purpose the audience needs; `transactional` campaigns are exempt from the account’s frequency cap.' }),
  })
  .superRefine((b, ctx) => {
    if ((b.sender === undefined) === (b.sender_pool_id === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of sender and sender_pool_id', path: [b.sender === undefined ? 'sender' : 'sender_pool_id'] });
    }
  })
  .openapi('CreateCampaign');

/** The validated body (defaults applied). */
export type CreateCampaignInput = z.output<typeof CreateCampaignBody>;

/** Optional request headers of `POST /v1/campaigns`. */
export const CreateCampaignHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description: 'Retries with the same key answer the same campaign (header names are case-insensitive).',
    }),
});

const CampaignStatusSchema = z.enum(['created', 'running', 'paused', 'completed', 'canceled', 'failed']);

/** A campaign as answered by the API. */
export const CampaignSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: CampaignStatusSchema,
    connection_id: z.string(),
    sender: z.string().nullable(),
    purpose: z.string(),
    sender_pool_id: z.string().nullable(),
    variants: z.array(z.object({ key: z.string(), weight: z.number().int(), body: z.string() })),
    audience: z.object({ filter: z.record(z.string(), z.string()) }),
    fields: z.record(z.string(), z.union([z.string(), z.number()])),
    settings: CampaignSettingsSchema.extend({ idempotency_key: z.string().optional() }),
    audience_size: z.number().int().nullable(),
    workflow_id: z.string(),
    created_at: z.string().openapi({ format: 'date-time' }),
    started_at: z.string().nullable().openapi({ format: 'date-time' }),
    completed_at: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('Campaign');

/** `GET /v1/campaigns/{id}`: the campaign, its stats, the workflow's live progress and where to see it. */
export const CampaignDetailSchema = CampaignSchema.extend({
  stats: z
    .record(z.string(), z.unknown())
    .openapi({ description: 'Totals and per-variant counts from PostgreSQL.' }),
  progress: z
    .record(z.string(), z.unknown())
    .nullable()
    .openapi({ description: 'The workflow `progress` query; null when Temporal did not answer.' }),
  temporal: z.object({ workflow_id: z.string(), ui_url: z.string().optional() }),
}).openapi('CampaignDetail');

/** `GET /v1/campaigns` answer. */
export const CampaignListSchema = z
  .object({ data: z.array(CampaignSchema), next_cursor: z.string().nullable() })
  .openapi('CampaignList');

/** Query of `GET /v1/campaigns`. */
export const CampaignListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().openapi({ description: 'The previous page’s `next_cursor`.' }),
});

/** Path parameters of `/v1/campaigns/{id}`. */
export const CampaignIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

/** Answer of pause/resume/cancel: the state the campaign is moving to. */
export const CampaignActionSchema = z
  .object({ status: z.enum(['pausing', 'resuming', 'canceling']) })
  .openapi('CampaignAction');
