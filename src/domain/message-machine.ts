/**
 * The state machine of one outbound message, applied as a pure function: no actors run, no timers live
 * inside XState. The workflow that owns a batch keeps each message as a plain {@link MessageState},
 * applies events with {@link applyMessageEvent} and flushes changed states to PostgreSQL.
 *
 * Lifecycle (DESIGN.md "Per-message state"): `queued` → `submitting` (claimed before the provider call)
 * → `submitted` (provider accepted; "Sent") → `delivered` | `undelivered` | `failed` | `expired`; plus
 * `rejected` (refused at submit), `suppressed` (never sent) and `unknown` (no final DLR in time).
 *
 * DLR precedence follows providers.md §9.3: rank `queued` 0 < `sent` 1 < finals 2, `unknown` 1.5; never
 * move to a lower rank, duplicates are no-ops, a final keeps the first final except that a strong final
 * replaces `unknown`. Multi-part roll-up follows §9.4.
 *
 * @module
 */
import { assertEvent, assign, initialTransition, setup, transition } from 'xstate';
import type { DeliveryStatus, FailureReason, MessageStatus } from './message-status.js';

/** A delivery receipt for the message, normalized (providers.md §9.1). */
export interface DlrEvent {
  type: 'DLR';
  status: DeliveryStatus;
  /**
   * Set when the provider reports per segment (Vonage SMS API, SMPP; providers.md §9.4): `index` is
   * 1-based (`1..total`), `total` the number of parts. A receipt with an index outside `1..total` is
   * ignored.
   */
  part?: { index: number; total: number };
  reason?: FailureReason;
  errorCode?: string;
  /** The provider's own status word (`DELIVRD`, `undelivered`...), kept for the operator. */
  providerStatus?: string;
}

/** Everything that can happen to one outbound message. */
export type MessageEvent =
  /** A send attempt claims a `queued` message before calling the provider. */
  | { type: 'CLAIM' }
  /** The claimed attempt did not reach the provider; the message may be sent again. */
  | { type: 'RELEASE' }
  /** The provider accepted the message; `parts` is the segment count it reports or we computed. */
  | { type: 'SUBMIT_ACCEPTED'; providerMessageId: string; parts: number }
  /** The provider refused the message at submit (invalid number, opted out, sender not allowed...). */
  | { type: 'SUBMIT_REJECTED'; reason: FailureReason; errorCode?: string; errorText?: string }
  /** The submit failed for good on our or the provider's side (not a retryable error). */
  | { type: 'SUBMIT_FAILED'; reason: FailureReason; errorCode?: string; errorText?: string }
  /** The message will never be sent (opted out, quiet hours over, canceled...). */
  | { type: 'SUPPRESS'; reason: FailureReason }
  | DlrEvent
  /** The batch's DLR timeout passed before a final DLR arrived. */
  | { type: 'DLR_TIMEOUT' };

/**
 * One message's state, plain and JSON-serialisable (the workflow keeps hundreds in memory and sends
 * them to PostgreSQL). Optional fields are absent, never `undefined`, in states this module returns.
 */
export interface MessageState {
  status: MessageStatus;
  /** The provider's id from the submit response; absent until it is known. */
  providerMessageId?: string;
  /** Number of SMS segments (parts) of the message; 1 until the provider or a part DLR says more. */
  parts: number;
  /** Latest status per part, keyed by the 1-based part index; empty unless per-part DLRs arrived. */
  partStatuses: Record<number, DeliveryStatus>;
  reason?: FailureReason;
  errorCode?: string;
  errorText?: string;
  providerStatus?: string;
}

type MessageContext = Omit<MessageState, 'status'>;

/** States in which a DLR can still change the message; in the others a DLR is always a no-op. */
type DlrSource = 'queued' | 'submitting' | 'submitted' | 'unknown';
const DLR_TARGETS = [
  'submitted',
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'rejected',
  'unknown',
] as const;
type DlrTarget = (typeof DLR_TARGETS)[number];

const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  queued: 0,
  sent: 1,
  unknown: 1.5,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  expired: 2,
  rejected: 2,
};

/** Which final-negative part status wins the roll-up (providers.md §9.4), strongest first. */
const NEGATIVE_PRECEDENCE = ['rejected', 'undelivered', 'expired', 'failed', 'unknown'] as const;

/** §9.3 for one status line: only a higher rank replaces the current status; equal ranks keep the first. */
function mergeDelivery(current: DeliveryStatus | undefined, next: DeliveryStatus): DeliveryStatus {
  if (current === undefined) return next;
  return DELIVERY_RANK[next] > DELIVERY_RANK[current] ? next : current;
}

/** Rolls per-part statuses up to a message status (§9.4); `sent` while any part is not final. */
function rollUpParts(partStatuses: Record<number, DeliveryStatus>, total: number): DeliveryStatus {
  const statuses: DeliveryStatus[] = [];
  for (let index = 1; index <= total; index += 1) {
    const status = partStatuses[index];
    if (status === undefined || DELIVERY_RANK[status] < DELIVERY_RANK.unknown) return 'sent';
    statuses.push(status);
  }
  return NEGATIVE_PRECEDENCE.find((negative) => statuses.includes(negative)) ?? 'delivered';
}

