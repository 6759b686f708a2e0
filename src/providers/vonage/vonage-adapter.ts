/**
 * The {@link ProviderAdapter} of the Vonage (Nexmo) SMS API (providers.md §2; not the Messages API).
 *
 * - Send: `POST {baseUrl}/sms/json`, form body with `api_key`/`api_secret`, `to` without `+`,
 *   `type=unicode` when the text needs UCS-2, `callback` = our DLR URL, `client-ref` = our message id
 *   (echoed in every DLR). Always HTTP 200 with one element per segment, each with its own `status`
 *   and `message-id`.
 * - DLR: GET query, POST form or POST JSON (an account setting): `messageId` (per part), `status`,
 *   `err-code`, `client-ref`, `scts` (zone unknown: kept raw), `message-timestamp` (UTC by the docs).
 *   One DLR per part; Vonage sends no part index, so parts are not told apart (see README).
 * - MO: `msisdn`, `to`, `messageId`, `text`, and `concat*` for parts Vonage does not reassemble.
 * - Webhooks: signed `sig` with `timestamp` + `nonce` (vonage-signature.ts), stale ones refused.
 *   Signing must be enabled on the Vonage account; a connection without `signatureSecret` is refused.
 *
 * @module
 */
import { z } from 'zod';
import { measureSegments } from '../../domain/segments.js';
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
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { webhookParams } from '../http/webhook-params.js';
import { VONAGE_REFUSAL_ERR_CODES, vonageErrCodeReason, vonageSendStatusOutcome } from './vonage-error-codes.js';
import { VONAGE_SIGNATURE_METHODS, verifyVonageSignature } from './vonage-signature.js';

const configSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://rest.nexmo.com'),
  /** The account's webhook signature method (dashboard setting). */
  signatureMethod: z.enum(VONAGE_SIGNATURE_METHODS).default('md5hash'),
  /** Opt-Out Assist is on for this account's numbers: DLR err-code 9 means opted out (§2.5). */
  optOutAssist: z.boolean().default(false),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1), signatureSecret: z.string().min(1) });
const sendResponseSchema = z.object({
  messages: z.array(z.object({ status: z.string(), 'message-id': z.string().optional(), 'error-text': z.string().optional() })).min(1),
});

/** Vonage DLR `status` + `err-code` → ours (providers.md §9.2, Vonage column). */
export function mapVonageStatus(status: string, errCode: number | undefined, optOutAssist: boolean): { status: DeliveryStatus; reason?: FailureReason } {
  const reason = errCode === undefined || errCode === 0 ? undefined : vonageErrCodeReason(errCode, optOutAssist);
  const s = status.toLowerCase();
  if (s === 'accepted' || s === 'buffered' || s === 'acceptd' || s === 'enroute') return { status: 'sent' };
  if (s === 'delivered' || s === 'delivrd') return { status: 'delivered' };
  if (errCode !== undefined && VONAGE_REFUSAL_ERR_CODES.has(errCode)) return { status: 'rejected', reason: reason ?? 'carrier_rejected' };
  switch (s) {
    case 'expired':
      return { status: 'expired', reason: 'expired' };
    case 'rejected':
    case 'rejectd':
      return { status: 'rejected', reason: reason ?? 'carrier_rejected' };
    case 'failed':
    case 'undeliv':
    case 'deleted':
      return { status: 'undelivered', reason: reason ?? 'unknown' };
    default:
      return { status: 'unknown', reason: reason ?? 'unknown' };
  }
}

