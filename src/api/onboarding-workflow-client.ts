import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { WorkflowClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FieldError } from '../domain/field-error.js';
import type { OnboardingStepId, StepState } from '../domain/onboarding-checklist.js';
import type { StepInputs } from '../domain/onboarding-step-input.js';
import type { OnboardingOptions, OnboardingView, RegistrationDecision } from '../workflows/onboarding-definitions.js';
import {
  ONBOARDING_STEP_LOCKED_FAILURE,
  ONBOARDING_VALIDATION_FAILURE,
  onboardingChecklistQuery,
  registrationDecisionSignal,
  stepUpdates,
} from '../workflows/onboarding-definitions.js';
import { onboardingWorkflow } from '../workflows/onboarding-workflow.js';
import { AccountIdKey, OnboardingStepKey } from '../workflows/search-attributes.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from './api-error.js';

/** Deadline of one Temporal call from the API, ms (an Update waits for a worker to accept it). */
const COMMAND_TIMEOUT_MS = 10_000;

/** Workflow id of an account's onboarding. */
export function onboardingWorkflowId(accountId: string): string {
  return `onboarding/${accountId}`;
}

/** The API's view of the onboarding workflow. */
export interface OnboardingWorkflowClient {
  /** Starts `onboarding/<accountId>` unless it runs or ran (USE_EXISTING + REJECT_DUPLICATE): idempotent. */
  start(accountId: string, options: OnboardingOptions): Promise<void>;
  /** The checklist query. @throws {NotFoundError} when onboarding was never started. */
  checklist(accountId: string): Promise<OnboardingView>;
  /**
   * Executes the step's Update.
   * @throws {ValidationError} (422) listing each field the validator refused: no history event.
   * @throws {ConflictError} (409) when the step is locked; {NotFoundError} when not started;
   *   {ServiceUnavailableError} (503) when no worker answered within 10 s.
   */
  executeStep<S extends OnboardingStepId>(accountId: string, step: S, input: StepInputs[S]): Promise<StepState>;
  /** Signals a registration decision. @throws {NotFoundError} when not started. */
  decideRegistration(accountId: string, decision: RegistrationDecision): Promise<void>;
}

function translate(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError('onboarding has not been started: POST /v1/onboarding');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    if (f.type === ONBOARDING_VALIDATION_FAILURE) throw new ValidationError((f.details?.[0] as FieldError[] | undefined) ?? [{ field: 'body', reason: f.message }]);
    if (f.type === ONBOARDING_STEP_LOCKED_FAILURE) throw new ConflictError(f.message);
  }
  // No worker answered within the deadline (overload, no worker running): retryable.
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err instanceof ServiceError) throw new ServiceUnavailableError('Temporal did not answer in time; retry', { cause: err });
  throw err;
}

/** Builds an {@link OnboardingWorkflowClient} over a Temporal client and task queue. */
export function createOnboardingWorkflowClient(temporal: WorkflowClient, taskQueue: string): OnboardingWorkflowClient {
  // eslint-disable-next-line no-restricted-syntax -- a gRPC deadline is a timeout: real time
  const deadline = <T>(fn: () => Promise<T>) => temporal.withDeadline(Date.now() + COMMAND_TIMEOUT_MS, fn);
  return {
    async start(accountId, options) {
      try {
        await deadline(() =>
          temporal.start(onboardingWorkflow, {
            taskQueue,
            workflowId: onboardingWorkflowId(accountId),
            args: [{ accountId, options }],
            typedSearchAttributes: [
              { key: AccountIdKey, value: accountId },
              { key: OnboardingStepKey, value: 'countries' },
            ],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // completed earlier: nothing to start
        throw err;
      }
    },
    async checklist(accountId) {
      try {
        return await deadline(() => temporal.getHandle(onboardingWorkflowId(accountId)).query(onboardingChecklistQuery));
      } catch (err) {
        return translate(err);
      }
    },
    async executeStep(accountId, step, input) {
      try {
        return await deadline(() => temporal.getHandle(onboardingWorkflowId(accountId)).executeUpdate(stepUpdates[step], { args: [input] }));
      } catch (err) {
        return translate(err);
      }
    },
    async decideRegistration(accountId, decision) {
      try {
        await deadline(() => temporal.getHandle(onboardingWorkflowId(accountId)).signal(registrationDecisionSignal, decision));
      } catch (err) {
        translate(err);
      }
    },
  };
}
