import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ProviderResolver } from '../activities/provider-resolver.js';
import type { Clock } from '../clock.js';
import { ConnectionNotFoundError } from '../activities/provider-resolver.js';
import type { Db } from '../db/connection.js';
import type { WebhookRequest } from '../providers/provider-adapter.js';
import { NotFoundError, PayloadTooLargeError, UnauthorizedError } from './api-error.js';
import type { DlrDispatcher } from './dlr-dispatcher.js';
import type { InboundMessageStarter } from './inbound-message-starter.js';
import { persistDlrs, persistMos } from './webhook-intake.js';

/** Dependencies of the provider webhook routes. */
export interface WebhookRoutesDeps {
  db: Db;
  providers: ProviderResolver;
  dispatcher: DlrDispatcher;
  /** Starts the inboundMessage workflow of each logged MO after the 2xx (absent: the sweeper's job). */
  inbound?: InboundMessageStarter;
  /** Base of the public URL providers call (signatures cover it); no trailing slash. */
  publicBaseUrl: string;
  /** The business clock (src/clock.ts): dates a STOP written before the 2xx. */
  now: Clock;
  logger: Logger;
}

/** Largest webhook body accepted, bytes. */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024;

/**
 * `POST /:connectionId/dlr` and `POST /:connectionId/mo` (mounted at `/v1/webhooks`): verify the
 * provider's signature on the raw body against the configured public URL, parse the provider's wire
 * format, append to the webhook log (deduplicated on the provider's ids) and answer 2xx; only then
 * hand DLRs to the dispatcher. A forged or unsigned call gets 401 and changes nothing; a malformed
 * one 400. Nothing is acknowledged before it is committed.
 */
export function createWebhookRoutes(deps: WebhookRoutesDeps): Hono {
  const app = new Hono();
  // Provider callbacks are small (a few KB); anything bigger is refused before it is read whole.
  app.use(
    '*',
    bodyLimit({
      maxSize: WEBHOOK_MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(WEBHOOK_MAX_BODY_BYTES);
      },
    }),
  );

  const readRequest = async (c: { req: { raw: Request; path: string; url: string } }): Promise<WebhookRequest> => {
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    return { url: `${deps.publicBaseUrl}${url.pathname}${url.search}`, method: c.req.raw.method, headers, rawBody: await c.req.raw.text() };
  };

  /**
   * The connection and the verified request. Malformed payloads throw WebhookPayloadError from the
   * adapter's parse (400 in the app's onError); everything here fails before anything is written.
   * @throws NotFoundError for an unknown connection; UnauthorizedError for a bad signature.
   */
  const authenticate = async (c: { req: { raw: Request; path: string; url: string; param(name: 'connectionId'): string } }, kind: 'dlr' | 'mo') => {
    let resolved;
    try {
      resolved = await deps.providers.get(c.req.param('connectionId'));
    } catch (err) {
      if (err instanceof ConnectionNotFoundError) throw new NotFoundError('unknown webhook endpoint');
      throw err;
    }
    const req = await readRequest(c);
    if (!resolved.adapter.verifyWebhook(req)) {
      deps.logger.warn({ connectionId: resolved.connection.id, kind }, 'webhook refused: bad or missing signature');
      throw new UnauthorizedError('webhook signature missing or invalid');
    }
    return { resolved, req };
  };

  // GET too: MessageBird (and Vonage, by account setting) deliver callbacks as a query string.
  app.on(['POST', 'GET'], '/:connectionId/dlr', async (c) => {
    const { resolved, req } = await authenticate(c, 'dlr');
    const dlrs = resolved.adapter.parseDlr(req);
    const raw = { rawBody: req.rawBody, contentType: req.headers['content-type'] ?? null };
    return c.json(await persistDlrs(deps.db, deps.dispatcher, resolved.connection, dlrs, raw));
  });

  app.on(['POST', 'GET'], '/:connectionId/mo', async (c) => {
    const { resolved, req } = await authenticate(c, 'mo');
    const mos = resolved.adapter.parseMo(req);
    const raw = { rawBody: req.rawBody, contentType: req.headers['content-type'] ?? null };
    const { logged, ...result } = await persistMos(deps.db, deps.now, resolved.connection, mos, raw);
    // Committed: the provider gets its 2xx; the workflows start after the response (or by the sweeper).
    deps.inbound?.enqueue(logged);
    return c.json(result);
  });

  return app;
}
