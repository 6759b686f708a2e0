/**
 * Vonage SMS API signed webhooks and requests (providers.md §2.4): every parameter except `sig`,
 * sorted by name, each appended as `&name=value` with `&` and `=` inside values replaced by `_`; then
 * `md5hash` = MD5(string + signatureSecret), or HMAC-MD5/SHA1/SHA256/SHA512(signatureSecret, string);
 * lower-case hex. `timestamp` (unix seconds) and `nonce` are inside the signed set.
 *
 * Source: https://developer.vonage.com/getting-started/concepts/signing-messages; @vonage/sms
 * `SMS.verifySignature` (which compares with `===` and does not check freshness; we do both).
 *
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';
import { isFreshTimestamp } from '../http/webhook-params.js';

/** Signature methods a Vonage account can be set to (dashboard → settings). */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
/** One of {@link VONAGE_SIGNATURE_METHODS}. */
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/** @returns the lower-case hex `sig` of `params` (any `sig` in them is ignored). */
export function computeVonageSignature(params: Record<string, string>, secret: string, method: VonageSignatureMethod): string {
  const data = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${(params[k] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(data + secret, 'utf8').digest('hex');
  return createHmac(method, secret).update(data, 'utf8').digest('hex');
}

/**
 * Whether `params.sig` is valid and `params.timestamp` within `toleranceS` of now. Constant time;
 * never throws.
 */
export function verifyVonageSignature(params: Record<string, string>, secret: string, method: VonageSignatureMethod, nowMs: number, toleranceS = 300): boolean {
  const sig = params.sig;
  if (sig === undefined || params.timestamp === undefined) return false;
  if (!/^\d+$/.test(params.timestamp) || !isFreshTimestamp(Number(params.timestamp), nowMs, toleranceS)) return false;
  return timingSafeEqual(sig.toLowerCase(), computeVonageSignature(params, secret, method));
}
