/**
 * The {@link ProviderAdapter} of the MessageBird legacy REST API (providers.md §7; not the Bird platform).
 *
 * - Send: `POST {baseUrl}/messages`, JSON, `Authorization: AccessKey <key>`; `reference` = our message
 *   id (MessageBird sends DLRs only when it is set), `reportUrl` = our DLR URL. `201` with `id`.
 * - DLR: **GET** with query `id`, `reference`, `recipient`, `status`, `statusReason`,
 *   `statusErrorCode`, `statusDatetime` (RFC 3339, zoned).
 * - MO: Flow Builder "forward to URL": `id`, `originator`, `recipient`, `body`, `createdDatetime`
 *   (field names unverified by providers.md §7.3), JSON or form.
 * - Webhooks: `MessageBird-Signature-JWT` (messagebird-signature.ts): URL and body hashes, `exp` window.
 *
 * @module
 */
import { z } from 'zod';
import type { DeliveryStatus, FailureReason } from '../../domain/message-status.js';
import type {
  NormalizedDlr,
  NormalizedMo,
  ProviderAdapter,
  ProviderConnectionConfig,
  SendRequest,
  SendResult,
  WebhookRequest,
} from '../provider-adapter.js';
import { WebhookPayloadError } from '../provider-adapter.js';
import { zonedIsoTimestamp } from '../http/zoned-timestamp.js';
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { webhookParams } from '../http/webhook-params.js';
import { MESSAGEBIRD_SIGNATURE_HEADER, verifyMessageBirdJwt } from './messagebird-signature.js';

const configSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://rest.messagebird.com'),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({ accessKey: z.string().min(1), signingKey: z.string().min(1) });
const sendResponseSchema = z.object({ id: z.string().min(1), recipients: z.object({ totalCount: z.number().int().optional() }).optional() });
const errorSchema = z.object({ errors: z.array(z.object({ code: z.number().int(), description: z.string().optional(), parameter: z.string().nullable().optional() })).min(1) });

/** `statusReason` values with a reason, and whether they mean refused up front (§7.2, §9.2). */
const REASONS: ReadonlyMap<string, { reason: FailureReason; status: DeliveryStatus }> = new Map([
  ['opted out', { reason: 'opted_out', status: 'rejected' }],
  ['incorrect number', { reason: 'invalid_number', status: 'rejected' }],
  ['carrier rejected', { reason: 'carrier_rejected', status: 'rejected' }],
  ['unknown subscriber', { reason: 'invalid_number', status: 'undelivered' }],
  ['unavailable subscriber', { reason: 'unreachable', status: 'undelivered' }],
  ['received network error', { reason: 'unreachable', status: 'undelivered' }],
  ['insufficient balance', { reason: 'insufficient_funds', status: 'failed' }],
  ['capacity limit reached', { reason: 'rate_limited', status: 'failed' }],
  ['generic delivery failure', { reason: 'unknown', status: 'undelivered' }],
]);

/** MessageBird `status` + `statusReason` → ours (providers.md §9.2, MessageBird column). */
export function mapMessageBirdStatus(status: string, statusReason: string | undefined): { status: DeliveryStatus; reason?: FailureReason } {
  switch (status) {
    case 'scheduled':
      return { status: 'queued' };
    case 'sent':
    case 'buffered':
      return { status: 'sent' };
    case 'delivered':
      return { status: 'delivered' };
    case 'expired':
      return { status: 'expired', reason: 'expired' };
    case 'delivery_failed': {
      const known = statusReason === undefined ? undefined : REASONS.get(statusReason.toLowerCase());
      return known ?? { status: 'undelivered', reason: 'unknown' };
    }
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Creates the adapter of one MessageBird connection.
 * - `conn.config`: `{ baseUrl?, timeoutMs? }`; `conn.credentials`: `{ accessKey, signingKey }`.
 *
 * `send` maps 201 → accepted; 401 (code 2) → auth_failed; code 25 (balance) → auth_failed (pauses the
 * connection); 422/400 naming `recipients` → rejected invalid_number, other 4xx → provider_error;
 * 429/5xx/network → retry.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createMessageBirdAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'messagebird', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'messagebird', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `AccessKey ${credentials.accessKey}`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const url = `${baseUrl}/messages`;
    const res = await providerHttpCall({
      url,
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ originator: req.from.replace(/^\+/, ''), recipients: [req.to.replace(/^\+/, '')], body: req.body, reference: req.messageId, reportUrl: req.dlrUrl }),
      timeoutMs,
      signal,
      nowMs: now(),
    });
    if (res.kind === 'response' && (res.status === 200 || res.status === 201)) {
      const ok = sendResponseSchema.safeParse(res.json);
      if (!ok.success) return { outcome: 'retry', errorText: `unreadable ${res.status} response` };
      return { outcome: 'accepted', providerMessageId: ok.data.id };
    }
    const body = res.kind === 'response' ? errorSchema.safeParse(res.json) : undefined;
    const first = body?.success === true ? body.data.errors[0] : undefined;
    const errorCode = first === undefined ? undefined : String(first.code);
    const errorText = first?.description;
    if (first?.code === 25) return { outcome: 'auth_failed', errorText: `messagebird 25: ${errorText ?? 'not enough balance'}` };
    const common = commonHttpOutcome(res, { errorCode, errorText, url });
    if (common !== undefined) return common;
    const reason: FailureReason = first?.parameter === 'recipients' ? 'invalid_number' : 'provider_error';
    return { outcome: 'rejected', reason, errorText: errorText ?? 'refused', ...(errorCode === undefined ? {} : { errorCode }) };
  }

  return {
    provider: 'messagebird',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      return verifyMessageBirdJwt(credentials.signingKey, req.headers[MESSAGEBIRD_SIGNATURE_HEADER], req.url, req.rawBody, now());
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = webhookParams(req);
      if (p.id === undefined || p.id === '') throw new WebhookPayloadError('id', 'messagebird DLR without id');
      if (p.status === undefined || p.status === '') throw new WebhookPayloadError('status', 'messagebird DLR without status');
      const mapped = mapMessageBirdStatus(p.status, p.statusReason);
      const dlr: NormalizedDlr = { providerMessageId: p.id, status: mapped.status, providerStatus: p.status, dedupeKey: `${p.id}:${p.recipient ?? ''}:${p.status}:${p.statusDatetime ?? ''}` };
      if (p.reference !== undefined && p.reference !== '') dlr.ourMessageId = p.reference;
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (p.statusErrorCode !== undefined && p.statusErrorCode !== '') dlr.providerErrorCode = p.statusErrorCode;
      if (p.statusReason !== undefined) dlr.providerErrorText = p.statusReason;
      if (p.statusDatetime !== undefined) dlr.providerTimestampRaw = p.statusDatetime;
      const at = zonedIsoTimestamp(p.statusDatetime);
      if (at !== undefined) dlr.eventAt = at;
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = webhookParams(req);
      for (const field of ['id', 'originator', 'recipient'] as const) {
        if (p[field] === undefined || p[field] === '') throw new WebhookPayloadError(field, `messagebird inbound message without ${field}`);
      }
      const mo: NormalizedMo = { providerMessageId: p.id!, from: `+${p.originator!.replace(/^\+/, '')}`, to: p.recipient!, body: p.body ?? '', dedupeKey: p.id! };
      const at = zonedIsoTimestamp(p.createdDatetime);
      if (at !== undefined) mo.receivedAt = at;
      return [mo];
    },

    testConnection() {
      return probeAccountEndpoint(`${baseUrl}/balance`, { authorization }, timeoutMs);
    },
  };
}
