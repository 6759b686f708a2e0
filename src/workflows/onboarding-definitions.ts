/**
 * The messages of the `onboarding` workflow: one Update per checklist step (user actions, with
 * validators), signals for external facts, the checklist query, and the workflow's input.
 *
 * @module
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { FieldError } from '../domain/field-error.js';
import type { OnboardingStepId, StepState } from '../domain/onboarding-checklist.js';
import type { StepInputs } from '../domain/onboarding-step-input.js';

/** Durations of the workflow's waits, ms (inputs so tests run in seconds; DESIGN.md "Time"). */
export interface OnboardingOptions {
  /** Interval between reminders while sender registrations await approval. */
  reminderIntervalMs: number;
  /** How long the callbacks step waits for the test message's DLR and for the test reply before it says so. */
  callbackTimeoutMs: number;
  /** How long the two-way step waits for each reply before it says so. */
  twoWayTimeoutMs: number;
  /** How often consent is re-checked while no opted-in contact exists. */
  consentRecheckMs: number;
  /** The test campaign's DLR timeout and flush interval. */
  testCampaign: { dlrTimeoutMs: number; flushIntervalMs: number };
}

/** Input of `onboardingWorkflow` (workflow id `onboarding/<accountId>`). */
export interface OnboardingInput {
  accountId: string;
  options: OnboardingOptions;
}

/** Defaults for production: daily reminders, 10-minute callback waits, hourly consent checks. */
export const DEFAULT_ONBOARDING_OPTIONS: OnboardingOptions = {
  reminderIntervalMs: 86_400_000,
  callbackTimeoutMs: 600_000,
  twoWayTimeoutMs: 3_600_000,
  consentRecheckMs: 3_600_000,
  testCampaign: { dlrTimeoutMs: 600_000, flushIntervalMs: 2_000 },
};

/** A reply from a test number, as the inbound path classifies it (signal `onboardingReply`). */
export interface OnboardingReply {
  from: string;
  to: string;
  classification: 'OPT_OUT' | 'OPT_IN' | 'HELP' | 'NONE';
  body: string;
  inboundMessageId: string;
  autoReplySent: boolean;
}

/** A carrier/regulator decision on a sender registration (signal `registrationDecision`). */
export interface RegistrationDecision {
  sender: string;
  /** Needed only when the same sender is registered for several countries. */
  country?: string;
  status: 'approved' | 'rejected';
  /** Why it was rejected (the carrier's words). */
  reason?: string;
}

/** The checklist as the query answers it. */
export interface OnboardingView {
  accountId: string;
  currentStep: OnboardingStepId | 'complete';
  complete: boolean;
  countries: string[];
  steps: StepState[];
}

export const onboardingReplySignal = defineSignal<[OnboardingReply]>('onboardingReply');
export const registrationDecisionSignal = defineSignal<[RegistrationDecision]>('registrationDecision');
/** Consent changed (an import finished): re-check now. */
export const consentChangedSignal = defineSignal('consentChanged');
export const onboardingChecklistQuery = defineQuery<OnboardingView>('checklist');

/** `ApplicationFailure.type` of a validator rejection; `details[0]` is the FieldError[]. */
export const ONBOARDING_VALIDATION_FAILURE = 'onboarding_validation';
/** `ApplicationFailure.type` of an Update on a locked step; `details[0]` lists the steps it waits for. */
export const ONBOARDING_STEP_LOCKED_FAILURE = 'onboarding_step_locked';

/** The field errors carried by a validator rejection. */
export type OnboardingValidationDetails = [FieldError[]];

type StepUpdates = { [S in OnboardingStepId]: UpdateDefinition<StepState, [StepInputs[S]]> };

/** One Update per step, named `step.<id>`; each answers the step's state once the action is accepted. */
export const stepUpdates: StepUpdates = {
  countries: defineUpdate('step.countries'),
  sending_option: defineUpdate('step.sending_option'),
  senders: defineUpdate('step.senders'),
  connect_provider: defineUpdate('step.connect_provider'),
  callbacks: defineUpdate('step.callbacks'),
  consent: defineUpdate('step.consent'),
  keywords: defineUpdate('step.keywords'),
  test_campaign: defineUpdate('step.test_campaign'),
  two_way: defineUpdate('step.two_way'),
  monitor: defineUpdate('step.monitor'),
};
