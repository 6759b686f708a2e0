import { afterEach, describe, expect, it } from 'vitest';
import { recordSubmits } from '../../src/db/message-repository.js';
import { formatSandboxSignatureHeader } from '../../src/providers/sandbox/sandbox-signature.js';
import { countWhere, startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { spawnWorkerProcess } from '../helpers/worker-process.js';
import type { CampaignStats } from '../../src/db/campaign-stats.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';

/** Deadlines from the work (work-deadline.ts). */
const WAIT = {
  /** The spawned worker's start (a node process loading the workflow bundle), then 300 sends. */
  FIRST_300: deadlineFor({ messages: 300, plannedMs: 10_000 }),
  AFTER_KILL: deadlineFor({ messages: 2_000, dlrTimeoutS: 120 }),
  SLOW_SUBMITS: deadlineFor({ messages: 300, dlrTimeoutS: 60 }),
  SWEEP_ONLY: deadlineFor({ messages: 200, dlrTimeoutS: 60 }),
  DLR_TIMEOUT: deadlineFor({ messages: 50, dlrTimeoutS: 3 }),
  /** The late receipts come 6 s after their message. */
  LATE: deadlineFor({ messages: 50, plannedMs: 6_000 }),
};

/** Every recipient the sandbox saw got exactly one message, and our stats match its records. */
function expectExactlyOncePerRecipient(stack: TestStack, totals: CampaignStats['totals'], recipients: number) {
  const sb = stack.sandbox.stats({ includeRecipients: true });
  expect(totals.messages).toBe(recipients);
  expect(totals.pending).toBe(0);
  expect(Object.values(sb.byRecipient).filter((n) => n !== 1)).toEqual([]);
  expect(Object.keys(sb.byRecipient)).toHaveLength(sb.accepted);
  expect(totals.sent).toBe(sb.accepted);
  expect(totals.delivered).toBe(sb.outcomes.delivered);
}

describe('delivery promises under faults', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a worker killed with SIGKILL mid-send: a new worker completes the campaign, every recipient got exactly one message', { timeout: testTimeoutFor(WAIT.FIRST_300, WAIT.AFTER_KILL, 20_000) }, async () => {
    stack = await startTestStack({ worker: false, sandbox: { submitLatencyMs: { min: 40, max: 60 }, outcomes: { delivered: 1 } } });
    await stack.seedContacts(2_000);
    const child = spawnWorkerProcess(stack);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const id = await stack.createCampaign({ batch_size: 200, max_concurrent_batches: 2, dlr_timeout_seconds: 120, flush_interval_ms: 300 });
    await pollUntil('the child worker sent 300', () => stack!.sandbox.stats().accepted >= 300, WAIT.FIRST_300, 50);
    child.kill('SIGKILL');
    await exited;
    const atKill = stack.sandbox.stats().accepted;
    expect(atKill).toBeLessThan(2_000); // really mid-send
    await stack.startWorker();
    const campaign = await stack.waitForCampaign(id, WAIT.AFTER_KILL);
    await stack.sandbox.waitForIdle(20_000);
    expect(campaign.status).toBe('completed');
    expectExactlyOncePerRecipient(stack, campaign.stats.totals, 2_000);
    expect(stack.sandbox.stats().accepted).toBe(2_000);
  });

  it('receipts that beat the send response still land (the DLR arrives while the message is being submitted)', { timeout: testTimeoutFor(WAIT.SLOW_SUBMITS) }, async () => {
    stack = await startTestStack({
      sandbox: { submitLatencyMs: { min: 150, max: 250 }, dlrDelayMs: { min: 0, max: 10 }, reorderRate: 0.3, duplicateRate: 0.3 },
    });
    await stack.seedContacts(300);
    const id = await stack.createCampaign({ batch_size: 100, max_concurrent_batches: 3, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    const campaign = await stack.waitForCampaign(id, WAIT.SLOW_SUBMITS);
    await stack.sandbox.waitForIdle(10_000);
    expect(campaign.status).toBe('completed');
    expectExactlyOncePerRecipient(stack, campaign.stats.totals, 300);
    expect(campaign.stats.totals.unknown).toBe(0);
  });

  it('with the in-memory signal path gone, the log sweeper alone delivers every acknowledged DLR', { timeout: testTimeoutFor(WAIT.SWEEP_ONLY) }, async () => {
    // flushIntervalMs of 10 minutes: the dispatcher never signals from memory, as after an API crash
    // right after its 2xx; only the sweep of webhook_events can deliver.
    stack = await startTestStack({ dispatcher: { flushIntervalMs: 600_000, sweepIntervalMs: 500, sweepMinAgeMs: 200 } });
    // The webhook's in-memory hand-off is dropped (as if the API died after its 2xx); only what the
    // sweep reads back from the log is queued. (The sweep also flushes the queue, so without this the
    // webhook's own events would ride along and a broken sweep could go unnoticed.)
    const dispatcher = stack.api.dispatcher;
    const enqueue = dispatcher.enqueue.bind(dispatcher);
    const sweep = dispatcher.sweep.bind(dispatcher);
    let sweeping = false;
    dispatcher.enqueue = (events) => (sweeping ? enqueue(events) : undefined);
    dispatcher.sweep = async () => {
      sweeping = true;
      try {
        return await sweep();
      } finally {
        sweeping = false;
      }
    };
    await stack.seedContacts(200);
    const id = await stack.createCampaign({ batch_size: 100, max_concurrent_batches: 2, dlr_timeout_seconds: 60, flush_interval_ms: 300 });
    const campaign = await stack.waitForCampaign(id, WAIT.SWEEP_ONLY);
    await stack.sandbox.waitForIdle(10_000);
    expectExactlyOncePerRecipient(stack, campaign.stats.totals, 200);
    expect(campaign.stats.totals.unknown).toBe(0);
    expect(await countWhere(stack.db, 'webhook_events', `kind = 'dlr' AND (signalled_at IS NULL OR applied_at IS NULL)`)).toBe(0);
  });

  it('a DLR that carries only the provider id, arriving before that id is recorded, is kept and matched later', async () => {
    stack = await startTestStack({ worker: false });
    const messageId = '0b000000-0000-4000-8000-000000000001';
    await stack.db
      .insertInto('messages')
      .values({
        id: messageId, account_id: stack.accountId, connection_id: stack.connectionId, sender: '+12015550100',
        to_e164: '+12015550123', body: 'Hi', encoding: 'GSM-7', segments: 1, status: 'submitting',
      })
      .execute();
    const path = `/v1/webhooks/${stack.connectionId}/dlr`;
    const body = JSON.stringify({ id: 'SB0B00000123456789', status: 'delivered', timestamp: new Date().toISOString(), seq: 2 });
    const signature = formatSandboxSignatureHeader(stack.sandbox.webhookSecret, Math.floor(Date.now() / 1000), stack.api.publicBaseUrl + path, body);
    const res = await fetch(stack.api.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature }, body });
    expect(res.status).toBe(200);
    expect(await countWhere(stack.db, 'webhook_events', `message_id IS NULL AND signalled_at IS NULL`)).toBe(1);

    // The send response is recorded after the receipt.
    await recordSubmits(stack.db, [{ id: messageId, status: 'submitted', providerMessageId: 'SB0B00000123456789' }]);
    await new Promise((r) => setTimeout(r, 1_200)); // older than sweepMinAgeMs
    await stack.api.dispatcher.sweep();
    const row = await stack.db.selectFrom('messages').select(['status']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(row.status).toBe('delivered');
    expect(await countWhere(stack.db, 'webhook_events', `signalled_at IS NULL OR applied_at IS NULL`)).toBe(0);
  });
});

