import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { ApiDeps } from './api-deps.js';
import { NotFoundError, PayloadTooLargeError, ServiceUnavailableError } from './api-error.js';
import { createCampaignRoutes } from './campaign-routes.js';
import { createCampaignStatsRoutes } from './campaign-stats-routes.js';
import { createConnectionRoutes } from './connection-routes.js';
import { createContactRoutes } from './contact-routes.js';
import { createLinkRoutes } from './link-routes.js';
import { createTemplateRoutes } from './template-routes.js';
import { createKeywordRoutes } from './keyword-routes.js';
import { createEventRoutes } from './event-routes.js';
import { createConsentImportRoutes } from './consent-import-routes.js';
import { createOnboardingRoutes } from './onboarding-routes.js';
import { createAccountRoutes } from './account-routes.js';
import { createSenderRoutes } from './sender-routes.js';
import { createSenderPoolRoutes } from './sender-pool-routes.js';
import { problemFromError, problemResponse, problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

export type { ApiDeps } from './api-deps.js';

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database check',
  responses: {
    200: {
      description: 'Healthy',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
    503: problemResponseSpec('PostgreSQL is unreachable'),
  },
});

/** Largest JSON request body accepted on `/v1`, bytes (1 MiB); larger is a 413 problem. */
export const JSON_MAX_BODY_BYTES = 1024 * 1024;

/** `bodyLimit` for JSON requests only (413 problem above `maxSize` bytes); other bodies pass through. */
function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(maxSize);
    },
  });
  return async (c, next) => ((c.req.header('content-type') ?? '').includes('json') ? limit(c, next) : next());
}

/**
 * Builds the HTTP API (hono + @hono/zod-openapi): one sub-app per resource under `/v1`, bearer-key
 * auth on each, zod validation as middleware, and one `onError` that turns every failure into an
 * RFC 9457 `application/problem+json` response. `GET /openapi.json` is generated from the same zod
 * schemas that validate requests. Webhooks (`deps.webhookRoutes`) are mounted unauthenticated at
 * `/v1/webhooks`: providers authenticate by signature.
 */
export function createApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  // JSON bodies are small; a 200 MB one must not be parsed into memory (CSV uploads have their own limit).
  app.use('/v1/*', jsonBodyLimit(JSON_MAX_BODY_BYTES));

  app.openapi(healthRoute, async (c) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
    } catch (err) {
      deps.logger.warn({ err }, 'health check: database unreachable');
      throw new ServiceUnavailableError('database unreachable');
    }
    return c.json({ status: 'ok' as const }, 200);
  });

  if (deps.webhookRoutes) app.route('/v1/webhooks', deps.webhookRoutes);
  app.route('/v1/connections', createConnectionRoutes(deps));
  app.route('/v1/contacts', createContactRoutes(deps));
  app.route('/v1/campaigns', createCampaignRoutes(deps));
  app.route('/v1/templates', createTemplateRoutes(deps));
  app.route('/l', createLinkRoutes(deps));
  app.route('/v1/keywords', createKeywordRoutes(deps));
  app.route('/v1/events', createEventRoutes(deps));
  app.route('/v1/consent-imports', createConsentImportRoutes(deps));
  app.route('/v1/onboarding', createOnboardingRoutes(deps));
  app.route('/v1/campaigns', createCampaignStatsRoutes(deps));
  app.route('/v1/account', createAccountRoutes(deps));
  app.route('/v1/senders', createSenderRoutes(deps));
  app.route('/v1/sender-pools', createSenderPoolRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `sf_live_` followed by 32 base62 characters.',
  });
  // Not app.doc(): its errors would bypass onError. Built per request because publicBaseUrl may
  // only be known once the server listens (port 0).
  app.get('/openapi.json', (c) =>
    c.json(
      app.getOpenAPIDocument({
        openapi: '3.0.3',
        info: { title: 'smsflow API', version: '1', description: 'Compliant two-way SMS campaigns.' },
        servers: [{ url: deps.publicBaseUrl }],
      }),
    ),
  );

  app.notFound((c) =>
    problemResponse(
      problemFromError(new NotFoundError(`no route for ${c.req.method} ${c.req.path}`), c.req.path),
    ),
  );
  app.onError((err, c) => {
    const problem = problemFromError(err, c.req.path);
    if (problem.status >= 500)
      deps.logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    const headers: Record<string, string> = problem.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    return problemResponse(problem, headers);
  });
  return app;
}
