import { afterEach, describe, expect, it } from 'vitest';
import { FAST_ONBOARDING, postStep, usTenDlc, waitForStep } from '../helpers/onboarding-driver.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

const SENDER = '+12015550100';
const TEST_NUMBER = '+12025550143';

describe('onboarding survives worker restarts', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('continues mid-checklist on a new worker: an approval and a reply that arrived while no worker ran', { timeout: 300_000 }, async () => {
    stack = await startTestStack({ worker: false, sandbox: { outcomes: { delivered: 1 }, dlrDelayMs: { min: 50, max: 100 } } });
    const s = stack;
    const stop = async (w: Awaited<ReturnType<TestStack['startWorker']>>) => {
      w.worker.shutdown();
      await w.done;
    };
    let worker = await s.startWorker();
    expect((await s.call('POST', '/v1/onboarding', { ...FAST_ONBOARDING, reminder_interval_seconds: 3600 })).status).toBe(200);
    await postStep(s, 'countries', { countries: ['US'] });
    await postStep(s, 'sending_option', { option: 'managed', provider: 'sandbox' });
    expect((await postStep(s, 'senders', { registrations: [usTenDlc(SENDER)] })).body.status).toBe('in_progress');

    // Worker gone while the registration waits on its (hour-long) reminder timer; the approval arrives meanwhile.
    await stop(worker);
    expect((await s.call('POST', '/v1/onboarding/registrations/decision', { sender: SENDER, status: 'approved' })).status).toBe(202);
    worker = await s.startWorker();
    await waitForStep(s, 'senders', (x) => x.status === 'done');
    const connected = await postStep(s, 'connect_provider', { connection_id: s.connectionId });
    expect(connected.body.status).toBe('done');
    const moUrl = (connected.body.evidence!.webhooks as { mo: string }).mo;

    // Worker gone again while the callbacks step waits for the test reply; the reply lands meanwhile.
    await postStep(s, 'callbacks', { test_number: TEST_NUMBER, sender: SENDER });
    await waitForStep(s, 'callbacks', (x) => x.detail?.waiting_for === 'mo');
    await stop(worker);
    const restartedAt = Date.now();
    s.sandbox.sendInbound({ from: TEST_NUMBER, to: SENDER, body: 'hello', url: moUrl });
    await s.sandbox.waitForIdle(10_000);
    worker = await s.startWorker();
    const done = await waitForStep(s, 'callbacks', (x) => x.status === 'done');
    expect(done.evidence).toMatchObject({ dlr_status: 'delivered', mo: { body: 'hello' } });
    const history = await s.env.client.workflow.getHandle(`onboarding/${s.accountId}`).fetchHistory();
    // The reply was signalled while no worker ran, and handled by the new one (a fresh cache: it replayed).
    const signalled = history.events!.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'onboardingReply');
    expect(Number(signalled!.eventTime!.seconds) * 1000).toBeGreaterThanOrEqual(Math.floor(restartedAt / 1000) * 1000);
    const tasksAfter = history.events!.filter((e) => e.workflowTaskCompletedEventAttributes && Number(e.eventTime!.seconds) * 1000 >= Math.floor(restartedAt / 1000) * 1000);
    expect(tasksAfter.length).toBeGreaterThan(0);
  });
});
