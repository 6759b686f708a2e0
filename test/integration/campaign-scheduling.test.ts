import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { numbersInAreaCode, seedLocatedContacts } from '../helpers/seed-located-contacts.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';
import { spawnWorkerProcess, stopWorkerProcess, workerProcessPolling } from '../helpers/worker-process.js';

const BODY = [{ key: 'A', weight: 1, body: 'Hi, reply STOP to opt out.' }];

/** Deadlines from the work (work-deadline.ts). */
const WAIT = {
  START_AT: deadlineFor({ messages: 20, dlrTimeoutS: 30, plannedMs: 5_000 }),
  CANCEL: deadlineFor({ messages: 0 }),
  LOCAL_TIME: deadlineFor({ messages: 20, dlrTimeoutS: 30, plannedMs: 10_000 }),
  /** A worker process's start (node, the workflow bundle, connections). */
  WORKER_START: deadlineFor({ messages: 0, plannedMs: 10_000 }),
  CHILD_START_AT: deadlineFor({ messages: 5, dlrTimeoutS: 30, plannedMs: 5_000 }),
};

describe('campaign scheduling through the API', () => {
  let stack: TestStack | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await stopWorkerProcess(child);
    child = undefined;
    await stack?.close();
    stack = undefined;
  });

  it('start_at: the workflow waits on a durable timer (progress "scheduled") until the instant by the business clock, then sends everything', { timeout: testTimeoutFor(WAIT.START_AT) }, async () => {
    // Any instant of the suite's clock: start_at is 5 s after it, however far that is from the wall clock.
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    const numbers = numbersInAreaCode('212', 20);
    // GB with an all-day campaign window (GB's default is not binding), so the hour never interferes.
    await seedLocatedContacts(stack, numbers, { timeZone: 'Europe/London', country: 'GB' });
    const startAtIso = new Date(stack.clock().getTime() + 5_000).toISOString();
    const startAt = stack.clock.realOf(startAtIso);
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, start_at: startAtIso, quiet_hours_window: '00:00-24:00' }, BODY);
    await new Promise((r) => setTimeout(r, 2_000));
    const early = await stack.call<{ progress: { status: string } | null; settings: Record<string, unknown> }>('GET', `/v1/campaigns/${id}`);
    expect(early.body.progress?.status).toBe('scheduled');
    expect(early.body.settings['start_at']).toBe(startAtIso);
    expect(stack.sandbox.stats().accepted).toBe(0);
    const campaign = await stack.waitForCampaign(id, WAIT.START_AT);
    expect(campaign.status).toBe('completed');
    const sent = numbers.flatMap((to) => stack!.sandbox.messages({ to }));
    expect(sent).toHaveLength(20);
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(startAt);
  });

  it('start_at: cancel before the start sends nothing and ends canceled', { timeout: testTimeoutFor(WAIT.CANCEL) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await seedLocatedContacts(stack, numbersInAreaCode('212', 5));
    const id = await stack.createCampaign({ start_at: new Date(stack.clock().getTime() + 600_000).toISOString() }, BODY);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`)).status).toBe(202);
    const campaign = await stack.waitForCampaign(id, WAIT.CANCEL);
    expect(campaign.status).toBe('canceled');
    expect(stack.sandbox.stats().accepted).toBe(0);
  });

  it('send_at_local_time 10:00: New York goes at 10:00 New York time; Los Angeles, 3 hours later, is past the validity', { timeout: testTimeoutFor(WAIT.LOCAL_TIME) }, async () => {
    stack = await startTestStack({ clock: '2026-06-16T13:59:50Z', sandbox: { outcomes: { delivered: 1 } } });
    const ny = numbersInAreaCode('212', 10);
    const la = numbersInAreaCode('213', 10);
    await seedLocatedContacts(stack, [...ny, ...la]);
    stack.clock.set('2026-06-16T13:59:50Z'); // from now on: 09:59:50 EDT, 06:59:50 PDT
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, send_at_local_time: '10:00', validity_seconds: 600 }, BODY);
    const campaign = await stack.waitForCampaign(id, WAIT.LOCAL_TIME);
    const tenNewYork = stack.clock.realOf('2026-06-16T14:00:00Z');
    const sent = [...ny, ...la].flatMap((to) => stack!.sandbox.messages({ to }));
    expect(sent.map((m) => m.to).sort()).toEqual([...ny].sort());
    for (const m of sent) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(tenNewYork - 50);
    expect(campaign.stats.totals.reasons['expired']).toBe(10);
  });

  it('a worker in its own process runs on the stack\'s clock (CLOCK_START_AT): it waits for start_at by that clock', { timeout: testTimeoutFor(WAIT.WORKER_START, WAIT.CHILD_START_AT) }, async () => {
    stack = await startTestStack({ worker: false, sandbox: { outcomes: { delivered: 1 } } });
    child = spawnWorkerProcess(stack);
    const numbers = numbersInAreaCode('212', 5);
    await seedLocatedContacts(stack, numbers, { timeZone: 'Europe/London', country: 'GB' });
    await workerProcessPolling(stack, child, WAIT.WORKER_START);
    const startAtIso = new Date(stack.clock().getTime() + 5_000).toISOString();
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300, start_at: startAtIso, quiet_hours_window: '00:00-24:00' }, BODY);
    // On the wall clock start_at is long past (or far ahead): only a worker on the stack's clock waits ~5 s.
    const progress = await pollUntil('the campaign workflow answering', async () => (await stack!.call<{ progress: { status: string } | null }>('GET', `/v1/campaigns/${id}`)).body.progress ?? undefined, WAIT.WORKER_START);
    expect(progress.status).toBe('scheduled');
    const campaign = await stack.waitForCampaign(id, WAIT.CHILD_START_AT);
    expect(campaign.status).toBe('completed');
    // The process's clock trails the stack's by its start-up time: it starts no earlier than start_at.
    for (const m of numbers.flatMap((to) => stack!.sandbox.messages({ to }))) expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(stack.clock.realOf(startAtIso));
  });
});