function toMessageStatus(status: DeliveryStatus): DlrTarget {
  return status === 'queued' || status === 'sent' ? 'submitted' : status;
}

interface DlrOutcome {
  status: DlrTarget;
  parts: number;
  partStatuses: Record<number, DeliveryStatus>;
}

/**
 * What a DLR does to a message in state `from`, or `undefined` when it changes nothing. Any DLR in
 * `queued`/`submitting` proves the provider has the message (it can beat the send response, §9.5 and
 * vector V50), so it moves the message to at least `submitted`.
 */
function dlrOutcome(from: DlrSource, context: MessageContext, event: DlrEvent): DlrOutcome | undefined {
  const current: DeliveryStatus | undefined =
    from === 'submitted' ? 'sent' : from === 'unknown' ? 'unknown' : undefined;
  let { parts, partStatuses } = context;
  let reported = event.status;
  if (event.part) {
    const { index, total } = event.part;
    if (!Number.isInteger(total) || !Number.isInteger(index) || index < 1 || index > Math.max(parts, total)) {
      return undefined;
    }
    parts = Math.max(parts, total);
    const previous = partStatuses[index];
    const next = mergeDelivery(previous, event.status);
    if (next !== previous) partStatuses = { ...partStatuses, [index]: next };
    reported = rollUpParts(partStatuses, parts);
  }
  const status = toMessageStatus(mergeDelivery(current, reported));
  if (status === from && parts === context.parts && partStatuses === context.partStatuses) return undefined;
  return { status, parts, partStatuses };
}

/**
 * DLR transitions out of `from`: one guarded candidate per target status. In `submitted` and `unknown` a
 * last candidate records a DLR that changes part statuses without changing the message status; in
 * `unknown` it records only the parts, so the reason stays `dlr_timeout` until a strong final arrives.
 */
function dlrTransitions(from: DlrSource) {
  const moves = DLR_TARGETS.filter((to) => to !== from).map((to) => ({
    guard: { type: 'dlrLeadsTo' as const, params: { from, to } },
    target: to,
    actions: { type: 'recordDlr' as const, params: { from } },
  }));
  if (from !== 'submitted' && from !== 'unknown') return moves;
  const record = from === 'unknown' ? ('recordPartStatuses' as const) : ('recordDlr' as const);
  return [
    ...moves,
    {
      guard: { type: 'dlrLeadsTo' as const, params: { from, to: from } },
      actions: { type: record, params: { from } },
    },
  ];
}

/** States that may learn the provider id late (the DLR beat the send response, vector V50). */
const acceptanceFillIn = { guard: 'providerIdMissing' as const, actions: 'recordAcceptance' as const };

