/**
 * The {@link ProviderAdapter} of Infobip SMS (providers.md §6).
 *
 * - Send: `POST {baseUrl}/sms/2/text/advanced`, `Authorization: App <apiKey>`; we supply
 *   `destinations[].messageId` = our message id (so Infobip's id is ours) and `callbackData` too. The
 *   200 response's per-destination `status` may already be a rejection.
 * - DLR: JSON `{ results: [...] }` batched (up to 100 per call): `messageId`, `status{groupId,id,name}`,
 *   `error{id,name,permanent}`, `doneAt` (`+0000` offset, parsed strictly).
 * - MO: JSON `{ results: [...] }`: `messageId`, `from`, `to`, `text`, `receivedAt`.
 * - Webhooks: Infobip signs nothing. Protection is the unguessable connection id in our webhook URL
 *   plus, when `credentials.webhookPassword` is set, HTTP Basic credentials that Infobip's
 *   Subscriptions "security settings" send with every call (refused with 401 when they do not match).
 *
 * @module
 */
import { z } from 'zod';
import type {
  NormalizedDlr,
  NormalizedMo,
  ProviderAdapter,
  ProviderConnectionConfig,
  SendRequest,
  SendResult,
  WebhookRequest,
} from '../provider-adapter.js';
import { parseConnectionPart } from '../http/connection-part.js';
import { commonHttpOutcome, probeAccountEndpoint, providerHttpCall } from '../http/provider-http-call.js';
import { parseJson, validatePayload } from '../http/webhook-params.js';
import { timingSafeEqual } from '../timing-safe-equal.js';
import { INFOBIP_ACCOUNT_REJECTIONS, infobipRejectedReason, mapInfobipStatus } from './infobip-status.js';

const configSchema = z.object({
  /** The account's own base URL, `https://{xxxxx}.api.infobip.com`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().optional(),
});
const credentialsSchema = z.object({
  apiKey: z.string().min(1),
  /** Basic credentials Infobip sends on webhooks (Subscriptions security settings); both or neither. */
  webhookUsername: z.string().min(1).optional(),
  webhookPassword: z.string().min(1).optional(),
}).refine((c) => (c.webhookUsername === undefined) === (c.webhookPassword === undefined), { path: ['webhookPassword'], message: 'webhookUsername and webhookPassword go together' });

const statusSchema = z.object({ groupId: z.number().int(), id: z.number().int(), name: z.string().optional(), description: z.string().optional() });
const sendResponseSchema = z.object({ messages: z.array(z.object({ messageId: z.string().min(1), status: statusSchema })).min(1) });
const errorSchema = z.object({ requestError: z.object({ serviceException: z.object({ messageId: z.string().optional(), text: z.string().optional() }) }) });
const reportSchema = z.object({
  results: z.array(
    z.object({
      messageId: z.string().min(1),
      to: z.string().optional(),
      doneAt: z.string().optional(),
      callbackData: z.string().optional(),
      status: statusSchema,
      error: z.object({ id: z.number().int(), name: z.string().optional(), description: z.string().optional(), permanent: z.boolean().optional() }).optional(),
    }),
  ),
});
const moSchema = z.object({ results: z.array(z.object({ messageId: z.string().min(1), from: z.string().min(1), to: z.string().min(1), text: z.string().optional(), receivedAt: z.string().optional() })) });

