import { readFile } from 'node:fs/promises';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

/**
 * Replays the onboarding history recorded from a real end-to-end run (test/fixtures, written by
 * `RECORD_ONBOARDING_HISTORY=1 npx vitest run test/integration/onboarding-end-to-end.test.ts`)
 * against today's workflow code: a change that would break running onboardings fails here.
 */
describe('onboarding workflow replay', () => {
  const load = async () => JSON.parse(await readFile('test/fixtures/onboarding-history.json', 'utf8')) as { events: { eventType?: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[] };
  const options = () => ({ workflowBundle: { codePath: inject('workflowBundlePath') } });

  it('replays the recorded history of all ten steps deterministically', async () => {
    await Worker.runReplayHistory(options(), await load(), 'onboarding/recorded');
  });

  it('detects nondeterminism: the same history with one activity renamed fails', async () => {
    const history = await load();
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'testOnboardingConnection');
    expect(scheduled).toBeDefined();
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'somethingElse';
    await expect(Worker.runReplayHistory(options(), history, 'onboarding/tampered')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
