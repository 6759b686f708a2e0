import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps } from '../activities/activity-deps.js';
import { createActivities } from '../activities/create-activities.js';

/** Absolute path of the workflows entry next to this file (src/ under vitest, dist/src/ when built). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url));

/** Options of {@link createSmsflowWorker}. */
export interface SmsflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt workflow bundle (tests build one once); default: bundle WORKFLOWS_PATH at start. */
  workflowBundlePath?: string;
  /** Extra Temporal worker options (slots, cache size). */
  tuning?: Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>>;
}

/**
 * Creates the smsflow worker: every workflow and activity on one task queue. Scale out by running
 * more workers on the same queue; in-flight activities get `shutdownGraceTime` to finish (they
 * heartbeat, so a killed worker's activity is retried elsewhere within the heartbeat timeout).
 */
export async function createSmsflowWorker(options: SmsflowWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(options.deps),
    shutdownGraceTime: '10s',
    maxConcurrentActivityTaskExecutions: 50,
    // Heartbeats reach the server at least every second (default: 0.8 × the heartbeat timeout), so a
    // short heartbeat timeout (send activities: 5 s) keeps seconds of margin on a loaded machine and a
    // pause/cancel reaches a running activity within about a second.
    maxHeartbeatThrottleInterval: '1s',
    ...options.tuning,
  });
}
