/**
 * Signals around the `inboundMessage` workflow. `onboardingReply` is the agreed contract with the
 * `onboarding` workflow (id `onboarding/<accountId>`): every processed MO of the account is signalled
 * there, whether or not onboarding awaits two-way proof; onboarding decides what it needs.
 *
 * @module
 */
import { defineSignal } from '@temporalio/workflow';
import type { KeywordClassification } from '../domain/keyword-matcher.js';

/** Payload of {@link onboardingReplySignal}. */
export interface OnboardingReplyPayload {
  /** The handset, E.164. */
  from: string;
  /** Our number or short code that received it. */
  to: string;
  classification: KeywordClassification;
  /** The full text (multi-part MOs reassembled). */
  body: string;
  /** `inbound_messages.id` of the (first part of the) MO. */
  inboundMessageId: string;
  /** True when an auto-reply (STOP/START confirmation, HELP text) went out for it. */
  autoReplySent: boolean;
}

/** Name of the signal the onboarding workflow handles. */
export const ONBOARDING_REPLY_SIGNAL = 'onboardingReply';

/** Sent by inboundMessage to `onboarding/<accountId>` after an MO is processed. */
export const onboardingReplySignal = defineSignal<[OnboardingReplyPayload]>(ONBOARDING_REPLY_SIGNAL);

/** Sent (with signalWithStart) to a multi-part MO's workflow each time one of its parts is logged. */
export const inboundPartArrivedSignal = defineSignal<[]>('inboundPartArrived');

/** Workflow id of the onboarding workflow of an account. */
export function onboardingWorkflowId(accountId: string): string {
  return `onboarding/${accountId}`;
}
