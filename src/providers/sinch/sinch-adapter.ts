/**
 * The {@link ProviderAdapter} of the Sinch SMS REST API ("XMS", providers.md §4).
 *
 * - Send: `POST {baseUrl}/xms/v1/{servicePlanId}/batches`, JSON, `Authorization: Bearer <apiToken>`;
 *   one batch per message so that `client_reference` = our message id and the batch id is the
 *   provider id; `delivery_report: per_recipient`, `callback_url` = our DLR URL.
 * - DLR: `recipient_delivery_report_sms` (`batch_id`, `recipient`, `status`, `code`, `at` zoned,
 *   `client_reference`); summary `delivery_report_sms` reports are expanded per listed recipient.
 * - MO: `mo_text` (`id`, `from`, `to`, `body`, `received_at`).
 * - Webhooks: Sinch's callback HMAC (sinch-signature.ts). Without it Sinch callbacks are unsigned, so
 *   a connection must hold `webhookSecret` (ask Sinch to provision HMAC on the service plan).
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
import { zonedIsoTimestamp } from '../http/zoned-timestamp.js';
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { parseJson, validatePayload } from '../http/webhook-params.js';
import { verifySinchSignature } from './sinch-signature.js';

const configSchema = z.object({
  /** Regional base URL: `https://{us|eu|au|br|ca}.sms.api.sinch.com`. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://us.sms.api.sinch.com'),
  servicePlanId: z.string().regex(/^[0-9a-zA-Z]{8,64}$/),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({ apiToken: z.string().min(1), webhookSecret: z.string().min(1) });
const sendResponseSchema = z.object({ id: z.string().min(1) });
const errorSchema = z.object({ code: z.string().optional(), text: z.string().optional() });

const recipientReport = z.object({
  type: z.literal('recipient_delivery_report_sms'),
  batch_id: z.string().min(1),
  recipient: z.string().min(1),
  code: z.number().int(),
  status: z.string().min(1),
  at: z.string().optional(),
  client_reference: z.string().optional(),
});
const summaryReport = z.object({
  type: z.literal('delivery_report_sms'),
  batch_id: z.string().min(1),
  client_reference: z.string().optional(),
  statuses: z.array(z.object({ code: z.number().int(), status: z.string(), count: z.number().int().optional(), recipients: z.array(z.string()).optional() })),
});
const dlrSchema = z.discriminatedUnion('type', [recipientReport, summaryReport]);
const moSchema = z.object({ type: z.string(), id: z.string().min(1), from: z.string().min(1), to: z.string().min(1), body: z.string().optional(), received_at: z.string().optional() });

/** Sinch DLR `code`s with a reason (https://developers.sinch.com/docs/sms/api-reference/sms/delivery-reports/delivery-report-error-codes). */
const CODE_REASONS: ReadonlyMap<number, FailureReason> = new Map([
  [402, 'carrier_rejected'],
  [403, 'provider_error'],
  [404, 'unreachable'],
  [406, 'expired'],
  [407, 'canceled'],
  [408, 'carrier_rejected'],
  [410, 'sender_not_allowed'],
  [411, 'provider_error'],
  [412, 'sender_not_allowed'],
]);

/** Sinch `status` + `code` → ours (providers.md §9.2, Sinch column). */
export function mapSinchStatus(status: string, code: number): { status: DeliveryStatus; reason?: FailureReason } {
  const reason = CODE_REASONS.get(code);
  switch (status) {
    case 'Queued':
      return { status: 'queued' };
    case 'Dispatched':
      return { status: 'sent' };
    case 'Delivered':
      return { status: 'delivered' };
    case 'Failed':
    case 'Deleted':
      // Deleted: "invalid MSISDN or opted-out subscriber" per Sinch; undelivered unless the code says more.
      return { status: 'undelivered', reason: reason ?? 'unknown' };
    case 'Aborted':
      return code === 406 ? { status: 'expired', reason: 'expired' } : { status: 'failed', reason: reason ?? 'provider_error' };
    case 'Cancelled':
      return { status: 'failed', reason: 'canceled' };
    case 'Rejected':
      return { status: 'rejected', reason: reason ?? 'carrier_rejected' };
    case 'Expired':
      return { status: 'expired', reason: 'expired' };
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Creates the adapter of one Sinch connection.
 * - `conn.config`: `{ servicePlanId, baseUrl?, timeoutMs? }`; `conn.credentials`: `{ apiToken, webhookSecret }`.
 *
 * `send` maps 201 → accepted (batch id); 400 → rejected (`invalid_number` when Sinch names `to`, else
 * `provider_error`); 401/403 → auth_failed; 429/5xx/network → retry.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createSinchAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'sinch', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'sinch', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `Bearer ${credentials.apiToken}`;
  const batchesUrl = `${baseUrl}/xms/v1/${config.servicePlanId}/batches`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const res = await providerHttpCall({
      url: batchesUrl,
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ from: req.from, to: [req.to], body: req.body, delivery_report: 'per_recipient', callback_url: req.dlrUrl, client_reference: req.messageId }),
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
    const errorCode = body?.success === true ? body.data.code : undefined;
    const errorText = body?.success === true ? body.data.text : undefined;
    const common = commonHttpOutcome(res, { errorCode, errorText, url: batchesUrl });
    if (common !== undefined) return common;
    const reason: FailureReason = errorText !== undefined && /\bto\b|recipient|msisdn/i.test(errorText) ? 'invalid_number' : 'provider_error';
    return { outcome: 'rejected', reason, errorText: errorText ?? 'refused', ...(errorCode === undefined ? {} : { errorCode }) };
  }

  const toDlr = (batchId: string, recipient: string, status: string, code: number, at: string | undefined, ref: string | undefined): NormalizedDlr => {
    const mapped = mapSinchStatus(status, code);
    const dlr: NormalizedDlr = { providerMessageId: batchId, status: mapped.status, providerStatus: status, providerErrorCode: String(code), dedupeKey: `${batchId}:${recipient}:${status}:${code}:${at ?? ''}` };
    if (ref !== undefined && ref !== '') dlr.ourMessageId = ref;
    if (mapped.reason !== undefined) dlr.reason = mapped.reason;
    if (at !== undefined) dlr.providerTimestampRaw = at;
    const eventAt = zonedIsoTimestamp(at);
    if (eventAt !== undefined) dlr.eventAt = eventAt;
    return dlr;
  };

  return {
    provider: 'sinch',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      return verifySinchSignature(credentials.webhookSecret, req.headers, req.rawBody, now());
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = validatePayload(dlrSchema, parseJson(req.rawBody), 'sinch');
      if (p.type === 'recipient_delivery_report_sms') return [toDlr(p.batch_id, p.recipient, p.status, p.code, p.at, p.client_reference)];
      return p.statuses.flatMap((s) => (s.recipients ?? []).map((r) => toDlr(p.batch_id, r, s.status, s.code, undefined, p.client_reference)));
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = validatePayload(moSchema, parseJson(req.rawBody), 'sinch');
      const from = p.from.startsWith('+') ? p.from : `+${p.from}`;
      const mo: NormalizedMo = { providerMessageId: p.id, from, to: p.to, body: p.body ?? '', dedupeKey: p.id };
      const at = zonedIsoTimestamp(p.received_at);
      if (at !== undefined) mo.receivedAt = at;
      return [mo];
    },

    testConnection() {
      return probeAccountEndpoint(`${batchesUrl}?page_size=1`, { authorization }, timeoutMs);
    },
  };
}
