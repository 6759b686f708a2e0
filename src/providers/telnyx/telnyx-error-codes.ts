/**
 * Telnyx messaging error codes (providers.md §5.1, §5.2) → reason. `refusal`: refused up front, so a
 * failed message with it is `rejected` (§9.2: 40300, 40001, 40003, 40012, 40015).
 *
 * Source: https://developers.telnyx.com/docs/messaging/messages/error-codes/index.
 */
import type { FailureReason } from '../../domain/message-status.js';

export const TELNYX_ERROR_CODES: ReadonlyMap<string, { reason: FailureReason; refusal: boolean }> = new Map([
  ['10002', { reason: 'invalid_number', refusal: true }],
  ['10016', { reason: 'invalid_number', refusal: true }],
  ['40001', { reason: 'not_sms_capable', refusal: true }],
  ['40002', { reason: 'blocked_spam', refusal: false }],
  ['40003', { reason: 'blocked_spam', refusal: true }],
  ['40004', { reason: 'carrier_rejected', refusal: false }],
  ['40005', { reason: 'expired', refusal: false }],
  ['40006', { reason: 'unreachable', refusal: false }],
  ['40008', { reason: 'unreachable', refusal: false }],
  ['40009', { reason: 'provider_error', refusal: false }],
  ['40011', { reason: 'rate_limited', refusal: false }],
  ['40012', { reason: 'invalid_number', refusal: true }],
  ['40013', { reason: 'sender_not_allowed', refusal: true }],
  ['40014', { reason: 'expired', refusal: false }],
  ['40015', { reason: 'blocked_spam', refusal: true }],
  ['40300', { reason: 'opted_out', refusal: true }],
  ['40301', { reason: 'invalid_number', refusal: true }],
  ['40305', { reason: 'sender_not_allowed', refusal: true }],
  ['40310', { reason: 'invalid_number', refusal: true }],
]);

/** Codes that concern the connection (profile disabled, sender not messaging-enabled): pause it. */
export const TELNYX_CONNECTION_CODES: ReadonlySet<string> = new Set(['10009', '10010', '40100', '40312']);