describe('receipts that never come, and come late', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('messages without a final DLR become unknown at the DLR timeout without polling timers; a late DLR then upgrades them', { timeout: testTimeoutFor(WAIT.DLR_TIMEOUT, WAIT.LATE) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 }, lateRate: 1, lateDelayMs: 6_000, dlrDelayMs: { min: 0, max: 50 } } });
    await stack.seedContacts(50);
    const id = await stack.createCampaign({ batch_size: 50, max_concurrent_batches: 1, dlr_timeout_seconds: 3, flush_interval_ms: 200 });
    const campaign = await stack.waitForCampaign(id, WAIT.DLR_TIMEOUT);
    expect(campaign.stats.totals.unknown).toBe(50);
    expect(campaign.stats.totals.reasons.dlr_timeout).toBe(50);

    // Waiting 3 s with a 200 ms flush interval: timers only while receipts flowed, not 15 polls.
    const history = await stack.env.client.workflow.getHandle(`campaign/${id}/batch/1`).fetchHistory();
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
    expect(timers).toBeLessThan(8);

    // The late receipts reach closed batches and are applied with the same machine: unknown → delivered.
    await stack.sandbox.waitForIdle(WAIT.LATE);
    const deadline = Date.now() + WAIT.LATE;
    let delivered = 0;
    while (delivered < 50 && Date.now() < deadline) {
      await stack.api.dispatcher.sweep();
      delivered = await countWhere(stack.db, 'messages', `status = 'delivered'`);
      if (delivered < 50) await new Promise((r) => setTimeout(r, 250));
    }
    expect(delivered).toBe(50);
  });
});
