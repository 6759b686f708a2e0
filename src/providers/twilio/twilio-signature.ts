/**
 * Twilio's webhook signature (providers.md §1.4): header `X-Twilio-Signature` =
 * Base64(HMAC-SHA1(authToken, fullUrl + for each parameter sorted by name: name + value)). The URL is
 * the one Twilio called, query included, so our message id in the StatusCallback query is covered. For
 * GET only the URL is signed. No timestamp: Twilio offers no replay defence (dedupe on the DLR key).
 *
 * Source: https://www.twilio.com/docs/usage/security#validating-requests; twilio-node
 * `lib/webhooks/webhooks.ts` `getExpectedTwilioSignature` (sorts keys with the default JS sort).
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';

/** Lower-case header name. */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * @param params form parameters of a POST (repeated names: every value); empty for GET.
 * @returns the Base64 digest.
 */
export function computeTwilioSignature(authToken: string, url: string, params: Array<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether `header` is the signature of this URL and these parameters. Constant time; never throws. */
export function verifyTwilioSignature(authToken: string, header: string | undefined, url: string, params: Array<[string, string]>): boolean {
  if (header === undefined || header === '') return false;
  return timingSafeEqual(header, computeTwilioSignature(authToken, url, params));
}
