/**
 * The {@link ProviderAdapter} of a provider described by data (generic-http-config.ts): for the many
 * regional aggregators with a plain HTTP API and no adapter of their own.
 *
 * - Send: the configured method/URL/body template, auth none/basic/bearer; the provider id read at
 *   `send.providerIdPath` of the JSON response. Our message id is `{{messageId}}` for templates and is
 *   always in `{{dlrUrl}}`'s query (`smsflow_mid`), signed when `webhookAuth` covers `url+body`.
 * - DLR/MO: JSON (optionally batched at `dlr.itemsPath`), form or GET query, fields found at the
 *   configured paths, statuses through `dlr.statusMap`.
 * - Webhooks: none, Basic credentials, or an HMAC-SHA256 header over the raw body (or URL + body).
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import type { DeliveryStatus } from '../../domain/message-status.js';
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
import { parseJson, webhookParams, withQueryParam } from '../http/webhook-params.js';
import { timingSafeEqual } from '../timing-safe-equal.js';
import { genericHttpConfigSchema, genericHttpCredentialsSchema } from './generic-http-config.js';
import { renderJson, renderString, stringAt, valueAt } from './generic-http-template.js';

/** Query parameter of our DLR URL that carries our message id. */
export const GENERIC_MESSAGE_ID_PARAM = 'smsflow_mid';

const requireCredential = (credentials: Record<string, string>, name: string, why: string): string => {
  const value = credentials[name];
  if (value === undefined || value === '') throw new ProviderConfigError('generic-http', `credentials.${name}`, `generic-http connection: credentials.${name} is required ${why}`);
  return value;
};

