import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ProviderResolver } from '../activities/provider-resolver.js';
import { ConnectionNotFoundError } from '../activities/provider-resolver.js';
import type { Db } from '../db/connection.js';
import { findMessagesForDlr } from '../db/message-repository.js';
import { insertWebhookEvents } from '../db/webhook-event-repository.js';
import { recordInboundMessage } from '../db/inbound-message-repository.js';
import { dlrCouldChange } from '../domain/dlr-event.js';
import type { PendingDlr } from '../db/webhook-event-repository.js';
import type { NormalizedMo, WebhookRequest } from '../providers/provider-adapter.js';
import { NotFoundError, PayloadTooLargeError, UnauthorizedError } from './api-error.js';
import type { DlrDispatcher } from './dlr-dispatcher.js';

/** Dependencies of the provider webhook routes. */
export interface WebhookRoutesDeps {
  db: Db;
  providers: ProviderResolver;
  dispatcher: DlrDispatcher;
  /** Base of the public URL providers call (signatures cover it); no trailing slash. */
  publicBaseUrl: string;
  logger: Logger;
  /**
   * Called with every newly recorded MO once its transaction committed and before the 2xx (never
   * throws; e.g. the onboarding reply notifier). Optional.
   */
  onInbound?: (events: RecordedInbound[]) => Promise<void>;
}

/** An MO as recorded by {@link recordInboundMessage}, for {@link WebhookRoutesDeps.onInbound}. */
export interface RecordedInbound {
  accountId: string;
  connectionId: string;
  mo: NormalizedMo;
  inboundMessageId: string;
  keywordClass: string | null;
}

/** Largest webhook body accepted, bytes. */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  app.post('/:connectionId/dlr', async (c) => {
    const { resolved, req } = await authenticate(c, 'dlr');
    const dlrs = resolved.adapter.parseDlr(req);
    const messages = await findMessagesForDlr(
      deps.db,
      resolved.connection.id,
      dlrs.map((d) => d.ourMessageId).filter((id): id is string => !!id && UUID.test(id)),
      dlrs.map((d) => d.providerMessageId),
    );
    const byOurId = new Map(messages.map((m) => [m.id, m]));
    const byProviderId = new Map(messages.filter((m) => m.provider_message_id).map((m) => [m.provider_message_id!, m]));
    // A receipt that cannot change its message (an intermediate `sent` after the send was recorded, a
    // repeat of the final state) is logged as handled: no signal, no Temporal action.
    const rows = dlrs.map((d) => {
      const m = (d.ourMessageId ? byOurId.get(d.ourMessageId) : undefined) ?? byProviderId.get(d.providerMessageId);
      return { dlr: d, message: m, handled: m !== undefined && !dlrCouldChange(m.status, d) };
    });
    const inserted = await insertWebhookEvents(
      deps.db,
      rows.map(({ dlr, message, handled }) => ({
        connectionId: resolved.connection.id,
        accountId: resolved.connection.accountId,
        kind: 'dlr' as const,
        dedupeKey: dlr.dedupeKey,
        providerMessageId: dlr.providerMessageId,
        messageId: message?.id ?? null,
        workflowId: message?.batch_workflow_id ?? null,
        normalized: { ...dlr },
        rawBody: req.rawBody,
        contentType: req.headers['content-type'] ?? null,
        handled,
      })),
    );
    const insertedKeys = new Map(inserted.map((i) => [i.dedupeKey, i.id]));
    const pending: PendingDlr[] = [];
    for (const { dlr, message, handled } of rows) {
      const id = insertedKeys.get(dlr.dedupeKey);
      if (id && message && !handled) pending.push({ id, messageId: message.id, workflowId: message.batch_workflow_id ?? '', normalized: dlr });
    }
    deps.dispatcher.enqueue(pending);
    return c.json({ received: dlrs.length, duplicates: dlrs.length - inserted.length });
  });

  app.post('/:connectionId/mo', async (c) => {
    const { resolved, req } = await authenticate(c, 'mo');
    const mos = resolved.adapter.parseMo(req);
    const accountId = resolved.connection.accountId;
    let duplicates = 0;
    const recorded: RecordedInbound[] = [];
    await deps.db.transaction().execute(async (trx) => {
      for (const mo of mos) {
        const [logged] = await insertWebhookEvents(trx, [
          {
            connectionId: resolved.connection.id,
            accountId,
            kind: 'mo',
            dedupeKey: mo.dedupeKey,
            providerMessageId: mo.providerMessageId,
            messageId: null,
            workflowId: null,
            normalized: { ...mo },
            rawBody: req.rawBody,
            contentType: req.headers['content-type'] ?? null,
          },
        ]);
        if (!logged) {
          duplicates += 1;
          continue;
        }
        const r = await recordInboundMessage(trx, accountId, resolved.connection.id, mo);
        recorded.push({ accountId, connectionId: resolved.connection.id, mo, inboundMessageId: r.id, keywordClass: r.keywordClass });
      }
    });
    if (deps.onInbound && recorded.length > 0) await deps.onInbound(recorded);
    return c.json({ received: mos.length, duplicates });
  });

  return app;
}
