import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { compositionTemplate } from '../activities/campaign-composition.js';
import { TemplateRenderer } from '../activities/template-renderer.js';
import { accountCompositionSettings, findTemplate, insertTemplate, TemplateNameTakenError, upsertSegmentPrice } from '../db/template-repository.js';
import type { TemplateRow } from '../db/template-repository.js';
import { ConflictError, NotFoundError, ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { problemResponseSpec } from './problem.js';
import { previewTemplate } from './template-preview.js';
import {
  CreateTemplateBody,
  PreviewBody,
  PreviewResponseSchema,
  PriceCountryParams,
  SegmentPriceBody,
  TemplateIdParams,
  TemplateSchema,
} from './template-schemas.js';
import { validationHook } from './validation-hook.js';

const unauthorized = problemResponseSpec('Missing or bad API key');
const invalid = problemResponseSpec('Invalid fields, named in `errors`');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const createTemplateRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create a message template',
  description: 'Liquid body, missing-variable policy and defaults, link shortening and (India) the DLT registration.',
  security: BEARER_SECURITY,
  request: { body: { required: true, ...json(CreateTemplateBody) } },
  responses: { 201: { description: 'Created', ...json(TemplateSchema) }, 401: unauthorized, 409: problemResponseSpec('Name taken'), 422: invalid },
});

const getTemplateRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a template',
  security: BEARER_SECURITY,
  request: { params: TemplateIdParams },
  responses: { 200: { description: 'The template', ...json(TemplateSchema) }, 401: unauthorized, 404: problemResponseSpec('No such template') },
});

const previewRoute = createRoute({
  method: 'post',
  path: '/preview',
  summary: 'Preview what a template sends and costs',
  description:
    'Renders a body or stored template for sample contacts and answers, per contact, the text, its encoding ' +
    '(GSM-7 or UCS-2, 3GPP TS 23.038), septets or UTF-16 code units, segments and their split (TS 23.040 ' +
    'concatenation), the characters that force UCS-2, the smart-encoded alternative and the estimated cost.',
  security: BEARER_SECURITY,
  request: { body: { required: true, ...json(PreviewBody) } },
  responses: { 200: { description: 'One preview per sample contact', ...json(PreviewResponseSchema) }, 401: unauthorized, 422: invalid },
});

const priceRoute = createRoute({
  method: 'put',
  path: '/prices/{country}',
  summary: 'Set the price per segment for a destination country (`*`: any other)',
  security: BEARER_SECURITY,
  request: { params: PriceCountryParams, body: { required: true, ...json(SegmentPriceBody) } },
  responses: { 200: { description: 'Stored', ...json(SegmentPriceBody) }, 401: unauthorized, 422: invalid },
});

const renderer = new TemplateRenderer();

function toTemplateJson(t: TemplateRow) {
  return {
    id: t.id,
    name: t.name,
    body: t.body,
    variables: renderer.variables(t.body),
    missing_variables: t.missing_policy,
    defaults: t.defaults,
    shorten_links: t.shorten_links,
    dlt:
      t.dlt_entity_id && t.dlt_template_id && t.dlt_header && t.dlt_category && t.dlt_text
        ? { entity_id: t.dlt_entity_id, template_id: t.dlt_template_id, header: t.dlt_header, category: t.dlt_category, text: t.dlt_text, variable_max_length: t.dlt_var_max_length ?? 30 }
        : null,
    created_at: t.created_at.toISOString(),
  };
}

/** `/v1/templates`: create and read templates, preview what they send and cost, set segment prices. */
export function createTemplateRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(createTemplateRoute, async (c) => {
    const b = c.req.valid('json');
    try {
      const row = await insertTemplate(deps.db, {
        accountId: c.get('accountId'),
        name: b.name,
        body: b.body,
        missingPolicy: b.missing_variables,
        defaults: b.defaults,
        shortenLinks: b.shorten_links,
        dlt: b.dlt
          ? { entityId: b.dlt.entity_id, templateId: b.dlt.template_id, header: b.dlt.header, category: b.dlt.category, text: b.dlt.text, variableMaxLength: b.dlt.variable_max_length }
          : null,
      });
      return c.json(toTemplateJson(row), 201);
    } catch (err) {
      if (err instanceof TemplateNameTakenError) throw new ConflictError(err.message);
      throw err;
    }
  });

  app.openapi(getTemplateRoute, async (c) => {
    const row = await findTemplate(deps.db, c.get('accountId'), c.req.valid('param').id);
    if (!row) throw new NotFoundError('no such template');
    return c.json(toTemplateJson(row), 200);
  });

  app.openapi(previewRoute, async (c) => {
    const b = c.req.valid('json');
    const accountId = c.get('accountId');
    let template;
    if (b.template_id !== undefined) {
      const row = await findTemplate(deps.db, accountId, b.template_id);
      if (!row) throw new ValidationError([{ field: 'template_id', reason: 'no such template in this account' }]);
      template = compositionTemplate(row.body, row);
    } else {
      template = { ...compositionTemplate(b.body!, undefined), policy: b.missing_variables ?? 'fail', defaults: b.defaults ?? {} };
    }
    if (b.shorten_links !== undefined) template = { ...template, shortenLinks: b.shorten_links };
    const account = await accountCompositionSettings(deps.db, accountId);
    const nationalLanguage = b.national_language ?? account.nationalLanguage;
    const options = {
      smartEncoding: b.smart_encoding ?? account.smartEncoding,
      ...(nationalLanguage ? { nationalLanguage } : {}),
      linkBaseUrl: `${deps.publicBaseUrl.replace(/\/+$/, '')}/l`,
    };
    return c.json({ previews: await previewTemplate(deps.db, accountId, template, b, options) }, 200);
  });

  app.openapi(priceRoute, async (c) => {
    const b = c.req.valid('json');
    await upsertSegmentPrice(deps.db, c.get('accountId'), c.req.valid('param').country, b.price_per_segment, b.currency);
    return c.json(b, 200);
  });

  return app;
}
