/**
 * Plivo's webhook signatures (providers.md §3.4).
 *
 * - V3 (`X-Plivo-Signature-V3` + `X-Plivo-Signature-V3-Nonce`): Base64(HMAC-SHA256(authToken, base +
 *   '.' + nonce)) where base = `scheme://host/path`, then `?` + the query sorted by name (`k=v` joined
 *   by `&`) when there is a query or POST parameters, then `.` when there are both, then the POST
 *   parameters sorted by name as `k+v` with no separators. Covers URL, query and body. The header may
 *   hold several comma-separated signatures (token rotation); any match is valid.
 * - V2 (`X-Plivo-Signature-V2` + `-V2-Nonce`): Base64(HMAC-SHA256(authToken, url-without-query +
 *   nonce)). Body and query are not signed, so it proves only knowledge of the token; used only when
 *   no V3 header is present.
 *
 * Neither carries a timestamp: a nonce is not a freshness proof, so nothing can be refused as stale
 * (dedupe on `(MessageUUID, Sequence)` instead).
 *
 * Source: https://docs.plivo.com/docs/messaging/concepts/signature-validation; plivo-node
 * `lib/utils/v3Security.js`, `lib/utils/security.js`.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';

const sortPairs = (pairs: Array<[string, string]>): Array<[string, string]> =>
  [...pairs].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));

/** The V3 string to sign, without the nonce. */
export function plivoV3Base(url: string, postParams: Array<[string, string]>): string {
  const u = new URL(url);
  const query = sortPairs([...u.searchParams.entries()]).map(([k, v]) => `${k}=${v}`).join('&');
  const post = sortPairs(postParams).map(([k, v]) => k + v).join('');
  let base = `${u.protocol}//${u.host}${u.pathname}`;
  if (query !== '' || post !== '') base += `?${query}`;
  if (query !== '' && post !== '') base += '.';
  return base + post;
}

/** @returns the Base64 V3 signature. */
export function computePlivoV3Signature(authToken: string, url: string, postParams: Array<[string, string]>, nonce: string): string {
  return createHmac('sha256', authToken).update(`${plivoV3Base(url, postParams)}.${nonce}`, 'utf8').digest('base64');
}

/** @returns the Base64 V2 signature. */
export function computePlivoV2Signature(authToken: string, url: string, nonce: string): string {
  const u = new URL(url);
  return createHmac('sha256', authToken).update(`${u.protocol}//${u.host}${u.pathname}${nonce}`, 'utf8').digest('base64');
}

/**
 * Verifies a Plivo callback: V3 when its headers are present, else V2. Constant time; never throws.
 * @param headers lower-case header names.
 */
export function verifyPlivoSignature(authToken: string, headers: Record<string, string>, url: string, postParams: Array<[string, string]>): boolean {
  const v3 = headers['x-plivo-signature-v3'];
  const v3Nonce = headers['x-plivo-signature-v3-nonce'];
  if (v3 !== undefined) {
    if (v3Nonce === undefined || v3Nonce === '') return false;
    const expected = computePlivoV3Signature(authToken, url, postParams, v3Nonce);
    // Evaluate every candidate so timing does not reveal which one matched.
    return v3.split(',').reduce((ok, candidate) => timingSafeEqual(candidate.trim(), expected) || ok, false);
  }
  const v2 = headers['x-plivo-signature-v2'];
  const v2Nonce = headers['x-plivo-signature-v2-nonce'];
  if (v2 === undefined || v2Nonce === undefined || v2Nonce === '') return false;
  return timingSafeEqual(v2, computePlivoV2Signature(authToken, url, v2Nonce));
}
