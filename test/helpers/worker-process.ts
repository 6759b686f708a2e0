import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../src/project-root.js';
import type { TestStack } from './test-stack.js';
import { pollUntil } from './work-deadline.js';

/**
 * A worker in its own process (`smsflow worker` from dist/: the pretest build makes it) on the stack's
 * task queue: a second worker beside the in-process one, or one a test can SIGKILL. It runs on the
 * stack's clock: `CLOCK_START_AT` is the clock's instant at spawn, so the child's clock trails the
 * stack's by its start-up time (about a second; set the stack's clock before spawning).
 */
export function spawnWorkerProcess(stack: TestStack): ChildProcess {
  return spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'smsflow.js'), 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      PUBLIC_BASE_URL: stack.api.publicBaseUrl,
      CREDENTIALS_KEY: stack.credentialsKey,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      LOG_LEVEL: 'warn',
      ...(stack.clock.offsetMs !== 0 ? { CLOCK_START_AT: stack.clock().toISOString() } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Resolves once the worker process polls the stack's workflow and activity task queues; throws if it exits or `timeoutMs` passes. */
export async function workerProcessPolling(stack: TestStack, child: ChildProcess, timeoutMs: number): Promise<void> {
  const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
  const polls = async (taskQueueType: proto.temporal.api.enums.v1.TaskQueueType) => {
    const res = await stack.env.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: stack.taskQueue }, taskQueueType });
    return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(`${child.pid}@`));
  };
  await pollUntil(
    'the worker process polling its task queue',
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('the worker process exited during start-up');
      return (await polls(TASK_QUEUE_TYPE_WORKFLOW)) && (await polls(TASK_QUEUE_TYPE_ACTIVITY));
    },
    timeoutMs,
    250,
  );
}

/** Stops a worker process started by {@link spawnWorkerProcess} (SIGTERM) and waits for it to exit; no-op when gone. */
export async function stopWorkerProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
