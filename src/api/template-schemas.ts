import { z } from '@hono/zod-openapi';
import { TemplateRenderer } from '../activities/template-renderer.js';
import { MAX_BODY_CHARS } from './campaign-schemas.js';

/** Parses template bodies with the same liquidjs settings the send path renders them with. */
const templates = new TemplateRenderer();

const LiquidBody = z
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
  .openapi({ description: 'Liquid template, e.g. `Hi {{ first_name }}, …`', example: 'Hi {{ first_name }}! Reply STOP to opt out.' });

const Defaults = z
  .record(z.string().regex(/^[A-Za-z_][\w.]{0,63}$/, 'must be a variable name or dotted path'), z.string().max(500))
  .default({})
  .openapi({ description: 'Per-variable defaults used under `missing_variables: "default"`; a provided value wins.' });

/** India DLT registration (TRAI TCCCPR; compliance.md c4). */
const DltSchema = z
  .strictObject({
    entity_id: z.string().regex(/^\d{12,19}$/, 'must be the numeric DLT Principal Entity (PE) ID'),
    template_id: z.string().regex(/^\d{12,19}$/, 'must be the numeric DLT content template ID (12–19 digits)'),
    header: z.string().regex(/^([A-Za-z]{3,6}|\d{3,6})$/, 'must be a 3–6 letter (or numeric, promotional) DLT header'),
    category: z.enum(['transactional', 'service_implicit', 'service_explicit', 'promotional']),
    text: z
      .string()
      .min(1)
      .max(MAX_BODY_CHARS)
      .openapi({ description: 'The registered text with `{#var#}` placeholders.', example: 'Dear {#var#}, your OTP is {#var#}. - ACME' }),
    variable_max_length: z.number().int().min(1).max(500).default(30).openapi({ description: 'Longest value of one `{#var#}`, characters.' }),
  })
  .openapi('DltRegistration');

/** Body of `POST /v1/templates`. */
export const CreateTemplateBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    body: LiquidBody,
    missing_variables: z
      .enum(['fail', 'default'])
      .default('fail')
      .openapi({ description: '`fail`: a message with a missing variable is suppressed (`missing_field`); `default`: use `defaults`.' }),
    defaults: Defaults,
    shorten_links: z.boolean().default(false).openapi({ description: 'Replace http(s) URLs with tracked short links.' }),
    dlt: DltSchema.optional(),
  })
  .openapi('CreateTemplate');

/** A template as answered. */
export const TemplateSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    body: z.string(),
    variables: z.array(z.string()),
    missing_variables: z.enum(['fail', 'default']),
    defaults: z.record(z.string(), z.string()),
    shorten_links: z.boolean(),
    dlt: z
      .object({ entity_id: z.string(), template_id: z.string(), header: z.string(), category: z.string(), text: z.string(), variable_max_length: z.number().int() })
      .nullable(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Template');

const SampleContact = z.strictObject({
  phone: z.string().max(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').optional(),
  attributes: z.record(z.string().max(64), z.string().max(500)).default({}),
});

/** Body of `POST /v1/templates/preview`. */
export const PreviewBody = z
  .strictObject({
    body: LiquidBody.optional(),
    template_id: z.uuid().optional(),
    contacts: z.array(SampleContact).min(1).max(20).default([{ attributes: {} }]).openapi({ description: 'Sample recipients (at most 20).' }),
    campaign_fields: z.record(z.string().max(64), z.union([z.string().max(500), z.number()])).default({}),
    missing_variables: z.enum(['fail', 'default']).optional().openapi({ description: 'For `body`: the policy to preview with (default `fail`).' }),
    defaults: Defaults.optional(),
    shorten_links: z.boolean().optional(),
    smart_encoding: z.boolean().optional().openapi({ description: 'Default: the account setting.' }),
    national_language: z.enum(['tr', 'es', 'pt']).optional().openapi({ description: 'Also consider these 3GPP TS 23.038 shift tables.' }),
  })
  .superRefine((b, ctx) => {
    if ((b.body === undefined) === (b.template_id === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of body and template_id', path: [b.body === undefined ? 'body' : 'template_id'] });
    }
  })
  .openapi('TemplatePreviewRequest');

const SegmentSplitSchema = z.object({
  encoding: z.enum(['GSM-7', 'UCS-2']),
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: z.number().int(),
  unit: z.enum(['septets', 'code_units']),
  characters: z.number().int(),
  segments: z.number().int(),
  segment_units: z.array(z.number().int()),
  segment_texts: z.array(z.string()),
  non_gsm_characters: z.array(z.object({ char: z.string(), code_point: z.number().int(), index: z.number().int() })),
  shift_tables: z.object({ locking: z.string().optional(), single: z.string().optional() }).nullable(),
});

/** One sample's preview. */
export const PreviewItemSchema = SegmentSplitSchema.extend({
  ok: z.boolean(),
  text: z.string(),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  variables: z.array(z.string()),
  smart_encoded: SegmentSplitSchema.extend({ text: z.string(), replacements: z.array(z.object({ index: z.number().int(), from: z.string(), to: z.string() })) }).nullable(),
  estimated_cost: z
    .object({ country: z.string(), currency: z.string(), price_per_segment: z.number(), amount: z.number() })
    .nullable(),
});

/** Answer of `POST /v1/templates/preview`. */
export const PreviewResponseSchema = z.object({ previews: z.array(PreviewItemSchema) }).openapi('TemplatePreview');

/** Body of `PUT /v1/templates/prices/{country}`. */
export const SegmentPriceBody = z
  .strictObject({
    price_per_segment: z.number().min(0).max(100),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  })
  .openapi('SegmentPrice');

/** Path parameters of `/v1/templates/prices/{country}`. */
export const PriceCountryParams = z.object({
  country: z
    .string()
    .regex(/^([A-Z]{2}|\*)$/, 'must be an ISO 3166-1 alpha-2 code or *')
    .openapi({ param: { name: 'country', in: 'path' } }),
});

/** Path parameters of `/v1/templates/{id}`. */
export const TemplateIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
