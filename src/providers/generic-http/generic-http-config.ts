/**
 * The configuration of a generic HTTP provider: everything an adapter hard-codes, as data, validated
 * with zod when the connection is created (a bad field is a 422 naming it).
 *
 * Templates: string values may contain `{{messageId}}`, `{{from}}`, `{{to}}` (E.164), `{{toDigits}}`
 * (E.164 without `+`), `{{body}}`, `{{dlrUrl}}` (our DLR URL with our message id in its query) and
 * `{{moUrl}}`. A JSON string that is exactly one placeholder is replaced by the value; otherwise the
 * placeholders are substituted inside the string. In `send.url` values are URL-encoded.
 *
 * Paths: dotted (`results.0.status.id`) into the JSON body; for form or query callbacks, the parameter
 * name.
 *
 * @module
 */
import { z } from 'zod';

const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'expired', 'rejected', 'unknown'] as const;
const FAILURE_REASONS = [
  'opted_out', 'invalid_number', 'not_sms_capable', 'unreachable', 'blocked_spam', 'carrier_rejected',
  'sender_not_allowed', 'insufficient_funds', 'rate_limited', 'expired', 'canceled', 'provider_error', 'unknown',
] as const;

const path = z.string().min(1).max(200).regex(/^[\w$-]+(\.[\w$-]+)*$/, 'a dotted path such as data.id');
const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

/** The zod schema of `provider_connections.config` for provider `generic-http`. */
export const genericHttpConfigSchema = z.strictObject({
  send: z.strictObject({
    method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
    url: z.string().regex(/^https?:\/\//, 'an http(s) URL'),
    bodyFormat: z.enum(['json', 'form', 'none']).default('json'),
    /** JSON body (any JSON value) for `json`; name → template for `form`. */
    bodyTemplate: jsonValue.optional(),
    /** Static extra headers (no secrets: those go in credentials). */
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
    auth: z.enum(['none', 'basic', 'bearer']).default('none'),
    /** Where the provider's message id is in the JSON response. */
    providerIdPath: path,
    /** Where an error code is in an error response, looked up in `errorReasons`. */
    errorCodePath: path.optional(),
    /** The provider's send error code → reason; a code mapped to `opted_out` reaches the consent ledger. */
    errorReasons: z.record(z.string(), z.enum(FAILURE_REASONS)).default({}),
  }),
  dlr: z.strictObject({
    /** Path of an array of receipts in a JSON body (batched callbacks); absent = one receipt per call. */
    itemsPath: path.optional(),
    providerMessageId: path,
    status: path,
    /** Where the provider echoes our message id; absent = read from our DLR URL's query. */
    ourMessageId: path.optional(),
    errorCode: path.optional(),
    /** A zoned ISO 8601 timestamp; a zone-less one is kept raw only. */
    timestamp: path.optional(),
    /** Provider status value → ours. A value not listed maps to `unknown`. */
    statusMap: z.record(z.string(), z.enum(DELIVERY_STATUSES)).refine((m) => Object.keys(m).length > 0, 'at least one status'),
    /** Provider error code → reason for negative receipts. */
    errorReasons: z.record(z.string(), z.enum(FAILURE_REASONS)).default({}),
  }),
  mo: z
    .strictObject({ providerMessageId: path, from: path, to: path, body: path, timestamp: path.optional() })
    .optional(),
  /** How the provider authenticates its callbacks to us. */
  webhookAuth: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('basic') }),
      z.strictObject({
        type: z.literal('hmac-sha256'),
        header: z.string().regex(/^[A-Za-z0-9-]+$/),
        encoding: z.enum(['hex', 'base64']).default('hex'),
        /** `body`: HMAC(raw body); `url+body`: HMAC(public URL + raw body) (covers our id in the query). */
        covers: z.enum(['body', 'url+body']).default('url+body'),
      }),
    ])
    .default({ type: 'none' }),
  /** An authenticated account/balance endpoint for `testConnection`. */
  accountUrl: z.string().regex(/^https?:\/\//).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/** A validated generic HTTP provider configuration. */
export type GenericHttpConfig = z.infer<typeof genericHttpConfigSchema>;

/** Credentials: `username`/`password` (send basic), `token` (bearer), `webhookSecret` / `webhookUsername` + `webhookPassword`. */
export const genericHttpCredentialsSchema = z.record(z.string(), z.string());
