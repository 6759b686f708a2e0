/**
 * The contract every SMS provider adapter implements (Twilio, Vonage, ..., the sandbox), so that the
 * send activity and the webhook routes never branch on the provider.
 *
 * Rules every adapter follows (providers.md, intro and §9):
 * - A successful send means "accepted for processing", never "delivered".
 * - `send` never throws for an HTTP or network outcome: it returns a {@link SendResult}. It throws only
 *   when the caller's `signal` aborted the call (the outcome is then unknown to the caller).
 * - Webhooks are verified on the exact raw body and the public URL taken from config, never from `Host`
 *   (§9.6); parsing happens only after verification.
 * - Parsed events carry a `dedupeKey` derived from the provider's own ids (§9.3), unique per connection
 *   and kind, because providers retry and duplicate callbacks.
 *
 * @module
 */
import type { DeliveryStatus, FailureReason } from '../domain/message-status.js';

/** One outbound message handed to a provider. */
export interface SendRequest {
  /** Our message uuid; sent as the provider's client reference where it has one (providers.md §9.5). */
  messageId: string;
  /** Sender address: E.164 long code, short code or alphanumeric ID. */
  from: string;
  /** Recipient in E.164 (`+` and up to 15 digits). */
  to: string;
  /** Message text, already rendered. Segmenting is the provider's job. */
  body: string;
  /** Absolute public URL the provider must POST delivery receipts to. */
  dlrUrl: string;
  /** Absolute public URL for inbound replies, for providers that take it per message. */
  moUrl?: string;
  /**
   * India DLT (TRAI TCCCPR): the Principal Entity ID and the content template ID the body was checked
   * against, for adapters that accept them (e.g. AWS `IN_ENTITY_ID`/`IN_TEMPLATE_ID`, Twilio
   * `DltTemplateId`; compliance.md c4). Absent for messages outside DLT.
   */
  dlt?: { entityId: string; templateId: string };
}

/**
 * What a provider said about one send. Exactly one of:
 * - `accepted`: the provider took the message; delivery receipts will follow. `parts` is the provider's
 *   segment count when it reports one.
 * - `rejected`: a final refusal of this message (opted out, invalid number, ...). Do not retry.
 * - `retry`: rate limited (429), provider error (5xx), timeout or network error. Nothing is final; send
 *   again later with the same `messageId` (adapters send it as the idempotency/client reference).
 *   `retryAfterMs` is in milliseconds, from the provider's `Retry-After` when given.
 * - `auth_failed`: credentials refused. A connection-health event (pause the connection), not a message
 *   outcome (providers.md §9.2, "Send-time auth failures").
 */
export type SendResult =
  | { outcome: 'accepted'; providerMessageId: string; parts?: number; providerStatus?: string }
  | { outcome: 'rejected'; reason: FailureReason; errorCode?: string; errorText?: string }
  | { outcome: 'retry'; retryAfterMs?: number; errorCode?: string; errorText?: string }
  | { outcome: 'auth_failed'; errorText: string };

/** A webhook call as received, before any parsing. */
export interface WebhookRequest {
  /** The public URL the provider called, rebuilt from config (not from `Host`), including the query. */
  url: string;
  /** HTTP method, upper case. */
  method: string;
  /** Request headers with lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The exact body bytes decoded as UTF-8; signatures cover these bytes. */
  rawBody: string;
}

/** One delivery receipt in our model (providers.md §9.1). */
export interface NormalizedDlr {
  /** The provider's id of the message (the one its send response returned). */
  providerMessageId: string;
  /** Our message uuid, when the provider echoes our client reference. */
  ourMessageId?: string;
  status: DeliveryStatus;
  /** Set for negative outcomes, derived from the provider's error code. */
  reason?: FailureReason;
  /** For per-part receipts of a multi-part message (§9.4): 1-based `index` of `total` parts. */
  part?: { index: number; total: number };
  /** The provider's status value, verbatim. */
  providerStatus: string;
  providerErrorCode?: string;
  providerErrorText?: string;
  /** ISO 8601 UTC; only when the provider gives a zoned timestamp (§9.7). */
  eventAt?: string;
  /** The provider's timestamp verbatim, kept for audit even when it has no zone. */
  providerTimestampRaw?: string;
  /** Unique per (connection, DLR event); the same event delivered twice has the same key (§9.3). */
  dedupeKey: string;
}

