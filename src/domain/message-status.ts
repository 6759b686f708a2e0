/**
 * Status vocabularies of an outbound message: our own lifecycle ({@link MessageStatus}), the provider's
 * normalized delivery-receipt status ({@link DeliveryStatus}) and why a message did not get through
 * ({@link FailureReason}).
 *
 * Source: /work/shared/reference/providers.md §9.1 (normalized status enum), §9.3 (rank rule) and
 * DESIGN.md "Per-message state".
 *
 * @module
 */

/**
 * Where one outbound message is in its life, as the message machine and PostgreSQL see it.
 *
 * - `queued`: created, not yet claimed for sending.
 * - `submitting`: claimed by a send attempt just before the provider call, so a retried activity never
 *   sends it twice.
 * - `submitted`: the provider accepted it ("Sent"); waiting for a final delivery receipt.
 * - `delivered` | `undelivered` | `failed` | `expired`: final outcomes reported by the provider.
 * - `rejected`: the provider refused it at submit (or a DLR said it was refused up front).
 * - `suppressed`: never sent (opted out, invalid number, quiet hours, canceled...).
 * - `unknown`: no final DLR arrived before the DLR timeout, or the provider said the outcome is unknown.
 */
export type MessageStatus =
  | 'queued'
  | 'submitting'
  | 'submitted'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'expired'
  | 'rejected'
  | 'suppressed'
  | 'unknown';

/**
 * The statuses after which a batch no longer waits for the message. `unknown` is final but weak: a later
 * strong final DLR may still replace it (providers.md §9.3).
 */
export const FINAL_STATUSES = [
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'rejected',
  'suppressed',
  'unknown',
] as const satisfies readonly MessageStatus[];

/** One of {@link FINAL_STATUSES}. */
export type FinalMessageStatus = (typeof FINAL_STATUSES)[number];

const FINAL_SET: ReadonlySet<MessageStatus> = new Set(FINAL_STATUSES);

/** Whether `status` is one of {@link FINAL_STATUSES} (including the weak final `unknown`). */
export function isFinalStatus(status: MessageStatus): status is FinalMessageStatus {
  return FINAL_SET.has(status);
}

const MESSAGE_RANK: Readonly<Record<MessageStatus, number>> = {
  queued: 0,
  submitting: 0.5,
  submitted: 1,
  unknown: 1.5,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  expired: 2,
  rejected: 2,
  suppressed: 2,
};

/**
 * How far a message has progressed, for merging two views of the same message (keep the higher).
 * Extends the DLR rank of providers.md §9.3 (queued 0 < sent 1 < final 2, `unknown` 1.5) with our own
 * `submitting` (0.5, between queued and provider-accepted) and `suppressed` (a final, 2).
 *
 * @returns a number in [0, 2]; equal ranks mean neither status supersedes the other.
 */
export function statusRank(status: MessageStatus): number {
  return MESSAGE_RANK[status];
}

/**
 * A provider's delivery-receipt (DLR) status, normalized across providers (providers.md §9.1, mapping
 * table §9.2).
 *
 * - `queued`: accepted by the provider, not yet handed to a carrier.
 * - `sent`: handed to the carrier/SMSC (also intermediate "accepted/buffered/enroute" receipts).
 * - `delivered`: final positive receipt.
 * - `undelivered`: final; the carrier/SMSC could not deliver it.
 * - `failed`: final; the provider never got it to a carrier (platform error, account, cancel).
 * - `expired`: final; the validity period ran out.
 * - `rejected`: final; refused up front (invalid number, opted out, spam filter, sender not allowed).
 * - `unknown`: final but weak; the provider says the outcome is unknown.
 */
export type DeliveryStatus =
  'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'expired' | 'rejected' | 'unknown';

/**
 * Why a message was not delivered, suppressed or left unknown.
 *
 * From providers.md §9.1: `opted_out`, `invalid_number`, `not_sms_capable`, `unreachable`,
 * `blocked_spam`, `carrier_rejected`, `sender_not_allowed`, `insufficient_funds`, `rate_limited`,
 * `expired`, `canceled`, `provider_error`, `unknown` (derivation from provider codes in §9.2).
 * Ours: `missing_field` (a template variable without value or fallback), `dlt_mismatch` (India: the
 * rendered text does not match its registered DLT template, TRAI TCCCPR), `quiet_hours` (the send window
 * closed before it could go), `no_consent` (no opt-in on record), `dlr_timeout` (no final DLR before the
 * batch's DLR timeout), `frequency_cap` (the contact already got the most marketing messages allowed
 * in the period, across campaigns), `no_sender` (no sender of the campaign's sender pool can serve the
 * recipient's country: sender-selection.ts).
 */
export type FailureReason =
  | 'opted_out'
  | 'invalid_number'
  | 'not_sms_capable'
  | 'unreachable'
  | 'blocked_spam'
  | 'carrier_rejected'
  | 'sender_not_allowed'
  | 'insufficient_funds'
  | 'rate_limited'
  | 'expired'
  | 'canceled'
  | 'provider_error'
  | 'unknown'
  | 'missing_field'
  | 'dlt_mismatch'
  | 'template_error'
  | 'quiet_hours'
  | 'no_consent'
  | 'dlr_timeout'
  | 'frequency_cap'
  | 'no_sender';