/** `2025-01-15T14:32:09.000+0000` (offset without colon) → ISO UTC; undefined for anything else. */
export function parseInfobipTimestamp(ts: string | undefined): string | undefined {
  const m = ts === undefined ? null : /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?)([+-]\d\d):?(\d\d)$/.exec(ts);
  if (m === null) return undefined;
  const at = Date.parse(`${m[1]}${m[2]}:${m[3]}`);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/**
 * Creates the adapter of one Infobip connection.
 * - `conn.config`: `{ baseUrl, timeoutMs? }`; `conn.credentials`: `{ apiKey, webhookUsername?, webhookPassword? }`.
 *
 * `send` maps 200 with a non-REJECTED status → accepted (our id); REJECTED → rejected with its reason
 * (10 DND / 14 blocklisted → opted_out), except 12/17 (no credit) → auth_failed (pause the connection);
 * 400 → rejected provider_error; 401/403 → auth_failed; 429/5xx/network → retry.
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createInfobipAdapter(conn: ProviderConnectionConfig, deps: { now?: () => number } = {}): ProviderAdapter {
  const config = parseConnectionPart(configSchema, conn.config, 'infobip', 'config');
  const credentials = parseConnectionPart(credentialsSchema, conn.credentials, 'infobip', 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `App ${credentials.apiKey}`;
  const expectedWebhookAuth =
    credentials.webhookPassword === undefined ? undefined : `Basic ${Buffer.from(`${credentials.webhookUsername ?? ''}:${credentials.webhookPassword}`).toString('base64')}`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const url = `${baseUrl}/sms/2/text/advanced`;
    const res = await providerHttpCall({
      url,
      headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        messages: [{ from: req.from, destinations: [{ to: req.to.replace(/^\+/, ''), messageId: req.messageId }], text: req.body, notifyUrl: req.dlrUrl, notifyContentType: 'application/json', callbackData: req.messageId }],
      }),
      timeoutMs,
      signal,
      nowMs: now(),
    });
    if (res.kind === 'response' && res.status === 200) {
      const ok = sendResponseSchema.safeParse(res.json);
      if (!ok.success) return { outcome: 'retry', errorText: 'unreadable 200 response' };
      const m = ok.data.messages[0]!;
      if (m.status.groupId === 5) {
        const errorText = m.status.description ?? m.status.name ?? 'rejected';
        if (INFOBIP_ACCOUNT_REJECTIONS.has(m.status.id)) return { outcome: 'auth_failed', errorText: `infobip ${m.status.name ?? m.status.id}: ${errorText}` };
        return { outcome: 'rejected', reason: infobipRejectedReason(m.status.id), errorCode: String(m.status.id), errorText };
      }
      return { outcome: 'accepted', providerMessageId: m.messageId, ...(m.status.name === undefined ? {} : { providerStatus: m.status.name }) };
    }
    const body = res.kind === 'response' ? errorSchema.safeParse(res.json) : undefined;
    const errorCode = body?.success === true ? body.data.requestError.serviceException.messageId : undefined;
    const errorText = body?.success === true ? body.data.requestError.serviceException.text : undefined;
    const common = commonHttpOutcome(res, { errorCode, errorText, url });
    if (common !== undefined) return common;
    return { outcome: 'rejected', reason: 'provider_error', errorText: errorText ?? 'refused', ...(errorCode === undefined ? {} : { errorCode }) };
  }

  return {
    provider: 'infobip',
    idempotentClientReference: false,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      // Nothing to verify without configured credentials: the unguessable connection id is the secret.
      if (expectedWebhookAuth === undefined) return true;
      return timingSafeEqual(req.headers.authorization ?? '', expectedWebhookAuth);
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = validatePayload(reportSchema, parseJson(req.rawBody), 'infobip');
      return p.results.map((r) => {
        const mapped = mapInfobipStatus(r.status.groupId, r.status.id);
        const dlr: NormalizedDlr = {
          providerMessageId: r.messageId,
          ourMessageId: r.callbackData ?? r.messageId,
          status: mapped.status,
          providerStatus: r.status.name ?? String(r.status.id),
          dedupeKey: `${r.messageId}:${r.status.id}:${r.doneAt ?? ''}`,
        };
        if (mapped.reason !== undefined) dlr.reason = mapped.reason;
        if (r.error !== undefined && r.error.id !== 0) {
          dlr.providerErrorCode = String(r.error.id);
          if (r.error.name !== undefined) dlr.providerErrorText = r.error.name;
        }
        if (r.doneAt !== undefined) dlr.providerTimestampRaw = r.doneAt;
        const at = parseInfobipTimestamp(r.doneAt);
        if (at !== undefined) dlr.eventAt = at;
        return dlr;
      });
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = validatePayload(moSchema, parseJson(req.rawBody), 'infobip');
      return p.results.map((r) => {
        const mo: NormalizedMo = { providerMessageId: r.messageId, from: r.from.startsWith('+') ? r.from : `+${r.from}`, to: r.to, body: r.text ?? '', dedupeKey: r.messageId };
        const at = parseInfobipTimestamp(r.receivedAt);
        if (at !== undefined) mo.receivedAt = at;
        return mo;
      });
    },

    testConnection() {
      return probeAccountEndpoint(`${baseUrl}/account/1/balance`, { authorization }, timeoutMs);
    },
  };
}