/**
 * Creates the adapter of one Vonage SMS API connection.
 * - `conn.config`: `{ baseUrl?, signatureMethod? ('md5hash' default), optOutAssist? (false), timeoutMs? }`.
 * - `conn.credentials`: `{ apiKey, apiSecret, signatureSecret }`.
 *
 * `send` maps every part `status: "0"` → accepted (first part's id, `parts` = part count); otherwise the
 * first failing part's status: 1/5/10 → retry, 4/14 (credentials) and 8/9/11 (account) → auth_failed,
 * 6 → rejected invalid_number, 7 → carrier_rejected, 15 → sender_not_allowed, others → provider_error.
 * HTTP 401/403/429/5xx and network errors as every adapter.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createVonageAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'vonage', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'vonage', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const form = new URLSearchParams({
      api_key: credentials.apiKey,
      api_secret: credentials.apiSecret,
      from: req.from.replace(/^\+/, ''),
      to: req.to.replace(/^\+/, ''),
      text: req.body,
      type: measureSegments(req.body).encoding === 'UCS-2' ? 'unicode' : 'text',
      'status-report-req': '1',
      callback: req.dlrUrl,
      'client-ref': req.messageId,
    });
    const url = `${baseUrl}/sms/json`;
    const res = await providerHttpCall({ url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), timeoutMs, signal, nowMs: now() });
    const common = commonHttpOutcome(res, { url });
    if (common !== undefined) return common;
    if (res.kind !== 'response') return { outcome: 'retry', errorText: 'no response' };
    const parsed = sendResponseSchema.safeParse(res.json);
    if (!parsed.success) return res.status === 200 ? { outcome: 'retry', errorText: 'unreadable 200 response' } : { outcome: 'rejected', reason: 'provider_error', errorText: `HTTP ${res.status}` };
    const parts = parsed.data.messages;
    const failing = parts.find((p) => p.status !== '0');
    const first = parts[0];
    // A partial failure still put the accepted parts on the air: it is accepted, not re-sent.
    if (first?.status === '0' && first['message-id'] !== undefined) {
      return { outcome: 'accepted', providerMessageId: first['message-id'], parts: parts.length, ...(failing === undefined ? {} : { providerStatus: `partial:${failing.status}` }) };
    }
    return vonageSendStatusOutcome(Number(failing?.status ?? '5'), failing?.['error-text'] ?? 'send failed');
  }

  return {
    provider: 'vonage',
    // The SMS API has no idempotency key; client-ref is only echoed.
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      let params: Record<string, string>;
      try {
        params = webhookParams(req);
      } catch {
        return false;
      }
      return verifyVonageSignature(params, credentials.signatureSecret, config.signatureMethod, now());
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = webhookParams(req);
      const id = p.messageId;
      if (id === undefined || id === '') throw new WebhookPayloadError('messageId', 'vonage DLR without messageId');
      if (p.status === undefined || p.status === '') throw new WebhookPayloadError('status', 'vonage DLR without status');
      const errRaw = p['err-code'];
      const errCode = errRaw === undefined || errRaw === '' || !/^\d+$/.test(errRaw) ? undefined : Number(errRaw);
      const mapped = mapVonageStatus(p.status, errCode, config.optOutAssist);
      const dlr: NormalizedDlr = {
        providerMessageId: id,
        status: mapped.status,
        providerStatus: p.status,
        dedupeKey: `${id}:${p.status}:${errRaw ?? ''}:${p.scts ?? ''}`,
      };
      if (p['client-ref'] !== undefined && p['client-ref'] !== '') dlr.ourMessageId = p['client-ref'];
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (errRaw !== undefined && errRaw !== '') dlr.providerErrorCode = errRaw;
      // message-timestamp is documented UTC (§9.7), so it is zoned by contract; scts has no zone: raw.
      const ts = p['message-timestamp'];
      if (ts !== undefined && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(ts)) dlr.eventAt = new Date(`${ts.replace(' ', 'T')}Z`).toISOString();
      if (p.scts !== undefined && p.scts !== '') dlr.providerTimestampRaw = p.scts;
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = webhookParams(req);
      for (const field of ['messageId', 'msisdn', 'to'] as const) {
        if (p[field] === undefined || p[field] === '') throw new WebhookPayloadError(field, `vonage inbound message without ${field}`);
      }
      const id = p.messageId!;
      const mo: NormalizedMo = { providerMessageId: id, from: `+${p.msisdn!.replace(/^\+/, '')}`, to: p.to!, body: p.text ?? '', dedupeKey: id };
      const ts = p['message-timestamp'];
      if (ts !== undefined && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(ts)) mo.receivedAt = new Date(`${ts.replace(' ', 'T')}Z`).toISOString();
      if (p.concat === 'true') {
        const index = Number(p['concat-part']);
        const total = Number(p['concat-total']);
        if (!(p['concat-ref'] && index >= 1 && total >= index)) throw new WebhookPayloadError('concat-ref', 'vonage concatenated MO without concat-ref/part/total');
        mo.concat = { ref: p['concat-ref'], index, total };
      }
      return [mo];
    },

    testConnection() {
      const q = new URLSearchParams({ api_key: credentials.apiKey, api_secret: credentials.apiSecret });
      return probeAccountEndpoint(`${baseUrl}/account/get-balance?${q.toString()}`, {}, timeoutMs);
    },
  };
}
