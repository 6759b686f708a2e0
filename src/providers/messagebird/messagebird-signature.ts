/**
 * MessageBird's webhook signature (legacy REST API, providers.md §7.4): header
 * `MessageBird-Signature-JWT`, a JWT signed HS256/384/512 with the account's signing key, with claims
 * `iss = "MessageBird"`, `nbf`, `exp` (its replay window), `jti`, `url_hash` = hex SHA-256 of the full
 * URL called (query included) and, when there is a body, `payload_hash` = hex SHA-256 of the raw body.
 *
 * Source: https://developers.messagebird.com/docs/verify-http-requests (legacy); messagebird-nodejs
 * `lib/webhook-signature-jwt.js` (`verify`, not its broken Express middleware). JWT: RFC 7519; JWS
 * HMAC: RFC 7518 §3.2.
 *
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';

/** Lower-case header name. */
export const MESSAGEBIRD_SIGNATURE_HEADER = 'messagebird-signature-jwt';

const HASHES: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * Signs a JWT the way MessageBird does (used by the fake and tests).
 * @param claims extra/overriding claims; times in unix seconds.
 */
export function signMessageBirdJwt(signingKey: string, url: string, rawBody: string, nowS: number, claims: Record<string, unknown> = {}, alg: 'HS256' | 'HS384' | 'HS512' = 'HS256'): string {
  const payload = {
    iss: 'MessageBird',
    nbf: nowS,
    exp: nowS + 300,
    jti: `${nowS}-${Math.random().toString(36).slice(2)}`,
    url_hash: sha256Hex(url),
    ...(rawBody === '' ? {} : { payload_hash: sha256Hex(rawBody) }),
    ...claims,
  };
  const head = `${b64url(JSON.stringify({ typ: 'JWT', alg }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac(HASHES[alg]!, signingKey).update(head).digest('base64url')}`;
}

/**
 * Whether `jwt` is a valid MessageBird signature of this URL and body at `nowMs`: HMAC matches, `iss`
 * is MessageBird, `nbf` ≤ now ≤ `exp` (±`leewayS`), and both hashes match. Constant-time comparisons;
 * never throws.
 */
export function verifyMessageBirdJwt(signingKey: string, jwt: string | undefined, url: string, rawBody: string, nowMs: number, leewayS = 1): boolean {
  if (jwt === undefined) return false;
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return false;
  }
  // Only the HMAC algorithms MessageBird uses: never `none`, never an asymmetric alg with our key.
  const hash = typeof header.alg === 'string' ? HASHES[header.alg] : undefined;
  if (hash === undefined) return false;
  if (!timingSafeEqual(s, createHmac(hash, signingKey).update(`${h}.${p}`).digest('base64url'))) return false;
  const nowS = nowMs / 1000;
  if (claims.iss !== 'MessageBird') return false;
  if (typeof claims.exp !== 'number' || nowS > claims.exp + leewayS) return false;
  if (typeof claims.nbf === 'number' && nowS < claims.nbf - leewayS) return false;
  if (typeof claims.url_hash !== 'string' || !timingSafeEqual(claims.url_hash, sha256Hex(url))) return false;
  if (rawBody === '') return claims.payload_hash === undefined;
  return typeof claims.payload_hash === 'string' && timingSafeEqual(claims.payload_hash, sha256Hex(rawBody));
}
