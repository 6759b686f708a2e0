import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { loadKeywordSettings, saveKeywordSettings } from '../db/keyword-settings-repository.js';
import { checkKeywordPacks, compactPacks } from '../domain/keyword-settings.js';
import type { EffectiveKeywordSettings } from '../domain/keyword-settings.js';
import { ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { KeywordSettingsInputSchema, KeywordSettingsQuery, KeywordSettingsSchema } from './keyword-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

const getRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Keyword packs and auto-replies in effect (account, or one sender with ?sender=)',
  security: BEARER_SECURITY,
  request: { query: KeywordSettingsQuery },
  responses: {
    200: { description: 'Settings in effect', content: { 'application/json': { schema: KeywordSettingsSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/',
  summary: 'Replace the keyword settings of the account or of one sender',
  description:
    'Packs are stored with keywords compacted (upper case, no accents, spaces or punctuation). A keyword may ' +
    'belong to one category only; each pack needs an opt-out keyword. Takes effect for the next inbound message.',
  security: BEARER_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: KeywordSettingsInputSchema } } } },
  responses: {
    200: { description: 'Settings now in effect', content: { 'application/json': { schema: KeywordSettingsSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
    422: problemResponseSpec('Invalid packs (field and reason per problem)'),
  },
});

function settingsJson(sender: string | undefined, s: EffectiveKeywordSettings) {
  return { sender: sender ?? null, source: s.source, tolerant: s.tolerant, brand_name: s.brandName, help_contact: s.helpContact, packs: s.packs };
}

/** `/v1/keywords`: read and edit keyword packs, auto-replies and tolerant mode, per account and per sender. */
export function createKeywordRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(getRoute, async (c) => {
    const { sender } = c.req.valid('query');
    return c.json(settingsJson(sender, await loadKeywordSettings(deps.db, c.get('accountId'), sender ?? '')), 200);
  });

  app.openapi(putRoute, async (c) => {
    const body = c.req.valid('json');
    const packs = body.packs ? compactPacks(body.packs) : null;
    if (packs) {
      const issues = checkKeywordPacks(packs);
      if (issues.length > 0) throw new ValidationError(issues);
    }
    const accountId = c.get('accountId');
    await saveKeywordSettings(deps.db, accountId, {
      sender: body.sender ?? '',
      tolerant: body.tolerant,
      brandName: body.brand_name ?? null,
      helpContact: body.help_contact ?? null,
      packs,
    });
    deps.logger.info({ accountId, sender: body.sender ?? null, tolerant: body.tolerant }, 'keyword settings saved');
    return c.json(settingsJson(body.sender, await loadKeywordSettings(deps.db, accountId, body.sender ?? '')), 200);
  });

  return app;
}
