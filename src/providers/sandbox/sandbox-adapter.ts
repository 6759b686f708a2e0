/**
 * The {@link ProviderAdapter} of the sandbox provider (wire format: `sandbox-server.ts`). It is the
 * template for real adapters: same factory shape, same mapping decisions (providers.md §9.2), same
 * test file shape.
 *
 * @module
 */
import { z } from 'zod';
import type { DeliveryStatus, FailureReason } from '../../domain/message-status.js';
import { ProviderConfigError, WebhookPayloadError } from '../provider-adapter.js';
import type {
  NormalizedDlr,
  NormalizedMo,
  ProviderAdapter,
  ProviderConnectionConfig,
  SendRequest,
  SendResult,
  WebhookRequest,
} from '../provider-adapter.js';
import { SANDBOX_ERROR_CODES } from './sandbox-error-codes.js';
import { SANDBOX_SIGNATURE_HEADER, verifySandboxSignature } from './sandbox-signature.js';

const configSchema = z.object({
  /** Base URL of the sandbox API, e.g. `http://127.0.0.1:43121`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Per-request timeout in ms; default 10,000. */
  timeoutMs: z.number().int().positive().optional(),
});

const credentialsSchema = z.object({ apiKey: z.string().min(1), webhookSecret: z.string().min(1) });

const dlrSchema = z.object({
  id: z.string().min(1),
  client_ref: z.string().min(1).optional(),
  status: z.enum(['sent', 'delivered', 'undelivered', 'failed', 'expired']),
  error_code: z.union([z.number().int(), z.string().min(1)]).optional(),
  error_text: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }),
  seq: z.number().int().min(0),
  part: z.object({ index: z.number().int().min(1), total: z.number().int().min(1) }).optional(),
});

const moSchema = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  received_at: z.iso.datetime({ offset: true }).optional(),
  concat: z
    .object({ ref: z.string().min(1), index: z.number().int().min(1), total: z.number().int().min(1) })
    .optional(),
});

const sendResponseSchema = z.object({
  id: z.string().min(1),
  status: z.string().optional(),
  parts: z.number().int().min(1).optional(),
});

const errorResponseSchema = z.object({ code: z.number().int().optional(), message: z.string().optional() });

/** Dependencies of the adapter; all optional. */
export interface SandboxAdapterDeps {
  /** Clock in unix ms, for webhook timestamp freshness; default `Date.now`. */
  now?: () => number;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, provider: string, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const field = result.error.issues[0]?.path.join('.') ?? '';
  throw new ProviderConfigError(
    provider,
    `${prefix}.${field}`,
    `sandbox connection: invalid ${prefix}.${field}`,
  );
}

function parsePayload<T>(schema: z.ZodType<T>, rawBody: string): T {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError('body', 'sandbox webhook body is not JSON');
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new WebhookPayloadError(field, `sandbox webhook field ${field}: ${issue?.message ?? 'invalid'}`);
}

/** `Retry-After` (delta seconds or HTTP date) in ms, or undefined when absent or unreadable. */
function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Maps a sandbox DLR status and error code to ours (providers.md §9.2, Twilio-like row). */
function mapDlrStatus(
  status: z.infer<typeof dlrSchema>['status'],
  code: number | undefined,
): { status: DeliveryStatus; reason?: FailureReason } {
  const known = code === undefined ? undefined : SANDBOX_ERROR_CODES.get(code);
  switch (status) {
    case 'sent':
      return { status: 'sent' };
    case 'delivered':
      return { status: 'delivered' };
    case 'undelivered':
      return { status: 'undelivered', reason: known?.reason ?? 'unknown' };
    case 'failed':
      // Refused before reaching a carrier (e.g. 21610 opted out) is `rejected`, not `failed` (§9.2).
      return known?.refusal === true
        ? { status: 'rejected', reason: known.reason }
        : { status: 'failed', reason: known?.reason ?? 'provider_error' };
    case 'expired':
      return { status: 'expired', reason: 'expired' };
  }
}

/**
 * Creates the adapter of one sandbox connection.
 * - `conn.config`: `{ baseUrl: string (http/https URL), timeoutMs?: number (ms, default 10,000) }`.
 * - `conn.credentials`: `{ apiKey, webhookSecret }`.
 *
 * `send` maps: 200/201 → accepted; 400 → rejected, reason from the code (21610 opted_out, 21211
 * invalid_number, 21612 carrier_rejected, 21614 not_sms_capable, others provider_error); 409
 * (client_ref reused with other content) and other 4xx → rejected provider_error; 401/403, and
 * 404/405 (wrong baseUrl) → auth_failed; 429, 5xx, timeout, network error or an unreadable 2xx →
 * retry (with `Retry-After` in ms). Webhooks older or newer than 5 minutes are refused.
 *
 * @throws {ProviderConfigError} when config or credentials are missing or malformed.
 */
