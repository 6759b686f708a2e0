import type { DlrEvent, MessageState } from './message-machine.js';
import { applyMessageEvent, initialMessageState } from './message-machine.js';
import type { DeliveryStatus, FailureReason, MessageStatus } from './message-status.js';

/** The fields of a receipt the message machine reads; both NormalizedDlr and DlrSignalEvent have them. */
export interface DlrFields {
  status: DeliveryStatus;
  reason?: FailureReason | undefined;
  part?: { index: number; total: number } | undefined;
  errorCode?: string | undefined;
  providerErrorCode?: string | undefined;
  providerStatus?: string | undefined;
}

/** Builds the machine's `DLR` event from a receipt, leaving absent fields out. */
export function toDlrEvent(d: DlrFields): DlrEvent {
  const errorCode = d.errorCode ?? d.providerErrorCode;
  return {
    type: 'DLR',
    status: d.status,
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.part ? { part: d.part } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(d.providerStatus ? { providerStatus: d.providerStatus } : {}),
  };
}

/**
 * The state a message stored as `status`/`reason` (the PostgreSQL projection) is in, for applying
 * receipts outside its batch workflow.
 */
export function storedMessageState(status: MessageStatus, reason?: FailureReason | null, parts?: number): MessageState {
  const state = initialMessageState(status);
  return { ...state, ...(reason ? { reason } : {}), ...(parts ? { parts } : {}) };
}

/**
 * Whether a receipt could change a message currently stored as `status`: false for duplicates and
 * for receipts that would move it back (a `sent` after `submitted` or after a final state), as the
 * message machine decides (providers.md §9.3). Such receipts are logged but need no signal.
 */
export function dlrCouldChange(status: MessageStatus, d: DlrFields): boolean {
  return applyMessageEvent(storedMessageState(status), toDlrEvent(d)).changed;
}
