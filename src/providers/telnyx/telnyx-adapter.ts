/**
 * The {@link ProviderAdapter} of Telnyx Messaging v2 (providers.md §5).
 *
 * - Send: `POST {baseUrl}/v2/messages`, JSON, `Authorization: Bearer <apiKey>`; `webhook_url` = our DLR
 *   URL; our message id in `tags` (echoed in every event's signed body: the URL is not signed).
 * - DLR: `message.sent` / `message.finalized` events; status in `payload.to[0].status`, error codes in
 *   `payload.errors[]`; `occurred_at` is zoned; dedupe on the event id `data.id`.
 * - MO: `message.received` (reassembled by Telnyx).
 * - Webhooks: Ed25519 over `timestamp|body` (telnyx-signature.ts), ±300 s.
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
import { ProviderConfigError, WebhookPayloadError } from '../provider-adapter.js';
import { zonedIsoTimestamp } from '../http/zoned-timestamp.js';
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { parseJson, validatePayload } from '../http/webhook-params.js';
import { TELNYX_CONNECTION_CODES, TELNYX_ERROR_CODES } from './telnyx-error-codes.js';
import { telnyxPublicKey, verifyTelnyxSignature } from './telnyx-signature.js';

/** Tag prefix that marks our message id among a message's `tags`. */
export const TELNYX_MESSAGE_ID_TAG = 'smsflow:';

const configSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.telnyx.com'),
  messagingProfileId: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({ apiKey: z.string().min(1), publicKey: z.string().min(1) });
const sendResponseSchema = z.object({ data: z.object({ id: z.string().min(1), parts: z.number().int().optional(), to: z.array(z.object({ status: z.string().optional() })).optional() }) });
const errorSchema = z.object({ errors: z.array(z.object({ code: z.union([z.string(), z.number()]).optional(), title: z.string().optional(), detail: z.string().optional() })).min(1) });

const errorEntry = z.object({ code: z.union([z.string(), z.number()]).optional(), title: z.string().optional(), detail: z.string().optional() });
const eventSchema = z.object({
  data: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    occurred_at: z.string().optional(),
    payload: z.object({
      id: z.string().min(1),
      text: z.string().optional(),
      from: z.object({ phone_number: z.string() }).optional(),
      to: z.array(z.object({ phone_number: z.string(), status: z.string().optional() })).min(1),
      errors: z.array(errorEntry).optional(),
      tags: z.array(z.string()).optional(),
      received_at: z.string().optional(),
    }),
  }),
});

