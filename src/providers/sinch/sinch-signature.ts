/**
 * Sinch SMS callback HMAC (providers.md §4.4; provisioned per service plan since 2025-02-13):
 * headers `x-sinch-webhook-signature` = Base64(HMAC(secret, rawBody + '.' + nonce + '.' + timestamp)),
 * `x-sinch-webhook-signature-timestamp` (unix seconds), `x-sinch-webhook-signature-nonce`,
 * `x-sinch-webhook-signature-algorithm` (`HmacSHA256`). Covers the body, not the URL. Stale
 * timestamps (±300 s) are refused.
 *
 * Source: https://developers.sinch.com/docs/sms/api-reference/sms/tag/Webhooks/; sinch-sdk-node
 * `packages/sdk-client/src/utils/authorization.helper.ts` (which ignores the algorithm header and
 * compares with `===`; we honour the header and compare in constant time).
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';
import { isFreshTimestamp } from '../http/webhook-params.js';

const ALGORITHMS: Readonly<Record<string, string>> = { hmacsha256: 'sha256', hmacsha512: 'sha512' };

/** @returns the Base64 signature; `algorithm` as in the header (`HmacSHA256`). */
export function computeSinchSignature(secret: string, rawBody: string, nonce: string, timestamp: string, algorithm = 'HmacSHA256'): string {
  const hash = ALGORITHMS[algorithm.toLowerCase()] ?? 'sha256';
  return createHmac(hash, secret).update(`${rawBody}.${nonce}.${timestamp}`, 'utf8').digest('base64');
}

/** Whether the headers carry a valid, fresh signature of `rawBody`. Never throws. */
export function verifySinchSignature(secret: string, headers: Record<string, string>, rawBody: string, nowMs: number, toleranceS = 300): boolean {
  const signature = headers['x-sinch-webhook-signature'];
  const timestamp = headers['x-sinch-webhook-signature-timestamp'];
  const nonce = headers['x-sinch-webhook-signature-nonce'];
  const algorithm = headers['x-sinch-webhook-signature-algorithm'] ?? 'HmacSHA256';
  if (signature === undefined || timestamp === undefined || nonce === undefined) return false;
  if (ALGORITHMS[algorithm.toLowerCase()] === undefined) return false;
  if (!/^\d+$/.test(timestamp) || !isFreshTimestamp(Number(timestamp), nowMs, toleranceS)) return false;
  return timingSafeEqual(signature, computeSinchSignature(secret, rawBody, nonce, timestamp, algorithm));
}
