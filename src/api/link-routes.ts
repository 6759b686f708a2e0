import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { recordClick } from '../db/short-link-repository.js';
import { NotFoundError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

const redirectRoute = createRoute({
  method: 'get',
  path: '/{code}',
  summary: 'Follow a short link (counts the click)',
  description: 'Public: recipients follow these from their SMS. Answers 302 to the original URL.',
  request: {
    params: z.object({ code: z.string().regex(/^[0-9A-Za-z]{6,16}$/, 'must be a short-link code').openapi({ param: { name: 'code', in: 'path' } }) }),
  },
  responses: { 302: { description: 'Redirect to the original URL' }, 404: problemResponseSpec('Unknown link') },
});

/**
 * `/l/{code}`: the redirect of per-message short links. Unauthenticated (a recipient's phone follows
 * it); every request counts a click, and the first marks the message clicked (unique clicks).
 */
export function createLinkRoutes(deps: Pick<ApiDeps, 'db'>): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(redirectRoute, async (c) => {
    const url = await recordClick(deps.db, c.req.valid('param').code);
    if (!url) throw new NotFoundError('no such link');
    c.header('cache-control', 'no-store');
    return c.redirect(url, 302);
  });
  return app;
}
