/**
 * Reading provider webhook payloads: form bodies, query strings and JSON, with failures as
 * {@link WebhookPayloadError} (the API answers 400).
 *
 * @module
 */
import type { z } from 'zod';
import { WebhookPayloadError } from '../provider-adapter.js';
import type { WebhookRequest } from '../provider-adapter.js';

/** Every `name=value` pair of a form body or query string, in order, repeated names kept. */
export function formPairs(encoded: string): Array<[string, string]> {
  return [...new URLSearchParams(encoded).entries()];
}

/**
 * The parameters of a webhook whatever its delivery method (providers.md §2.2: GET query string,
 * POST form or POST JSON are all account settings at some providers): JSON object fields (scalars
 * as strings), else form fields, plus the query string's parameters for GET.
 * @throws {WebhookPayloadError} when a JSON body is not an object.
 */
export function webhookParams(req: WebhookRequest): Record<string, string> {
  const out: Record<string, string> = {};
  if (req.method === 'GET' || req.rawBody.trim() === '') {
    for (const [k, v] of formPairs(new URL(req.url).search)) out[k] = v;
    return out;
  }
  const type = req.headers['content-type'] ?? '';
  if (type.includes('json') || req.rawBody.trimStart().startsWith('{')) {
    const json = parseJson(req.rawBody);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new WebhookPayloadError('body', 'webhook JSON body is not an object');
    for (const [k, v] of Object.entries(json)) if (v !== null && typeof v !== 'object') out[k] = String(v);
    return out;
  }
  for (const [k, v] of formPairs(req.rawBody)) out[k] = v;
  return out;
}

/** @throws {WebhookPayloadError} when `raw` is not JSON. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new WebhookPayloadError('body', 'webhook body is not JSON');
  }
}

/**
 * Validates a decoded payload with a zod schema.
 * @param provider used in the error message.
 * @throws {WebhookPayloadError} naming the first offending field.
 */
export function validatePayload<T>(schema: z.ZodType<T>, value: unknown, provider: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new WebhookPayloadError(field, `${provider} webhook field ${field}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Whether a unix timestamp (seconds) is within `toleranceS` of now, either side (replay defence for
 * schemes that sign a timestamp: Telnyx ±300 s per its SDK, Vonage/Sinch: same window by choice).
 */
export function isFreshTimestamp(timestampS: number, nowMs: number, toleranceS = 300): boolean {
  return Number.isFinite(timestampS) && Math.abs(nowMs / 1000 - timestampS) <= toleranceS;
}

/** Appends `name=value` to a URL's query (our message id in a signed callback URL, providers.md §9.5). */
export function withQueryParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
