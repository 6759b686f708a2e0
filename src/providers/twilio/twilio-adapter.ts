/**
 * The {@link ProviderAdapter} of Twilio Programmable Messaging (providers.md §1).
 *
 * - Send: `POST {baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json`, form-encoded, HTTP Basic
 *   (`accountSid:authToken`, or an API key `SK…:secret`). Twilio has no client-reference field, so our
 *   message id travels in the `StatusCallback` query (`?smsflow_mid=<id>`), which the signature covers.
 * - DLR: form POST with `MessageSid`, `MessageStatus`, `ErrorCode`, `RawDlrDoneDate` (zone-less, kept
 *   raw). One callback per message (not per segment), unordered.
 * - MO: form POST with `MessageSid`, `From`, `To`, `Body` (Twilio reassembles long messages).
 * - Webhooks: `X-Twilio-Signature` (see twilio-signature.ts), no timestamp to check.
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
import { twilioErrorCode } from './twilio-error-codes.js';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './twilio-signature.js';

/** Query parameter of the StatusCallback URL that carries our message id. */
export const TWILIO_MESSAGE_ID_PARAM = 'smsflow_mid';

const configSchema = z.object({
  /** Twilio API base URL; default `https://api.twilio.com` (a loopback fake in tests). */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an AC… account SID'),
  /** Send through a Messaging Service instead of a fixed `From`. */
  messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const credentialsSchema = z.object({
  /** Signs webhooks; also the API password unless an API key is given. */
  authToken: z.string().min(1),
  apiKeySid: z.string().regex(/^SK[0-9a-fA-F]{32}$/).optional(),
  apiKeySecret: z.string().min(1).optional(),
});

const sendResponseSchema = z.object({
  sid: z.string().min(1),
  status: z.string().optional(),
  num_segments: z.union([z.string(), z.number()]).optional(),
});
const errorSchema = z.object({ code: z.number().int().optional(), message: z.string().optional() });

/** Twilio `MessageStatus` + `ErrorCode` → ours (providers.md §9.2, Twilio column). */
export function mapTwilioStatus(status: string, errorCode: string | undefined): { status: DeliveryStatus; reason?: FailureReason } {
  const known = twilioErrorCode(errorCode);
  switch (status) {
    case 'queued':
    case 'accepted':
    case 'scheduled':
    case 'sending':
      return { status: 'queued' };
    case 'sent':
      return { status: 'sent' };
    case 'delivered':
    case 'read':
      return { status: 'delivered' };
    case 'undelivered':
      return { status: 'undelivered', reason: known?.reason ?? 'unknown' };
    case 'partially_delivered':
      // Judgment call of §9.2: the handset probably got a broken message.
      return { status: 'undelivered', reason: 'carrier_rejected' };
    case 'failed':
      // 21610 via a Messaging Service arrives here, asynchronously (§1.5).
      return known?.refusal === true ? { status: 'rejected', reason: known.reason } : { status: 'failed', reason: known?.reason ?? 'provider_error' };
    case 'canceled':
      return { status: 'failed', reason: 'canceled' };
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Creates the adapter of one Twilio connection.
 * - `conn.config`: `{ accountSid, baseUrl?, messagingServiceSid?, timeoutMs? (ms, default 10,000) }`.
 * - `conn.credentials`: `{ authToken, apiKeySid?, apiKeySecret? }`.
 *
 * `send` maps 201 → accepted (`sid`, `num_segments`); 400 with 21610 → rejected `opted_out` (the
 * batch records it in the consent ledger), 21211/21614/21612/21408/21606/21608 → rejected with their
 * reason; other 4xx → rejected `provider_error`; 401/403 → auth_failed; 429/5xx/network → retry.
 *
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createTwilioAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'twilio', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'twilio', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const user = credentials.apiKeySid ?? config.accountSid;
  const password = credentials.apiKeySid === undefined ? credentials.authToken : (credentials.apiKeySecret ?? '');
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const accountUrl = `${baseUrl}/2010-04-01/Accounts/${config.accountSid}`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const form = new URLSearchParams({ To: req.to, Body: req.body, StatusCallback: withQueryParam(req.dlrUrl, TWILIO_MESSAGE_ID_PARAM, req.messageId) });
    if (config.messagingServiceSid !== undefined) form.set('MessagingServiceSid', config.messagingServiceSid);
    else form.set('From', req.from);
    const url = `${accountUrl}/Messages.json`;
    const res = await providerHttpCall({
      url,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs,
      signal,
      nowMs: now(),
    });
    if (res.kind === 'response' && (res.status === 200 || res.status === 201)) {
      const ok = sendResponseSchema.safeParse(res.json);
      if (!ok.success) return { outcome: 'retry', errorText: `unreadable ${res.status} response` };
      const parts = Number(ok.data.num_segments);
      return {
        outcome: 'accepted',
        providerMessageId: ok.data.sid,
        ...(parts > 0 ? { parts } : {}),
        ...(ok.data.status === undefined ? {} : { providerStatus: ok.data.status }),
      };
    }
    const body = res.kind === 'response' ? errorSchema.safeParse(res.json) : undefined;
    const errorCode = body?.success === true && body.data.code !== undefined ? String(body.data.code) : undefined;
    const errorText = body?.success === true ? body.data.message : undefined;
    const common = commonHttpOutcome(res, { errorCode, errorText, url });
    if (common !== undefined) return common;
    return {
      outcome: 'rejected',
      reason: twilioErrorCode(errorCode)?.reason ?? 'provider_error',
      errorText: errorText ?? `HTTP ${res.kind === 'response' ? res.status : ''}`,
      ...(errorCode === undefined ? {} : { errorCode }),
    };
  }

  return {
    provider: 'twilio',
    // Twilio has no idempotency key on message creation: a repeated call is a second message.
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      const params = req.method === 'GET' ? [] : formPairs(req.rawBody);
      return verifyTwilioSignature(credentials.authToken, req.headers[TWILIO_SIGNATURE_HEADER], req.url, params);
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = webhookParams(req);
      const sid = p.MessageSid ?? p.SmsSid;
      const providerStatus = p.MessageStatus ?? p.SmsStatus;
      if (sid === undefined || sid === '') throw new WebhookPayloadError('MessageSid', 'twilio status callback without MessageSid');
      if (providerStatus === undefined || providerStatus === '') throw new WebhookPayloadError('MessageStatus', 'twilio status callback without MessageStatus');
      const errorCode = p.ErrorCode === '' ? undefined : p.ErrorCode;
      const mapped = mapTwilioStatus(providerStatus, errorCode);
      const dlr: NormalizedDlr = {
        providerMessageId: sid,
        status: mapped.status,
        providerStatus,
        // No event time in Twilio callbacks; RawDlrDoneDate is YYMMDDhhmm of an unknown zone (§1.2).
        dedupeKey: `${sid}:${providerStatus}:${errorCode ?? ''}`,
      };
      const ourId = new URL(req.url).searchParams.get(TWILIO_MESSAGE_ID_PARAM);
      if (ourId !== null && ourId !== '') dlr.ourMessageId = ourId;
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (errorCode !== undefined) dlr.providerErrorCode = errorCode;
      if (p.ErrorMessage !== undefined) dlr.providerErrorText = p.ErrorMessage;
      if (p.RawDlrDoneDate !== undefined && p.RawDlrDoneDate !== '') dlr.providerTimestampRaw = p.RawDlrDoneDate;
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = webhookParams(req);
      const sid = p.MessageSid ?? p.SmsMessageSid ?? p.SmsSid;
      if (sid === undefined || sid === '') throw new WebhookPayloadError('MessageSid', 'twilio inbound message without MessageSid');
      if (p.From === undefined || p.To === undefined) throw new WebhookPayloadError(p.From === undefined ? 'From' : 'To', 'twilio inbound message without From/To');
      return [{ providerMessageId: sid, from: p.From, to: p.To, body: p.Body ?? '', dedupeKey: sid }];
    },

    testConnection() {
      return probeAccountEndpoint(`${accountUrl}.json`, { authorization }, timeoutMs);
    },
  };
}