/** A JSON body as an object, or the form/query parameters. @throws {WebhookPayloadError} */
function payloadOf(req: WebhookRequest): unknown {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'GET' && (type.includes('json') || /^\s*[[{]/.test(req.rawBody))) return parseJson(req.rawBody);
  return webhookParams(req);
}

/** An ISO 8601 date-time that names its zone, as UTC (a generic provider's other formats are kept raw). */
const zoned = (ts: string | undefined): string | undefined => (ts !== undefined && /^\d{4}-\d\d-\d\dT/.test(ts) ? zonedIsoTimestamp(ts) : undefined);

/**
 * Creates the adapter of one generic HTTP connection. `conn.config` follows
 * {@link genericHttpConfigSchema}; `conn.credentials` holds what the chosen auth needs (`username` +
 * `password` for basic, `token` for bearer, `webhookSecret` for HMAC webhooks, `webhookUsername` +
 * `webhookPassword` for Basic webhooks).
 *
 * `send` maps a 2xx with an id at `providerIdPath` → accepted; 401/403 → auth_failed; 429/5xx/network
 * → retry; other statuses → rejected with the reason of the code at `errorCodePath` (default
 * `provider_error`).
 * @throws {ProviderConfigError} naming the first invalid config field or missing credential.
 */
export function createGenericHttpAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(genericHttpConfigSchema, conn.config, 'generic-http', 'config');
  const credentials = parseConnectionPart(genericHttpCredentialsSchema, conn.credentials, 'generic-http', 'credentials');
  const now = deps.now ?? Date.now;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const authHeaders: Record<string, string> = {};
  if (config.send.auth === 'basic') {
    const user = requireCredential(credentials, 'username', 'for basic auth');
    const pass = requireCredential(credentials, 'password', 'for basic auth');
    authHeaders.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else if (config.send.auth === 'bearer') {
    authHeaders.authorization = `Bearer ${requireCredential(credentials, 'token', 'for bearer auth')}`;
  }
  const hook = config.webhookAuth;
  const webhookSecret = hook.type === 'hmac-sha256' ? requireCredential(credentials, 'webhookSecret', 'for HMAC webhooks') : undefined;
  const webhookBasic =
    hook.type === 'basic'
      ? `Basic ${Buffer.from(`${requireCredential(credentials, 'webhookUsername', 'for Basic webhooks')}:${requireCredential(credentials, 'webhookPassword', 'for Basic webhooks')}`).toString('base64')}`
      : undefined;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const values = { messageId: req.messageId, from: req.from, to: req.to, toDigits: req.to.replace(/^\+/, ''), body: req.body, dlrUrl: withQueryParam(req.dlrUrl, GENERIC_MESSAGE_ID_PARAM, req.messageId), moUrl: req.moUrl ?? '' };
    const url = renderString(config.send.url, values, encodeURIComponent);
    const headers: Record<string, string> = { ...config.send.headers, ...authHeaders };
    let body: string | undefined;
    if (config.send.bodyFormat === 'json' && config.send.method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(renderJson(config.send.bodyTemplate ?? {}, values));
    } else if (config.send.bodyFormat === 'form' && config.send.method !== 'GET') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const form = (config.send.bodyTemplate ?? {}) as Record<string, unknown>;
      body = new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, renderString(String(v), values)])).toString();
    }
    const res = await providerHttpCall({ url, method: config.send.method, headers, ...(body === undefined ? {} : { body }), timeoutMs, signal, nowMs: now() });
    if (res.kind === 'response' && res.status >= 200 && res.status < 300) {
      const id = stringAt(res.json, config.send.providerIdPath);
      if (id === undefined || id === '') return { outcome: 'retry', errorText: `no provider id at ${config.send.providerIdPath} in the ${res.status} response` };
      return { outcome: 'accepted', providerMessageId: id };
    }
    const errorCode = res.kind === 'response' ? stringAt(res.json, config.send.errorCodePath) : undefined;
    const common = commonHttpOutcome(res, { errorCode, url });
    if (common !== undefined) return common;
    const reason = (errorCode === undefined ? undefined : config.send.errorReasons[errorCode]) ?? 'provider_error';
    return { outcome: 'rejected', reason, errorText: res.kind === 'response' ? `HTTP ${res.status}` : 'refused', ...(errorCode === undefined ? {} : { errorCode }) };
  }

  return {
    provider: 'generic-http',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      if (webhookBasic !== undefined) return timingSafeEqual(req.headers.authorization ?? '', webhookBasic);
      if (webhookSecret !== undefined && hook.type === 'hmac-sha256') {
        const signed = hook.covers === 'url+body' ? req.url + req.rawBody : req.rawBody;
        const expected = createHmac('sha256', webhookSecret).update(signed, 'utf8').digest(hook.encoding);
        return timingSafeEqual(req.headers[hook.header.toLowerCase()] ?? '', expected);
      }
      return true;
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const payload = payloadOf(req);
      const items = config.dlr.itemsPath === undefined ? [payload] : valueAt(payload, config.dlr.itemsPath);
      if (!Array.isArray(items)) throw new WebhookPayloadError(config.dlr.itemsPath ?? 'body', 'generic-http DLR: no receipt array at dlr.itemsPath');
      const urlId = new URL(req.url).searchParams.get(GENERIC_MESSAGE_ID_PARAM);
      return items.map((item) => {
        const id = stringAt(item, config.dlr.providerMessageId);
        const providerStatus = stringAt(item, config.dlr.status);
        if (id === undefined || id === '') throw new WebhookPayloadError(config.dlr.providerMessageId, 'generic-http DLR without a provider message id');
        if (providerStatus === undefined) throw new WebhookPayloadError(config.dlr.status, 'generic-http DLR without a status');
        const status: DeliveryStatus = config.dlr.statusMap[providerStatus] ?? 'unknown';
        const errorCode = stringAt(item, config.dlr.errorCode);
        const ts = stringAt(item, config.dlr.timestamp);
        const dlr: NormalizedDlr = { providerMessageId: id, status, providerStatus, dedupeKey: `${id}:${providerStatus}:${errorCode ?? ''}:${ts ?? ''}` };
        const ours = stringAt(item, config.dlr.ourMessageId) ?? urlId ?? undefined;
        if (ours !== undefined && ours !== '') dlr.ourMessageId = ours;
        if (!['queued', 'sent', 'delivered'].includes(status)) {
          dlr.reason = (errorCode === undefined ? undefined : config.dlr.errorReasons[errorCode]) ?? (status === 'expired' ? 'expired' : 'unknown');
        }
        if (errorCode !== undefined && errorCode !== '') dlr.providerErrorCode = errorCode;
        if (ts !== undefined) dlr.providerTimestampRaw = ts;
        const at = zoned(ts);
        if (at !== undefined) dlr.eventAt = at;
        return dlr;
      });
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const fields = config.mo;
      if (fields === undefined) throw new WebhookPayloadError('body', 'generic-http connection has no mo field mapping');
      const p = payloadOf(req);
      const id = stringAt(p, fields.providerMessageId);
      const from = stringAt(p, fields.from);
      const to = stringAt(p, fields.to);
      if (id === undefined || from === undefined || to === undefined) throw new WebhookPayloadError(id === undefined ? fields.providerMessageId : from === undefined ? fields.from : fields.to, 'generic-http MO field missing');
      const mo: NormalizedMo = { providerMessageId: id, from: from.startsWith('+') ? from : `+${from}`, to, body: stringAt(p, fields.body) ?? '', dedupeKey: id };
      const at = zoned(stringAt(p, fields.timestamp));
      if (at !== undefined) mo.receivedAt = at;
      return [mo];
    },

    async testConnection() {
      if (config.accountUrl === undefined) return { ok: false, reason: 'config.accountUrl is not set: nothing to test against' };
      return probeAccountEndpoint(config.accountUrl, { ...config.send.headers, ...authHeaders }, timeoutMs);
    },
  };
}