export function createSandboxAdapter(
  conn: ProviderConnectionConfig,
  deps: SandboxAdapterDeps = {},
): ProviderAdapter {
  const config = parseOrThrow(configSchema, conn.config, conn.provider, 'config');
  const credentials = parseOrThrow(credentialsSchema, conn.credentials, conn.provider, 'credentials');
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const authorization = `Bearer ${credentials.apiKey}`;

  async function send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetch(`${baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          from: req.from,
          to: req.to,
          body: req.body,
          client_ref: req.messageId,
          status_callback: req.dlrUrl,
          inbound_callback: req.moUrl,
        }),
        signal: combined,
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason;
      // Safe to retry: the sandbox is idempotent on client_ref (= our message id).
      const errorText = timeout.aborted ? `timed out after ${timeoutMs} ms` : `network error: ${String(err)}`;
      return { outcome: 'retry', errorText };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status === 200 || status === 201) {
      const ok = sendResponseSchema.safeParse(json);
      // Accepted but unreadable: sending again with the same client_ref returns the original answer.
      if (!ok.success) return { outcome: 'retry', errorText: `unreadable ${status} response` };
      return {
        outcome: 'accepted',
        providerMessageId: ok.data.id,
        ...(ok.data.parts === undefined ? {} : { parts: ok.data.parts }),
        ...(ok.data.status === undefined ? {} : { providerStatus: ok.data.status }),
      };
    }
    const parsedError = errorResponseSchema.safeParse(json);
    const body = parsedError.success ? parsedError.data : {};
    const errorCode = body.code === undefined ? undefined : String(body.code);
    const errorText = body.message ?? `HTTP ${status}`;
    if (status === 401 || status === 403) return { outcome: 'auth_failed', errorText };
    // No such endpoint: the connection's baseUrl is wrong. A connection-health problem like bad
    // credentials; failing every message of a campaign for it would be wrong.
    if (status === 404 || status === 405) {
      return {
        outcome: 'auth_failed',
        errorText: `HTTP ${status} from ${baseUrl}/v1/messages: check config.baseUrl`,
      };
    }
    if (status === 429 || status >= 500) {
      const after = retryAfterMs(retryAfter, now());
      return {
        outcome: 'retry',
        errorText,
        ...(after === undefined ? {} : { retryAfterMs: after }),
        ...(errorCode === undefined ? {} : { errorCode }),
      };
    }
    const reason =
      (body.code === undefined ? undefined : SANDBOX_ERROR_CODES.get(body.code)?.reason) ?? 'provider_error';
    return { outcome: 'rejected', reason, errorText, ...(errorCode === undefined ? {} : { errorCode }) };
  }

  return {
    provider: 'sandbox',
    // The sandbox answers a repeated client_ref with the original result (200), never a second send.
    idempotentClientReference: true,
    send,

    verifyWebhook(req: WebhookRequest): boolean {
      return verifySandboxSignature({
        secret: credentials.webhookSecret,
        header: req.headers[SANDBOX_SIGNATURE_HEADER],
        url: req.url,
        rawBody: req.rawBody,
        nowMs: now(),
      });
    },

    parseDlr(req: WebhookRequest): NormalizedDlr[] {
      const p = parsePayload(dlrSchema, req.rawBody);
      const code = typeof p.error_code === 'string' ? Number(p.error_code) : p.error_code;
      const mapped = mapDlrStatus(p.status, Number.isInteger(code) ? code : undefined);
      const dlr: NormalizedDlr = {
        providerMessageId: p.id,
        status: mapped.status,
        providerStatus: p.status,
        eventAt: new Date(p.timestamp).toISOString(),
        providerTimestampRaw: p.timestamp,
        dedupeKey: `${p.id}:${p.status}:${p.seq}`,
      };
      if (p.client_ref !== undefined) dlr.ourMessageId = p.client_ref;
      if (mapped.reason !== undefined) dlr.reason = mapped.reason;
      if (p.part !== undefined) dlr.part = { index: p.part.index, total: p.part.total };
      if (p.error_code !== undefined) dlr.providerErrorCode = String(p.error_code);
      if (p.error_text !== undefined) dlr.providerErrorText = p.error_text;
      return [dlr];
    },

    parseMo(req: WebhookRequest): NormalizedMo[] {
      const p = parsePayload(moSchema, req.rawBody);
      const mo: NormalizedMo = {
        providerMessageId: p.id,
        from: p.from,
        to: p.to,
        body: p.body,
        dedupeKey: p.id,
      };
      if (p.received_at !== undefined) mo.receivedAt = new Date(p.received_at).toISOString();
      if (p.concat !== undefined)
        mo.concat = { ref: p.concat.ref, index: p.concat.index, total: p.concat.total };
      return [mo];
    },

    async testConnection(): Promise<{ ok: true } | { ok: false; reason: string }> {
      try {
        const res = await fetch(`${baseUrl}/v1/account`, {
          headers: { authorization },
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) return { ok: true };
        if (res.status === 401 || res.status === 403) return { ok: false, reason: 'credentials refused' };
        return { ok: false, reason: `unexpected HTTP ${res.status}` };
      } catch (err) {
        return {
          ok: false,
          reason: `cannot reach ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },
  };
}
