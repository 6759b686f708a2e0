/**
 * The sandbox provider's error codes: the part of its "public documentation" that both the sandbox
 * server (to answer and to fill DLRs) and the sandbox adapter (to map them) read.
 *
 * Numbers and meanings follow Twilio's (providers.md §1.1 tables and §9.2 "Reason derivation") so the
 * sandbox exercises the same mapping decisions as a real provider; the sandbox itself is invented.
 *
 * @module
 */
import type { FailureReason } from '../../domain/message-status.js';

/** One message-level error code of the sandbox provider. */
export interface SandboxErrorCode {
  code: number;
  /** Our normalized reason for it (providers.md §9.1). */
  reason: FailureReason;
  /** Human text the sandbox sends as `message` / `error_text`. */
  text: string;
  /**
   * True when the message was refused before reaching a carrier; a `failed` DLR with such a code is
   * normalized to `rejected` (providers.md §9.2, Twilio row "failed with 21610, 21211, 21612, 21614").
   */
  refusal: boolean;
}

const table = [
  { code: 21211, reason: 'invalid_number', text: "Invalid 'To' phone number", refusal: true },
  {
    code: 21602,
    reason: 'provider_error',
    text: 'A required parameter is missing or invalid',
    refusal: true,
  },
  { code: 21610, reason: 'opted_out', text: 'Attempt to send to unsubscribed recipient', refusal: true },
  {
    code: 21612,
    reason: 'carrier_rejected',
    text: "The 'To' number is not reachable via SMS",
    refusal: true,
  },
  { code: 21614, reason: 'not_sms_capable', text: "The 'To' number is not a mobile number", refusal: true },
  { code: 30001, reason: 'provider_error', text: 'Queue overflow', refusal: false },
  { code: 30003, reason: 'unreachable', text: 'Unreachable destination handset', refusal: false },
  { code: 30005, reason: 'invalid_number', text: 'Unknown destination handset', refusal: false },
  { code: 30006, reason: 'not_sms_capable', text: 'Landline or unreachable carrier', refusal: false },
  { code: 30007, reason: 'blocked_spam', text: 'Message filtered by carrier', refusal: false },
  { code: 30008, reason: 'unknown', text: 'Unknown error', refusal: false },
  { code: 30036, reason: 'expired', text: 'Validity period expired', refusal: false },
] as const satisfies readonly SandboxErrorCode[];

/** Every message-level code, by number. */
export const SANDBOX_ERROR_CODES: ReadonlyMap<number, SandboxErrorCode> = new Map(
  table.map((entry): [number, SandboxErrorCode] => [entry.code, entry]),
);

/** Request-level codes that are not about one message (auth, rate, malformed request, ...). */
export const SANDBOX_REQUEST_CODES = {
  /** 401: missing or wrong API key. */
  authenticationFailed: 20003,
  /** 409: a `client_ref` was reused with a different `to`, `from` or `body`. */
  idempotencyConflict: 20409,
  /** 429: sends per second above the account limit; see `Retry-After`. */
  tooManyRequests: 20429,
  /** 503: injected provider-side failure; retry later. */
  serviceUnavailable: 20503,
  /** 400: body is not a JSON object. */
  malformedRequest: 21000,
  /** 404: unknown path or message. */
  notFound: 20404,
  /** 500: the sandbox itself failed. */
  internalError: 20500,
} as const;

/** Codes the sandbox puts on submit-time refusals drawn from the outcome mix (not invalid/opted-out numbers). */
export const SANDBOX_DRAWN_REFUSAL_CODES: readonly number[] = [21610, 21612, 21614];

/** Codes on `undelivered` DLRs (carrier could not deliver). */
export const SANDBOX_UNDELIVERED_CODES: readonly number[] = [30003, 30005, 30006, 30007];

/** Codes on `failed` DLRs (never left the provider). */
export const SANDBOX_FAILED_CODES: readonly number[] = [30001, 30008];

/** Code on `expired` DLRs. */
export const SANDBOX_EXPIRED_CODE = 30036;

/**
 * The text for a code, for `message` / `error_text`.
 * @returns the table text, or `'Error <code>'` for an unlisted code.
 */
export function sandboxErrorText(code: number): string {
  return SANDBOX_ERROR_CODES.get(code)?.text ?? `Error ${code}`;
}
