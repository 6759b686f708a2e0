/**
 * The {@link ProviderAdapter} of Plivo messaging (providers.md §3).
 *
 * - Send: `POST {baseUrl}/v1/Account/{authId}/Message/`, JSON, HTTP Basic `authId:authToken`; `202`
 *   with `message_uuid: [uuid]`. No client reference: our id travels in the status `url` query
 *   (`?smsflow_mid=`), which the V3 signature covers.
 * - DLR: form POST `MessageUUID`, `Status`, `ErrorCode`, `Sequence` (Plivo's order of callbacks),
 *   `*Time` fields with no zone (kept raw, never parsed as local time).
 * - MO: form POST `MessageUUID`, `From`, `To`, `Text` (reassembled by Plivo).
 * - Opt-out: a send to a DND (opted-out) number is accepted and then `failed` with `ErrorCode` 200.
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
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { formPairs, webhookParams, withQueryParam } from '../http/webhook-params.js';
import { verifyPlivoSignature } from './plivo-signature.js';

/** Query parameter of the status URL that carries our message id. */
export const PLIVO_MESSAGE_ID_PARAM = 'smsflow_mid';

const configSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.plivo.com'),
  authId: z.string().regex(/^[A-Z0-9]{20}$/, 'a 20-character Plivo Auth ID'),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({ authToken: z.string().min(1) });
const sendResponseSchema = z.object({ message_uuid: z.array(z.string().min(1)).min(1) });
const errorSchema = z.object({ error: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() });

/** Plivo delivery `ErrorCode` → reason (https://www.plivo.com/docs/messaging/troubleshooting/error-codes). */
const ERROR_REASONS: ReadonlyMap<number, { reason: FailureReason; refusal: boolean }> = new Map([
  [10, { reason: 'provider_error', refusal: false }],
  [20, { reason: 'unreachable', refusal: false }],
  [30, { reason: 'blocked_spam', refusal: true }],
  [40, { reason: 'sender_not_allowed', refusal: true }],
  [50, { reason: 'invalid_number', refusal: true }],
  [60, { reason: 'provider_error', refusal: false }],
  [70, { reason: 'unreachable', refusal: false }],
  [80, { reason: 'unreachable', refusal: false }],
  [90, { reason: 'carrier_rejected', refusal: false }],
  [100, { reason: 'carrier_rejected', refusal: false }],
  [110, { reason: 'provider_error', refusal: false }],
  [200, { reason: 'opted_out', refusal: true }],
  [420, { reason: 'expired', refusal: false }],
  [900, { reason: 'insufficient_funds', refusal: false }],
  [1000, { reason: 'unknown', refusal: false }],
]);

