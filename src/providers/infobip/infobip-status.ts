/**
 * Infobip message statuses (providers.md §6.2, §9.2): `status.groupId` + `status.id` → ours.
 * Source: https://www.infobip.com/docs/developer-resources/api-fundamentals/message-status-codes.
 */
import type { DeliveryStatus, FailureReason } from '../../domain/message-status.js';

/** REJECTED-group (5) status ids → reason. 10 DND and 14 blocklisted destination are opt-outs (§9.8). */
const REJECTED_REASONS: ReadonlyMap<number, FailureReason> = new Map([
  [6, 'carrier_rejected'],
  [8, 'invalid_number'],
  [10, 'opted_out'],
  [11, 'sender_not_allowed'],
  [12, 'insufficient_funds'],
  [13, 'sender_not_allowed'],
  [14, 'opted_out'],
  [16, 'unreachable'],
  [17, 'insufficient_funds'],
  [18, 'invalid_number'],
]);

/** REJECTED ids that concern the account, not the recipient (no credit, prepaid package expired). */
export const INFOBIP_ACCOUNT_REJECTIONS: ReadonlySet<number> = new Set([12, 17]);

/** Maps an Infobip status (`groupId`, `id`) to ours. */
export function mapInfobipStatus(groupId: number, id: number): { status: DeliveryStatus; reason?: FailureReason } {
  switch (groupId) {
    case 0:
    case 1:
      // PENDING_ENROUTE (7) and PENDING_WAITING_DELIVERY (3) are past the operator handoff.
      return id === 7 || id === 3 ? { status: 'sent' } : { status: 'queued' };
    case 3:
      // DELIVERED_TO_OPERATOR (2) is intermediate despite its group (§6.2).
      return id === 5 ? { status: 'delivered' } : { status: 'sent' };
    case 2:
      return { status: 'undelivered', reason: id === 4 ? 'carrier_rejected' : 'unknown' };
    case 4:
      return { status: 'expired', reason: 'expired' };
    case 5: {
      const reason = REJECTED_REASONS.get(id) ?? 'carrier_rejected';
      return INFOBIP_ACCOUNT_REJECTIONS.has(id) ? { status: 'failed', reason } : { status: 'rejected', reason };
    }
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/** REJECTED-group reason of a status id, for send-time rejections. */
export function infobipRejectedReason(id: number): FailureReason {
  return REJECTED_REASONS.get(id) ?? 'carrier_rejected';
}
