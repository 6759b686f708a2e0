/**
 * Telnyx webhook signatures (providers.md §5.4): Ed25519, not HMAC. Headers `telnyx-signature-ed25519`
 * (Base64, 64 bytes) and `telnyx-timestamp` (unix seconds); signed message = `${timestamp}|${rawBody}`;
 * verified with the account's Base64 Ed25519 public key (32 raw bytes). The URL is not signed.
 * Timestamps outside ±300 s are refused (the tolerance of Telnyx's own SDK).
 *
 * Source: https://developers.telnyx.com/docs/development/api-fundamentals/webhooks; telnyx-node
 * `src/lib/webhooks.ts`. RFC 8032 for Ed25519; node:crypto verifies it natively.
 *
 * @module
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isFreshTimestamp } from '../http/webhook-params.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) before the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Imports a Telnyx public key as shown in the portal (Base64 of the 32 raw bytes).
 * @throws Error when it does not decode to 32 bytes.
 */
export function telnyxPublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error('a Telnyx public key is 32 bytes, Base64-encoded');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Whether the headers carry a valid, fresh Ed25519 signature of `rawBody`. Never throws. */
export function verifyTelnyxSignature(key: KeyObject, headers: Record<string, string>, rawBody: string, nowMs: number, toleranceS = 300): boolean {
  const signature = headers['telnyx-signature-ed25519'];
  const timestamp = headers['telnyx-timestamp'];
  if (signature === undefined || timestamp === undefined || !/^\d+$/.test(timestamp)) return false;
  if (!isFreshTimestamp(Number(timestamp), nowMs, toleranceS)) return false;
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== 64) return false;
  try {
    // Ed25519 verification runs in time independent of where a forged signature differs.
    return verify(null, Buffer.from(`${timestamp}|${rawBody}`, 'utf8'), key, sig);
  } catch {
    return false;
  }
}
