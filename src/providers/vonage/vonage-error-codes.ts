/**
 * Vonage SMS API codes (providers.md §2.1, §2.2): the send response's per-part `status`, and the DLR
 * `err-code`. Source: https://developer.vonage.com/api-errors/sms,
 * https://developer.vonage.com/messaging/sms/guides/delivery-receipts.
 */
import type { FailureReason } from '../../domain/message-status.js';
import type { SendResult } from '../provider-adapter.js';

/**
 * What a non-zero send `status` means. 8 (account barred), 9 (no credit) and 11 (HTTP not enabled)
 * concern the whole account, so they pause the connection (`auth_failed`) instead of failing every
 * message of a campaign.
 */
export function vonageSendStatusOutcome(status: number, errorText: string): SendResult {
  const errorCode = String(status);
  switch (status) {
    case 1:
    case 5:
    case 10:
      return { outcome: 'retry', errorCode, errorText };
    case 4:
    case 8:
    case 9:
    case 11:
    case 14:
      return { outcome: 'auth_failed', errorText: `vonage status ${status}: ${errorText}` };
    case 6:
      return { outcome: 'rejected', reason: 'invalid_number', errorCode, errorText };
    case 7:
      return { outcome: 'rejected', reason: 'carrier_rejected', errorCode, errorText };
    case 15:
      return { outcome: 'rejected', reason: 'sender_not_allowed', errorCode, errorText };
    case 29:
      return { outcome: 'rejected', reason: 'carrier_rejected', errorCode, errorText };
    default:
      return { outcome: 'rejected', reason: 'provider_error', errorCode, errorText };
  }
}

/**
 * DLR `err-code` → reason. Code 9 ("illegal number") is also what Vonage reports for opted-out
 * recipients on numbers with Opt-Out Assist (§2.5), so it is `opted_out` only when the connection says
 * Opt-Out Assist is on, else `invalid_number`.
 */
export function vonageErrCodeReason(errCode: number, optOutAssist: boolean): FailureReason {
  switch (errCode) {
    case 2:
    case 7:
    case 8:
    case 12:
      return 'unreachable';
    case 3:
      return 'invalid_number';
    case 4:
    case 5:
    case 11:
    case 13:
    case 14:
      return 'carrier_rejected';
    case 6:
      return 'blocked_spam';
    case 9:
      return optOutAssist ? 'opted_out' : 'invalid_number';
    case 10:
      return 'provider_error';
    case 15:
      return 'insufficient_funds';
    default:
      return 'unknown';
  }
}

/** DLR `err-code`s that mean the message was refused up front (§9.2 "rejected" row: 9, 6, 14). */
export const VONAGE_REFUSAL_ERR_CODES: ReadonlySet<number> = new Set([6, 9, 14]);
