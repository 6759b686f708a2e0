/**
 * Turns a message's planned DLRs into signed callbacks on the wire, in order: each DLR of a message
 * is posted only after the previous one settled (acknowledged or given up), so a planned order
 * (including a deliberate final-before-`sent` reorder) is the order our webhook sees.
 *
 * @module
 */
import type { SandboxCallbackDispatcher } from './sandbox-callback-dispatcher.js';
import { sandboxErrorText } from './sandbox-error-codes.js';
import type { SandboxDlrStatus, SandboxMessagePlan } from './sandbox-message-plan.js';
import type { SandboxMessageRecord } from './sandbox-message-store.js';

/** JSON body of a sandbox DLR callback (wire format v1; see `sandbox-server.ts`). */
export interface SandboxDlrPayload {
  /** The `SB…` id returned by the send. */
  id: string;
  /** Echo of the send's `client_ref`, when it had one. */
  client_ref?: string;
  status: SandboxDlrStatus;
  error_code?: number;
  error_text?: string;
  /** When the event happened, ISO 8601 UTC with milliseconds. */
  timestamp: string;
  /** Per-message sequence in event order; a duplicate repeats it. */
  seq: number;
  /** 1-based part of a multi-part message, only with per-part DLRs. */
  part?: { index: number; total: number };
}

/**
 * Schedules every DLR of `plan` for an accepted message; does nothing without a status callback.
 * Updates `rec.status` and `rec.dlrs` as each one settles.
 * @param acceptedAtMs acceptance time in unix ms; DLR timestamps are offsets from it.
 */
export function scheduleSandboxDlrs(
  dispatcher: SandboxCallbackDispatcher,
  rec: SandboxMessageRecord,
  plan: SandboxMessagePlan,
  acceptedAtMs: number,
): void {
  const url = rec.statusCallback;
  const id = rec.id;
  if (url === null || id === null) return;
  const step = (index: number, previousPostMs: number): void => {
    const dlr = plan.dlrs[index];
    if (dlr === undefined) return;
    const timestamp = new Date(acceptedAtMs + dlr.eventOffsetMs).toISOString();
    // Key order is the documented wire order; optional keys are left out, not set to undefined.
    const payload: SandboxDlrPayload = {
      id,
      ...(rec.clientRef === null ? {} : { client_ref: rec.clientRef }),
      status: dlr.status,
      ...(dlr.errorCode === undefined
        ? {}
        : { error_code: dlr.errorCode, error_text: sandboxErrorText(dlr.errorCode) }),
      timestamp,
      seq: dlr.seq,
      ...(dlr.part === undefined ? {} : { part: dlr.part }),
    };
    dispatcher.schedule(dlr.postOffsetMs - previousPostMs, {
      url,
      body: JSON.stringify(payload),
      onSettled: (ok) => {
        rec.dlrs.push({
          seq: dlr.seq,
          status: dlr.status,
          ...(dlr.part === undefined ? {} : { part: dlr.part }),
          timestamp,
          duplicate: dlr.duplicate,
          delivery: ok ? 'acknowledged' : 'given_up',
        });
        rec.status = dlr.status;
        step(index + 1, dlr.postOffsetMs);
      },
    });
  };
  step(0, 0);
}