/** The XState v5 machine of one outbound message. Use {@link applyMessageEvent} rather than actors. */
export const messageMachine = setup({
  types: {
    context: {} as MessageContext,
    events: {} as MessageEvent,
  },
  actions: {
    recordAcceptance: assign(({ context, event }) => {
      assertEvent(event, 'SUBMIT_ACCEPTED');
      return { providerMessageId: event.providerMessageId, parts: Math.max(context.parts, event.parts) };
    }),
    recordSubmitOutcome: assign(({ event }) => {
      assertEvent(event, ['SUBMIT_REJECTED', 'SUBMIT_FAILED']);
      return { reason: event.reason, errorCode: event.errorCode, errorText: event.errorText };
    }),
    recordSuppression: assign(({ event }) => {
      assertEvent(event, 'SUPPRESS');
      return { reason: event.reason };
    }),
    recordDlr: assign(({ context, event }, params: { from: DlrSource }) => {
      assertEvent(event, 'DLR');
      const outcome = dlrOutcome(params.from, context, event);
      return {
        parts: outcome?.parts ?? context.parts,
        partStatuses: outcome?.partStatuses ?? context.partStatuses,
        reason: event.reason ?? context.reason,
        errorCode: event.errorCode ?? context.errorCode,
        providerStatus: event.providerStatus ?? context.providerStatus,
      };
    }),
    recordPartStatuses: assign(({ context, event }, params: { from: DlrSource }) => {
      assertEvent(event, 'DLR');
      const outcome = dlrOutcome(params.from, context, event);
      return {
        parts: outcome?.parts ?? context.parts,
        partStatuses: outcome?.partStatuses ?? context.partStatuses,
      };
    }),
    markDlrTimeout: assign({ reason: 'dlr_timeout' as const }),
    forgetDlrTimeout: assign(({ context }) => ({
      reason: context.reason === 'dlr_timeout' ? undefined : context.reason,
    })),
  },
  guards: {
    providerIdMissing: ({ context }) => context.providerMessageId === undefined,
    dlrLeadsTo: ({ context, event }, params: { from: DlrSource; to: DlrTarget }) =>
      event.type === 'DLR' && dlrOutcome(params.from, context, event)?.status === params.to,
  },
}).createMachine({
  id: 'message',
  initial: 'queued',
  context: { parts: 1, partStatuses: {} },
  states: {
    queued: {
      on: {
        CLAIM: { target: 'submitting' },
        SUBMIT_ACCEPTED: { target: 'submitted', actions: 'recordAcceptance' },
        SUBMIT_REJECTED: { target: 'rejected', actions: 'recordSubmitOutcome' },
        SUBMIT_FAILED: { target: 'failed', actions: 'recordSubmitOutcome' },
        SUPPRESS: { target: 'suppressed', actions: 'recordSuppression' },
        DLR: dlrTransitions('queued'),
        DLR_TIMEOUT: { target: 'unknown', actions: 'markDlrTimeout' },
      },
    },
    submitting: {
      on: {
        RELEASE: { target: 'queued' },
        SUBMIT_ACCEPTED: { target: 'submitted', actions: 'recordAcceptance' },
        SUBMIT_REJECTED: { target: 'rejected', actions: 'recordSubmitOutcome' },
        SUBMIT_FAILED: { target: 'failed', actions: 'recordSubmitOutcome' },
        SUPPRESS: { target: 'suppressed', actions: 'recordSuppression' },
        DLR: dlrTransitions('submitting'),
        DLR_TIMEOUT: { target: 'unknown', actions: 'markDlrTimeout' },
      },
    },
    submitted: {
      on: {
        SUBMIT_ACCEPTED: acceptanceFillIn,
        DLR: dlrTransitions('submitted'),
        DLR_TIMEOUT: { target: 'unknown', actions: 'markDlrTimeout' },
      },
    },
    // Final states are not XState `type: 'final'`: a stopped snapshot would refuse the late provider
    // id (V50), and `unknown` must stay open to a strong final DLR (providers.md §9.3).
    delivered: { on: { SUBMIT_ACCEPTED: acceptanceFillIn } },
    undelivered: { on: { SUBMIT_ACCEPTED: acceptanceFillIn } },
    failed: { on: { SUBMIT_ACCEPTED: acceptanceFillIn } },
    expired: { on: { SUBMIT_ACCEPTED: acceptanceFillIn } },
    rejected: {},
    suppressed: {},
    unknown: {
      exit: 'forgetDlrTimeout',
      on: {
        SUBMIT_ACCEPTED: acceptanceFillIn,
        DLR: dlrTransitions('unknown'),
      },
    },
  },
});

const INITIAL_CONTEXT = initialTransition(messageMachine)[0].context;

/**
 * A fresh message state: `queued` with one part, or the given `status` (e.g. one read back from
 * PostgreSQL) with empty context; spread the remaining stored fields over the result to restore them.
 */
export function initialMessageState(status: MessageStatus = 'queued'): MessageState {
  return { status, ...INITIAL_CONTEXT, partStatuses: { ...INITIAL_CONTEXT.partStatuses } };
}

/**
 * Applies one event to a message state with XState's pure `transition` (no actor, no side effects).
 *
 * @returns the next state and `changed`: false for no-ops (duplicates, rank regressions, events that do
 *   not apply in the current status), in which case `state` is the very object passed in.
 * @throws Error from XState when `state.status` is not a {@link MessageStatus}.
 */
export function applyMessageEvent(
  state: MessageState,
  event: MessageEvent,
): { state: MessageState; changed: boolean } {
  const { status, ...context } = state;
  const snapshot = messageMachine.resolveState({ value: status, context });
  const [next] = transition(messageMachine, snapshot, event);
  const nextState = toMessageState(next.value, next.context);
  const changed = !sameMessageState(state, nextState);
  return { state: changed ? nextState : state, changed };
}

function toMessageState(status: MessageStatus, context: MessageContext): MessageState {
  const state: MessageState = { status, parts: context.parts, partStatuses: context.partStatuses };
  if (context.providerMessageId !== undefined) state.providerMessageId = context.providerMessageId;
  if (context.reason !== undefined) state.reason = context.reason;
  if (context.errorCode !== undefined) state.errorCode = context.errorCode;
  if (context.errorText !== undefined) state.errorText = context.errorText;
  if (context.providerStatus !== undefined) state.providerStatus = context.providerStatus;
  return state;
}

function sameMessageState(a: MessageState, b: MessageState): boolean {
  if (
    a.status !== b.status ||
    a.providerMessageId !== b.providerMessageId ||
    a.parts !== b.parts ||
    a.reason !== b.reason ||
    a.errorCode !== b.errorCode ||
    a.errorText !== b.errorText ||
    a.providerStatus !== b.providerStatus
  ) {
    return false;
  }
  const aParts = Object.entries(a.partStatuses);
  return (
    aParts.length === Object.keys(b.partStatuses).length &&
    aParts.every(([index, status]) => b.partStatuses[Number(index)] === status)
  );
}
