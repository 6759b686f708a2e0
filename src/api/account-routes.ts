import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Account } from '../db/account-repository.js';
import { findAccount, patchAccountSettings } from '../db/account-settings-repository.js';
import { parseFrequencyCap } from '../domain/frequency-cap.js';
import { AccountSchema, AccountSettingsPatchSchema } from './account-schemas.js';
import { NotFoundError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

const getRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'The account the API key belongs to, with its settings',
  security: BEARER_SECURITY,
  responses: {
    200: { description: 'The account', content: { 'application/json': { schema: AccountSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/settings',
  summary: 'Change account settings (frequency cap, send rate cap, encoding)',
  description:
    'Only the keys given change; `null` removes a setting. The frequency cap binds the next claim of every ' +
    'running and future marketing campaign of the account.',
  security: BEARER_SECURITY,
  request: {
    body: { required: true, content: { 'application/json': { schema: AccountSettingsPatchSchema } } },
  },
  responses: {
    200: {
      description: 'The account with its settings now in effect',
      content: { 'application/json': { schema: AccountSchema } },
    },
    401: problemResponseSpec('Missing or bad API key'),
    422: problemResponseSpec('Invalid settings (field and reason per problem)'),
  },
});

const NATIONAL_LANGUAGES = ['tr', 'es', 'pt'] as const;

function accountJson(a: Account) {
  const cap = parseFrequencyCap(a.settings['frequency_cap']);
  const mps = a.settings['max_mps'];
  const lang = a.settings['national_language'];
  return {
    id: a.id,
    name: a.name,
    created_at: a.created_at.toISOString(),
    settings: {
      frequency_cap: cap ? { max_messages: cap.max, period_seconds: cap.periodMs / 1000 } : null,
      max_mps: typeof mps === 'number' ? mps : typeof mps === 'string' && mps !== '' ? Number(mps) : null,
      smart_encoding: a.settings['smart_encoding'] === true,
      national_language: NATIONAL_LANGUAGES.find((l) => l === lang) ?? null,
    },
  };
}

/** `/v1/account`: the caller's account and its settings (account-wide frequency cap). */
export function createAccountRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(getRoute, async (c) => {
    const account = await findAccount(deps.db, c.get('accountId'));
    if (!account) throw new NotFoundError('no such account');
    return c.json(accountJson(account), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const body = c.req.valid('json');
    const accountId = c.get('accountId');
    const account = await patchAccountSettings(deps.db, accountId, body);
    if (!account) throw new NotFoundError('no such account');
    deps.logger.info({ accountId, changed: Object.keys(body) }, 'account settings changed');
    return c.json(accountJson(account), 200);
  });

  return app;
}
