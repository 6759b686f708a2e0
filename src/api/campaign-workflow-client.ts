import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowClient } from '@temporalio/client';
import {
  campaignProgressQuery,
  campaignWorkflow,
  cancelCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
} from '../workflows/campaign-workflow.js';
import type { CampaignProgress, CampaignRunOptions } from '../workflows/campaign-workflow.js';
import { AccountIdKey, CampaignIdKey, CampaignStatusKey } from '../workflows/search-attributes.js';

/** A campaign control signal the API can send. */
export type CampaignAction = 'pause' | 'resume' | 'cancel';

/** How long a progress query may take before the API answers without it, ms. */
const PROGRESS_QUERY_TIMEOUT_MS = 3000;

/**
 * Deadline of a start or signal call, ms. Without one the client retries an unreachable server for
 * ~20 s while the HTTP request hangs; retrying a start after a timeout is safe (USE_EXISTING).
 */
const COMMAND_TIMEOUT_MS = 10_000;

/** Thrown by {@link CampaignWorkflowClient.signal} when the campaign's workflow is not running. */
export class CampaignWorkflowNotRunningError extends Error {
  readonly code = 'campaign_workflow_not_running';
  override readonly name = 'CampaignWorkflowNotRunningError';
}

/** The API's view of Temporal: start, signal and query campaign workflows. */
export interface CampaignWorkflowClient {
  /**
   * Starts `campaignWorkflow` under `workflowId` with the campaign's search attributes. Idempotent: a
   * running workflow with that id is reused (USE_EXISTING) and a closed one is never started again
   * (REJECT_DUPLICATE), so a retried request cannot run a campaign twice.
   * @throws whatever the Temporal client throws when the server is unreachable (after 10 s at most).
   */
  start(input: {
    workflowId: string;
    campaignId: string;
    accountId: string;
    options: CampaignRunOptions;
  }): Promise<void>;
  /**
   * Sends pause/resume/cancel to the campaign workflow.
   * @throws {CampaignWorkflowNotRunningError} when the workflow does not exist or has closed.
   */
  signal(workflowId: string, action: CampaignAction): Promise<void>;
  /** The workflow's `progress` query, or null when Temporal does not answer within 3 s. */
  progress(workflowId: string): Promise<CampaignProgress | null>;
}

const SIGNALS = {
  pause: pauseCampaignSignal,
  resume: resumeCampaignSignal,
  cancel: cancelCampaignSignal,
} as const;

/** The gRPC deadline `ms` from now: a timeout, so real time (not the business clock). */
function rpcDeadline(ms: number): number {
  // eslint-disable-next-line no-restricted-syntax -- a timeout runs on real time
  return Date.now() + ms;
}

/** Builds a {@link CampaignWorkflowClient} over a Temporal `WorkflowClient` and task queue. */
export function createCampaignWorkflowClient(
  temporal: WorkflowClient,
  taskQueue: string,
): CampaignWorkflowClient {
  return {
    async start({ workflowId, campaignId, accountId, options }) {
      try {
        await temporal.withDeadline(rpcDeadline(COMMAND_TIMEOUT_MS), () =>
          temporal.start(campaignWorkflow, {
            taskQueue,
            workflowId,
            args: [{ campaignId, accountId, options }],
            typedSearchAttributes: [
              { key: CampaignIdKey, value: campaignId },
              { key: AccountIdKey, value: accountId },
              { key: CampaignStatusKey, value: 'running' },
            ],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        // The campaign already ran to completion under this id: nothing to start.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },

    async signal(workflowId, action) {
      try {
        await temporal.withDeadline(rpcDeadline(COMMAND_TIMEOUT_MS), () =>
          temporal.getHandle(workflowId).signal(SIGNALS[action]),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new CampaignWorkflowNotRunningError(`workflow ${workflowId} is not running`, { cause: err });
        }
        throw err;
      }
    },

    async progress(workflowId) {
      try {
        return await temporal.withDeadline(rpcDeadline(PROGRESS_QUERY_TIMEOUT_MS), () =>
          temporal.getHandle(workflowId).query(campaignProgressQuery),
        );
      } catch {
        return null;
      }
    },
  };
}