/** Telnyx `to[].status` + first error code → ours (providers.md §9.2, Telnyx column). */
export function mapTelnyxStatus(status: string, code: string | undefined): { status: DeliveryStatus; reason?: FailureReason } {
  const known = code === undefined ? undefined : TELNYX_ERROR_CODES.get(code);
  switch (status) {
    case 'scheduled':
    case 'queued':
    case 'sending':
      return { status: 'queued' };
    case 'sent':
      return { status: 'sent' };
    case 'delivered':
      return { status: 'delivered' };
    case 'expired':
      return { status: 'expired', reason: 'expired' };
    case 'cancelled':
      return { status: 'failed', reason: 'canceled' };
    case 'delivery_unconfirmed':
      return { status: 'unknown', reason: 'unknown' };
    case 'delivery_failed':
      if (known?.refusal === true) return { status: 'rejected', reason: known.reason };
      return { status: 'undelivered', reason: known?.reason ?? 'unknown' };
    case 'sending_failed':
      if (known?.refusal === true) return { status: 'rejected', reason: known.reason };
      return { status: 'failed', reason: known?.reason ?? 'provider_error' };
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Creates the adapter of one Telnyx connection.
 * - `conn.config`: `{ baseUrl?, messagingProfileId?, timeoutMs? }`.
 * - `conn.credentials`: `{ apiKey, publicKey (Base64 Ed25519, 32 bytes) }`.
 *
 * `send` maps 200 → accepted (`data.id`, `parts`); 40300 → rejected opted_out; invalid-number and
 * sender codes → rejected with their reason; 10009/10010/40100/40312 and 401/403 → auth_failed;
 * 429 (10011)/5xx/network → retry; other 4xx → rejected provider_error.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createTelnyxAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'telnyx', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'telnyx', 'credentials');
  let key;
  try {
    key = telnyxPublicKey(credentials.publicKey);
  } catch (err) {
    throw new ProviderConfigError('telnyx', 'credentials.publicKey', `telnyx connection: invalid credentials.publicKey: ${(err as Error).message}`);
  }
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `Bearer ${credentials.apiKey}`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const url = `${baseUrl}/v2/messages`;
    const res = await providerHttpCall({
      url,
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: req.from,
        to: req.to,
        text: req.body,
        type: 'SMS',
        webhook_url: req.dlrUrl,
        use_profile_webhooks: false,
        tags: [`${TELNYX_MESSAGE_ID_TAG}${req.messageId}`],
        ...(config.messagingProfileId === undefined ? {} : { messaging_profile_id: config.messagingProfileId }),
      }),
      timeoutMs,
      signal,
      nowMs: now(),
    });
    if (res.kind === 'response' && res.status >= 200 && res.status < 300) {
      const ok = sendResponseSchema.safeParse(res.json);
      if (!ok.success) return { outcome: 'retry', errorText: `unreadable ${res.status} response` };
      const status = ok.data.data.to?.[0]?.status;
      return { outcome: 'accepted', providerMessageId: ok.data.data.id, ...(ok.data.data.parts === undefined ? {} : { parts: ok.data.data.parts }), ...(status === undefined ? {} : { providerStatus: status }) };
    }
    const body = res.kind === 'response' ? errorSchema.safeParse(res.json) : undefined;
    const first = body?.success === true ? body.data.errors[0] : undefined;
    const errorCode = first?.code === undefined ? undefined : String(first.code);
    const errorText = first === undefined ? undefined : [first.title, first.detail].filter(Boolean).join(': ');
    if (errorCode !== undefined && TELNYX_CONNECTION_CODES.has(errorCode)) return { outcome: 'auth_failed', errorText: `telnyx ${errorCode}: ${errorText ?? ''}` };
    const known = errorCode === undefined ? undefined : TELNYX_ERROR_CODES.get(errorCode);
    // 40300 comes back as 400, 403 or 422 depending on the route (§5.1): the code wins over the status.
    if (known !== undefined && res.kind === 'response' && res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 401) {
      return { outcome: 'rejected', reason: known.reason, errorCode: errorCode!, errorText: errorText ?? `HTTP ${res.status}` };
    }
    const common = commonHttpOutcome(res, { errorCode, errorText, url });
    if (common !== undefined) return common;
    return { outcome: 'rejected', reason: 'provider_error', errorText: errorText ?? 'refused', ...(errorCode === undefined ? {} : { errorCode }) };
  }

  const parseEvent = (req: WebhookRequest) => validatePayload(eventSchema, parseJson(req.rawBody), 'telnyx');

  return {
    provider: 'telnyx',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      return verifyTelnyxSignature(key, req.headers, req.rawBody, now());
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const { data } = parseEvent(req);
      if (data.event_type !== 'message.sent' && data.event_type !== 'message.finalized') return [];
      const p = data.payload;
      const providerStatus = p.to[0]?.status ?? data.event_type;
      const first = p.errors?.[0];
      const code = first?.code === undefined ? undefined : String(first.code);
      const mapped = mapTelnyxStatus(providerStatus, code);
      const dlr: NormalizedDlr = { providerMessageId: p.id, status: mapped.status, providerStatus, dedupeKey: data.id };
      const tag = p.tags?.find((t) => t.startsWith(TELNYX_MESSAGE_ID_TAG));
      if (tag !== undefined) dlr.ourMessageId = tag.slice(TELNYX_MESSAGE_ID_TAG.length);
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (code !== undefined) dlr.providerErrorCode = code;
      if (first?.title !== undefined) dlr.providerErrorText = first.title;
      if (data.occurred_at !== undefined) {
        dlr.providerTimestampRaw = data.occurred_at;
        // Only a zoned timestamp becomes eventAt (§9.7); Telnyx sends `+00:00`.
        const eventAt = zonedIsoTimestamp(data.occurred_at);
        if (eventAt !== undefined) dlr.eventAt = eventAt;
      }
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const { data } = parseEvent(req);
      if (data.event_type !== 'message.received') return [];
      const p = data.payload;
      if (p.from === undefined) throw new WebhookPayloadError('data.payload.from', 'telnyx message.received without from');
      const mo: NormalizedMo = { providerMessageId: p.id, from: p.from.phone_number, to: p.to[0]!.phone_number, body: p.text ?? '', dedupeKey: p.id };
      const receivedAt = zonedIsoTimestamp(p.received_at);
      if (receivedAt !== undefined) mo.receivedAt = receivedAt;
      return [mo];
    },

    testConnection() {
      return probeAccountEndpoint(`${baseUrl}/v2/balance`, { authorization }, timeoutMs);
    },
  };
}
