/**
 * The sandbox provider's webhook signature scheme, shared by the sandbox (signing) and the sandbox
 * adapter (verifying).
 *
 * Header `X-Sandbox-Signature: t=<unix seconds>,v1=<hex>` where
 * `hex = HMAC-SHA256(webhookSecret, t + '.' + url + '.' + rawBody)`. It covers the timestamp (replay
 * defence), the exact URL called including its query (like Twilio/Bird) and the exact body bytes (like
 * Telnyx/Bird): providers.md §9.6. Several `v1=` entries may appear (secret rotation); any match is valid.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { timingSafeEqual } from '../timing-safe-equal.js';

/** Lower-case name of the signature header. */
export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/** Default freshness window, in seconds, either side of our clock (5 minutes, like Telnyx's SDK). */
export const SANDBOX_SIGNATURE_TOLERANCE_S = 300;

/**
 * Computes the `v1` digest.
 * @param timestampS unix time in whole seconds, as it appears in `t=`.
 * @returns lower-case hex HMAC-SHA256 (64 chars).
 */
export function computeSandboxSignature(
  secret: string,
  timestampS: number,
  url: string,
  rawBody: string,
): string {
  return createHmac('sha256', secret).update(`${timestampS}.${url}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * Builds the full header value for a callback.
 * @param timestampS unix time in whole seconds.
 */
export function formatSandboxSignatureHeader(
  secret: string,
  timestampS: number,
  url: string,
  rawBody: string,
): string {
  return `t=${timestampS},v1=${computeSandboxSignature(secret, timestampS, url, rawBody)}`;
}

/**
 * Splits a header value into its timestamp and digests.
 * @returns null when `t` is missing or not an integer, or no `v1` is present.
 */
export function parseSandboxSignatureHeader(
  value: string,
): { timestampS: number; signatures: string[] } | null {
  let timestampS: number | undefined;
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(val)) timestampS = Number(val);
    else if (key === 'v1' && val !== '') signatures.push(val);
  }
  if (timestampS === undefined || signatures.length === 0) return null;
  return { timestampS, signatures };
}

/** Inputs of {@link verifySandboxSignature}. */
export interface SandboxSignatureCheck {
  secret: string;
  /** The `X-Sandbox-Signature` header value, if any. */
  header: string | undefined;
  /** The public URL the sandbox called (from config, not `Host`). */
  url: string;
  rawBody: string;
  /** Our clock, in unix milliseconds. */
  nowMs: number;
  /** Allowed clock distance in seconds, either direction; default {@link SANDBOX_SIGNATURE_TOLERANCE_S}. */
  toleranceS?: number;
}

/**
 * Verifies a callback's signature in constant time and refuses timestamps further than the tolerance
 * from `nowMs` (older: replay; newer: forged or a broken clock).
 * @returns true when fresh and one `v1` matches. Never throws.
 */
export function verifySandboxSignature(check: SandboxSignatureCheck): boolean {
  if (check.header === undefined) return false;
  const parsed = parseSandboxSignatureHeader(check.header);
  if (parsed === null) return false;
  const toleranceS = check.toleranceS ?? SANDBOX_SIGNATURE_TOLERANCE_S;
  if (Math.abs(check.nowMs / 1000 - parsed.timestampS) > toleranceS) return false;
  const expected = computeSandboxSignature(check.secret, parsed.timestampS, check.url, check.rawBody);
  let ok = false;
  // Check every candidate (no early exit) so the time taken does not tell which one matched.
  for (const candidate of parsed.signatures) {
    if (timingSafeEqual(candidate.toLowerCase(), expected)) ok = true;
  }
  return ok;
}