/** One inbound (MO) message, or one part of a concatenated one. */
export interface NormalizedMo {
  /** The provider's id of this inbound message (or part). */
  providerMessageId: string;
  /** Sender (the handset), E.164. */
  from: string;
  /** Our number / short code that received it. */
  to: string;
  body: string;
  /** ISO 8601 UTC, when the provider gives a zoned timestamp. */
  receivedAt?: string;
  /** Present when this is one part of a concatenated MO the provider did not reassemble; 1-based index. */
  concat?: { ref: string; index: number; total: number };
  /** Unique per (connection, inbound message part). */
  dedupeKey: string;
}

/** The operations smsflow needs from a provider. One instance per provider connection. */
export interface ProviderAdapter {
  /** Provider name as stored in `provider_connections.provider` (e.g. `'sandbox'`). */
  readonly provider: string;
  /**
   * True when the provider deduplicates sends on our client reference (`SendRequest.messageId`), so a
   * send whose outcome is unknown (timeout, worker killed mid-call) can be repeated without a second
   * copy reaching the handset. False: such a message must not be re-sent blindly.
   */
  readonly idempotentClientReference: boolean;
  /**
   * Submits one message. Never throws for HTTP or network outcomes (see {@link SendResult}).
   * @throws the abort reason when `signal` aborts the call.
   */
  send(req: SendRequest, signal?: AbortSignal): Promise<SendResult>;
  /** True when the request carries a valid, fresh signature for this connection. Never throws. */
  verifyWebhook(req: WebhookRequest): boolean;
  /**
   * Parses a verified delivery-receipt webhook into zero or more receipts.
   * @throws {WebhookPayloadError} when the payload is malformed.
   */
  parseDlr(req: WebhookRequest): NormalizedDlr[];
  /**
   * Parses a verified inbound-message webhook into zero or more messages (or parts).
   * @throws {WebhookPayloadError} when the payload is malformed.
   */
  parseMo(req: WebhookRequest): NormalizedMo[];
  /** Checks that the provider is reachable and accepts the credentials. Never throws; no secrets in `reason`. */
  testConnection(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** A provider connection as loaded from `provider_connections`, credentials already decrypted. */
export interface ProviderConnectionConfig {
  /** Connection id (appears in our webhook URLs). */
  id: string;
  /** Provider name, selects the adapter (see `createProviderAdapter`). */
  provider: string;
  /** Non-secret, provider-specific settings (e.g. `baseUrl`). */
  config: Record<string, unknown>;
  /** Secrets (API keys, webhook secrets). Never log these. */
  credentials: Record<string, string>;
}

/**
 * Thrown by {@link ProviderAdapter.parseDlr} / {@link ProviderAdapter.parseMo} when a webhook payload
 * is not valid JSON/form data or lacks a required field. The API answers it with a 400 problem.
 */
export class WebhookPayloadError extends Error {
  /** Stable error code for problem+json `type` and logs. */
  readonly code = 'webhook_payload_invalid';
  override readonly name = 'WebhookPayloadError';
  /**
   * @param field dotted path of the offending field (e.g. `part.index`), or `'body'` when the whole
   *   payload could not be decoded.
   */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by an adapter factory when a connection's `config` or `credentials` lack a required value
 * or have the wrong type. The message names the field, never its value.
 */
export class ProviderConfigError extends Error {
  /** Stable error code. */
  readonly code = 'provider_config_invalid';
  override readonly name = 'ProviderConfigError';
  /**
   * @param provider provider name of the connection.
   * @param field offending key, prefixed by `config.` or `credentials.`.
   */
  constructor(
    readonly provider: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
