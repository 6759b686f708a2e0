/**
 * A delivery receipt `deliver_sm` (esm_class message type 0x04) read into our status model
 * (providers.md §8.2 and §9.2). The `receipted_message_id` (0x001E) and `message_state` (0x0427) TLVs
 * are preferred over the receipt text when present, as the spec's optional fields are unambiguous.
 *
 * @module
 */
import type { DeliveryStatus, FailureReason } from '../../domain/message-status.js';
import { parseSmppReceiptText } from './smpp-receipt-text.js';

/** The receipt-relevant fields of a decoded `deliver_sm`. */
export interface SmppReceiptPdu {
  /** The `short_message` decoded as text (receipts are plain ASCII/GSM text). */
  text: string;
  /** TLV 0x001E, when the SMSC sends it. */
  receiptedMessageId?: string | undefined;
  /** TLV 0x0427 (1 ENROUTE … 8 REJECTED), when the SMSC sends it. */
  messageState?: number | undefined;
}

/** A receipt in our terms, before it is correlated with a message. */
export interface SmppReceipt {
  /** The SMSC's id of the (part) message, as quoted; correlate with `normalizeSmppId`. */
  receiptedId: string;
  status: DeliveryStatus;
  reason?: FailureReason;
  /** The state word (`DELIVRD`…), or `state:N` when only the TLV gave it. */
  providerStatus: string;
  /** The receipt's `err:` digits, verbatim. */
  errorCode?: string;
  /** `done date` verbatim (`YYMMDDhhmm[ss]`, zone unknown). */
  doneDateRaw?: string;
}

/** Thrown when a receipt names no message id or no state: it cannot be applied. */
export class SmppReceiptError extends Error {
  /** Stable error code. */
  readonly code = 'smpp_receipt_invalid';
  override readonly name = 'SmppReceiptError';
}

/** SMPP 3.4 §5.2.28 `message_state` values and the Appendix B state words they correspond to. */
const STATE_WORDS: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

/**
 * Status and reason of a state word, per providers.md §9.2 (SMPP column). `FAILED` is not in
 * Appendix B but real SMSCs send it (vector V43). Unrecognised words read as `unknown`.
 */
export function smppStateStatus(word: string): { status: DeliveryStatus; reason?: FailureReason } {
  switch (word.toUpperCase()) {
    case 'DELIVRD':
    case 'DELIVERED':
      return { status: 'delivered' };
    case 'ENROUTE':
    case 'ACCEPTD':
    case 'ACCEPTED':
      return { status: 'sent' };
    case 'EXPIRED':
      return { status: 'expired', reason: 'expired' };
    case 'UNDELIV':
    case 'UNDELIVERABLE':
      return { status: 'undelivered', reason: 'unreachable' };
    case 'DELETED':
      return { status: 'undelivered', reason: 'canceled' };
    case 'REJECTD':
    case 'REJECTED':
      return { status: 'rejected', reason: 'carrier_rejected' };
    case 'FAILED':
      return { status: 'failed', reason: 'provider_error' };
    default:
      return { status: 'unknown', reason: 'unknown' };
  }
}

/**
 * Reads a receipt `deliver_sm`.
 * @throws {SmppReceiptError} when neither the TLV nor the text gives an id, or neither gives a state.
 */
export function readSmppReceipt(pdu: SmppReceiptPdu): SmppReceipt {
  const text = parseSmppReceiptText(pdu.text);
  const receiptedId = pdu.receiptedMessageId?.trim() || text.id;
  if (!receiptedId) throw new SmppReceiptError('delivery receipt without receipted_message_id or id:');
  const stateWord = pdu.messageState !== undefined ? (STATE_WORDS[pdu.messageState] ?? `state:${pdu.messageState}`) : text.stat;
  if (!stateWord) throw new SmppReceiptError(`delivery receipt for ${receiptedId} without message_state or stat:`);
  const { status, reason } = smppStateStatus(stateWord);
  // err: 000 means "no error"; anything else is kept verbatim for the provider's own table.
  const errorCode = text.err !== null && !/^0+$/.test(text.err) ? text.err : undefined;
  return {
    receiptedId,
    status,
    ...(reason && status !== 'delivered' && status !== 'sent' ? { reason } : {}),
    providerStatus: stateWord,
    ...(errorCode ? { errorCode } : {}),
    ...(text.doneDate ? { doneDateRaw: text.doneDate } : {}),
  };
}