/** Plivo `Status` + `ErrorCode` → ours (providers.md §9.2, Plivo column). */
export function mapPlivoStatus(status: string, errorCode: string | undefined): { status: DeliveryStatus; reason?: FailureReason } {
  const known = errorCode === undefined || errorCode === '' ? undefined : ERROR_REASONS.get(Number(errorCode));
  switch (status) {
    case 'queued':
      return { status: 'queued' };
    case 'sent':
      return { status: 'sent' };
    case 'delivered':
    case 'read':
      return { status: 'delivered' };
    case 'undelivered':
      if (known?.reason === 'expired') return { status: 'expired', reason: 'expired' };
      return { status: 'undelivered', reason: known?.reason ?? 'unknown' };
    case 'failed':
    case 'rejected':
      if (known?.reason === 'expired') return { status: 'expired', reason: 'expired' };
      return known?.refusal === true || status === 'rejected'
        ? { status: 'rejected', reason: known?.reason ?? 'carrier_rejected' }
        : { status: 'failed', reason: known?.reason ?? 'provider_error' };
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Creates the adapter of one Plivo connection.
 * - `conn.config`: `{ authId, baseUrl?, timeoutMs? }`; `conn.credentials`: `{ authToken }`.
 *
 * `send` maps 202 → accepted (first `message_uuid`); 400 → rejected (`invalid_number` when Plivo names
 * `dst`, else `provider_error`); 401/403 → auth_failed; 429/5xx/network → retry.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createPlivoAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'plivo', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'plivo', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `Basic ${Buffer.from(`${config.authId}:${credentials.authToken}`).toString('base64')}`;
  const accountUrl = `${baseUrl}/v1/Account/${config.authId}/`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const url = `${accountUrl}Message/`;
    const res = await providerHttpCall({
      url,
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ src: req.from, dst: req.to.replace(/^\+/, ''), text: req.body, type: 'sms', url: withQueryParam(req.dlrUrl, PLIVO_MESSAGE_ID_PARAM, req.messageId), method: 'POST' }),
      timeoutMs,
      signal,
      nowMs: now(),
    });
    if (res.kind === 'response' && (res.status === 200 || res.status === 202)) {
      const ok = sendResponseSchema.safeParse(res.json);
      if (!ok.success) return { outcome: 'retry', errorText: `unreadable ${res.status} response` };
      return { outcome: 'accepted', providerMessageId: ok.data.message_uuid[0]!, providerStatus: 'queued' };
    }
    const body = res.kind === 'response' ? errorSchema.safeParse(res.json) : undefined;
    const errorText = body?.success === true && body.data.error !== undefined ? (typeof body.data.error === 'string' ? body.data.error : JSON.stringify(body.data.error)) : undefined;
    const common = commonHttpOutcome(res, { errorText, url });
    if (common !== undefined) return common;
    const reason: FailureReason = errorText !== undefined && /\bdst\b|destination/i.test(errorText) ? 'invalid_number' : 'provider_error';
    return { outcome: 'rejected', reason, errorText: errorText ?? 'refused' };
  }

  return {
    provider: 'plivo',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      return verifyPlivoSignature(credentials.authToken, req.headers, req.url, req.method === 'GET' ? [] : formPairs(req.rawBody));
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = webhookParams(req);
      const uuid = p.MessageUUID;
      if (uuid === undefined || uuid === '') throw new WebhookPayloadError('MessageUUID', 'plivo status callback without MessageUUID');
      if (p.Status === undefined || p.Status === '') throw new WebhookPayloadError('Status', 'plivo status callback without Status');
      const errorCode = p.ErrorCode === undefined || p.ErrorCode === '' || p.ErrorCode === '000' ? undefined : p.ErrorCode;
      const mapped = mapPlivoStatus(p.Status, errorCode);
      const dlr: NormalizedDlr = {
        providerMessageId: uuid,
        status: mapped.status,
        providerStatus: p.Status,
        dedupeKey: `${uuid}:${p.Sequence ?? p.Status}:${p.Status}`,
      };
      const ourId = new URL(req.url).searchParams.get(PLIVO_MESSAGE_ID_PARAM);
      if (ourId !== null && ourId !== '') dlr.ourMessageId = ourId;
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (errorCode !== undefined) dlr.providerErrorCode = errorCode;
      // `YYYY-mm-dd HH:MM:SS.ffffff` with no zone stated (§3.2, §9.7): raw, never parsed as local time.
      const raw = p.DeliveryReportTime ?? p.SentTime ?? p.MessageTime;
      if (raw !== undefined && raw !== '') dlr.providerTimestampRaw = raw;
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = webhookParams(req);
      if (p.MessageUUID === undefined || p.MessageUUID === '') throw new WebhookPayloadError('MessageUUID', 'plivo inbound message without MessageUUID');
      if (p.From === undefined || p.To === undefined) throw new WebhookPayloadError(p.From === undefined ? 'From' : 'To', 'plivo inbound message without From/To');
      return [{ providerMessageId: p.MessageUUID, from: `+${p.From.replace(/^\+/, '')}`, to: p.To, body: p.Text ?? p.Body ?? '', dedupeKey: p.MessageUUID }];
    },

    testConnection() {
      return probeAccountEndpoint(accountUrl, { authorization }, timeoutMs);
    },
  };
}
