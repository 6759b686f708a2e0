/**
 * Per-message choice of the provider connection that carries a campaign message: routes by
 * destination country (table `connection_routes`, migration 0006) and fails over to the route's
 * fallback connection when the primary
 * - refuses at provider level (a `rejected` whose reason is not about the recipient: provider_error,
 *   sender_not_allowed, insufficient_funds, rate_limited), or
 * - is down: its credentials were refused (`auth_failed`; the connection is paused), it is paused, or
 *   it answered `retry` to {@link ConnectionRouterOptions.downAfterRetries} sends in a row (it then stays
 *   down for {@link ConnectionRouterOptions.downForMs}).
 * Recipient-specific refusals (opted out, invalid number…) are final and never retried elsewhere.
 *
 * With no route for the campaign or its account there is no router: the send activity uses the
 * campaign's own connection exactly as before.
 *
 * @module
 */
import type { Db } from '../db/connection.js';
import { assignMessageConnection, pauseConnection, routesForCampaign } from '../db/connection-route-repository.js';
import type { ConnectionRoute } from '../db/connection-route-repository.js';
import type { FailureReason } from '../domain/message-status.js';
import { normalizePhoneNumber } from '../domain/phone-number.js';
import type { SendRequest, SendResult } from '../providers/provider-adapter.js';
import type { ProviderResolver } from './provider-resolver.js';

/** Reasons that say the provider, not the recipient, refused: worth another connection. */
const PROVIDER_LEVEL_REASONS: ReadonlySet<FailureReason> = new Set(['provider_error', 'sender_not_allowed', 'insufficient_funds', 'rate_limited']);

/** A transport failure whose outcome is unknown (the provider may have taken the message). */
const AMBIGUOUS = /^(timed out|network error)/;

/** Health of connections as sends see it, shared by every send activity of this worker process. */
const health = new Map<string, { retriesInRow: number; downUntil: number }>();

/** Tuning; defaults in brackets. */
export interface ConnectionRouterOptions {
  /** Consecutive `retry` answers after which a connection counts as down [3]. */
  downAfterRetries?: number;
  /** How long a connection stays down before it is tried again, ms [60,000]. */
  downForMs?: number;
  /** Clock, unix ms [Date.now]. */
  now?: () => number;
}

/** One message to route. */
export interface RoutedMessage {
  messageId: string;
  from: string;
  /** E.164 recipient; its country selects the route. */
  to: string;
  body: string;
  /** India DLT entity (PE) and template IDs, for providers that accept them (see `SendRequest.dlt`). */
  dlt?: SendRequest['dlt'];
}

/** Sends each message through the connection its route picks. */
export interface ConnectionRouter {
  /**
   * Sends `m` and returns the outcome of the connection that finally carried it (or refused it).
   * @throws the abort reason when `signal` aborts.
   */
  send(m: RoutedMessage, signal?: AbortSignal): Promise<SendResult>;
}

/** The most specific route: campaign + country, campaign, account + country, account. */
export function pickRoute(routes: readonly ConnectionRoute[], country: string | undefined): ConnectionRoute | undefined {
  const score = (r: ConnectionRoute): number => (r.campaign_id === null ? 0 : 2) + (r.country === null ? 0 : 1);
  return routes.filter((r) => r.country === null || r.country === country).sort((a, b) => score(b) - score(a))[0];
}

/**
 * Builds the router of one send activity.
 * @param campaign the campaign, its account and its own connection (the default route).
 * @returns undefined when neither the campaign nor its account has a route.
 */
export async function createConnectionRouter(
  deps: { db: Db; providers: ProviderResolver; publicBaseUrl: string },
  campaign: { id: string; accountId: string; connectionId: string },
  options: ConnectionRouterOptions = {},
): Promise<ConnectionRouter | undefined> {
  const routes = await routesForCampaign(deps.db, campaign.accountId, campaign.id);
  if (routes.length === 0) return undefined;
  const now = options.now ?? Date.now;
  const downAfter = options.downAfterRetries ?? 3;
  const downFor = options.downForMs ?? 60_000;
  const isDown = (id: string): boolean => (health.get(id)?.downUntil ?? 0) > now();

  const record = (id: string, res: SendResult): void => {
    const h = health.get(id) ?? { retriesInRow: 0, downUntil: 0 };
    if (res.outcome === 'retry') {
      h.retriesInRow += 1;
      if (h.retriesInRow >= downAfter) h.downUntil = now() + downFor;
    } else if (res.outcome === 'auth_failed') {
      h.downUntil = now() + downFor;
    } else {
      h.retriesInRow = 0;
      h.downUntil = 0;
    }
    health.set(id, h);
  };

  const sendVia = async (connectionId: string, m: RoutedMessage, signal?: AbortSignal): Promise<SendResult> => {
    const { adapter, connection } = await deps.providers.get(connectionId);
    if (connection.status !== 'active') {
      health.set(connectionId, { retriesInRow: downAfter, downUntil: now() + downFor });
      return { outcome: 'retry', errorText: `connection ${connectionId} is ${connection.status}` };
    }
    // Webhooks find a message by the connection they arrive on: point it there before the call.
    await assignMessageConnection(deps.db, m.messageId, connectionId);
    const base = `${deps.publicBaseUrl}/v1/webhooks/${connectionId}`;
    const res = await adapter.send({ ...m, dlrUrl: `${base}/dlr`, moUrl: `${base}/mo` }, signal);
    record(connectionId, res);
    return res;
  };

  /** Pauses a connection that refused our credentials, as the send activity does for its own. */
  const pause = async (connectionId: string, res: SendResult): Promise<void> => {
    if (res.outcome !== 'auth_failed') return;
    await pauseConnection(deps.db, connectionId, `auth failed: ${res.errorText}`);
    deps.providers.invalidate(connectionId);
  };

  /** The send activity pauses only the campaign's own connection; a routed one is paused here. */
  const finish = async (connectionId: string, res: SendResult): Promise<SendResult> => {
    if (res.outcome !== 'auth_failed' || connectionId === campaign.connectionId) return res;
    await pause(connectionId, res);
    return { outcome: 'retry', errorText: `connection ${connectionId} paused: ${res.errorText}` };
  };

  return {
    async send(m, signal) {
      const phone = normalizePhoneNumber(m.to);
      const route = pickRoute(routes, phone.ok ? phone.country : undefined);
      const primary = route?.connection_id ?? campaign.connectionId;
      const fallback = route?.fallback_connection_id ?? undefined;
      if (fallback === undefined) return finish(primary, await sendVia(primary, m, signal));
      if (isDown(primary)) return finish(fallback, await sendVia(fallback, m, signal));
      const res = await sendVia(primary, m, signal);
      const providerRefusal = res.outcome === 'rejected' && PROVIDER_LEVEL_REASONS.has(res.reason);
      const down = res.outcome === 'auth_failed' || (res.outcome === 'retry' && isDown(primary) && !AMBIGUOUS.test(res.errorText ?? ''));
      if (!providerRefusal && !down) return res;
      await pause(primary, res);
      return finish(fallback, await sendVia(fallback, m, signal));
    },
  };
}
