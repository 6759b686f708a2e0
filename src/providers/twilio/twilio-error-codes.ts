/**
 * Twilio error codes smsflow reads, with the reason each maps to (providers.md §1.1, §9.2).
 * `refusal`: the message never reached a carrier because Twilio refused it up front, so a `failed`
 * status callback with this code is `rejected`, not `failed` (§9.2 "rejected" row).
 *
 * Source: https://www.twilio.com/docs/api/errors (21211, 21408, 21606, 21608, 21610, 21612, 21614,
 * 30001–30008, 30034).
 */
import type { FailureReason } from '../../domain/message-status.js';

/** What one Twilio error code means to us. */
export interface TwilioErrorCode {
  reason: FailureReason;
  /** Refused before reaching a carrier. */
  refusal: boolean;
}

/** Twilio error code → reason. Codes not listed map to `provider_error` (failed) / `unknown` (undelivered). */
export const TWILIO_ERROR_CODES: ReadonlyMap<number, TwilioErrorCode> = new Map([
  [21211, { reason: 'invalid_number', refusal: true }],
  [21408, { reason: 'sender_not_allowed', refusal: true }],
  [21606, { reason: 'sender_not_allowed', refusal: true }],
  [21608, { reason: 'invalid_number', refusal: true }],
  [21610, { reason: 'opted_out', refusal: true }],
  [21612, { reason: 'carrier_rejected', refusal: true }],
  [21614, { reason: 'not_sms_capable', refusal: true }],
  [30001, { reason: 'provider_error', refusal: false }],
  [30002, { reason: 'provider_error', refusal: false }],
  [30003, { reason: 'unreachable', refusal: false }],
  [30004, { reason: 'carrier_rejected', refusal: false }],
  [30005, { reason: 'invalid_number', refusal: false }],
  [30006, { reason: 'not_sms_capable', refusal: false }],
  [30007, { reason: 'blocked_spam', refusal: false }],
  [30008, { reason: 'unknown', refusal: false }],
  [30034, { reason: 'sender_not_allowed', refusal: true }],
]);

/** The entry of a code given as text (`"30003"`), or undefined. */
export function twilioErrorCode(code: string | number | undefined): TwilioErrorCode | undefined {
  if (code === undefined || code === '') return undefined;
  return TWILIO_ERROR_CODES.get(Number(code));
}
