import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  sleep,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { BatchMessageState } from '../activities/batch-activities.js';
import type { MessageCounts } from '../domain/message-counts.js';
import { countStatuses } from '../domain/message-counts.js';
import type { MessageEvent, MessageState } from '../domain/message-machine.js';
import { applyMessageEvent } from '../domain/message-machine.js';
import { storedMessageState, toDlrEvent } from '../domain/dlr-event.js';
import { isFinalStatus, statusRank } from '../domain/message-status.js';
import type { DeliveryStatus, FailureReason } from '../domain/message-status.js';

/** Input of {@link sendBatchWorkflow}: one contiguous range of a campaign's audience snapshot. */
export interface SendBatchInput {
  campaignId: string;
  accountId: string;
  batchNo: number;
  /** First and last `campaign_recipients.seq` of the batch, inclusive. */
  seqFrom: number;
  seqTo: number;
  /** Workflow id (not run id) of the campaign, which receives `batchCompleted`. */
  parentWorkflowId: string;
  /** How long to wait for final DLRs after sending, ms; then non-final messages become `unknown`. */
  dlrTimeoutMs: number;
  /** How often dirty message states are flushed to PostgreSQL while DLRs arrive, ms. */
  flushIntervalMs: number;
  /** Start paused (the campaign was paused when this batch started). */
  paused?: boolean;
}

/** One delivery receipt routed to the batch that owns the message (coalesced into one signal). */
export interface DlrSignalEvent {
  /** webhook_events.id: signals may be delivered twice, the workflow dedupes on it. */
  eventId: string;
  messageId: string;
  status: DeliveryStatus;
  reason?: FailureReason;
  part?: { index: number; total: number };
  errorCode?: string;
  errorText?: string;
  providerStatus?: string;
}

/** What a batch reports to its campaign. */
export interface BatchResult {
  batchNo: number;
  counts: MessageCounts;
  /** Set when the batch failed; its messages that are not final stay as they were. */
  failed?: string;
}

/** Delivery receipts for messages of this batch (sent by the webhook dispatcher). */
export const dlrEventsSignal = defineSignal<[{ events: DlrSignalEvent[] }]>('dlrEvents');
/** Stop claiming new messages until resumed (in-flight provider calls finish). */
export const pauseBatchSignal = defineSignal('pauseBatch');
export const resumeBatchSignal = defineSignal('resumeBatch');
/** Stop sending; unsent messages become `suppressed` with reason `canceled`. */
export const cancelBatchSignal = defineSignal('cancelBatch');
/** Messages per status right now. */
export const batchCountsQuery = defineQuery<MessageCounts>('batchCounts');
/** Sent by each batch to its campaign when its sends are done (it then only waits for receipts). */
export const batchSentSignal = defineSignal<[{ batchNo: number }]>('batchSent');
/** Sent by each batch to its campaign when all its messages are final (or timed out). */
export const batchCompletedSignal = defineSignal<[BatchResult]>('batchCompleted');

const { prepareBatch, loadBatchStates, flushMessageStates, suppressQueued } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2 },
});

const { sendMessages } = proxyActivities<Activities>({
  // Sending a batch at a sender's MPS can take a while; heartbeats tell a dead worker fast. The
  // activity heartbeats every second on a timer from its first moment and the worker forwards them at
  // least every second (create-worker.ts), so 3 s tolerates a 2 s stall of a live worker; a killed
  // worker's batch resumes elsewhere about 3 s + the 1 s retry later, while the sender keeps sending
  // its other batches. A live attempt given up by mistake learns it at its next heartbeat and stops;
  // its messages left `submitting` go through the orphan rule of the next attempt.
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '3s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2 },
});

/**
 * Sends one batch (a few hundred recipients) of a campaign and tracks every message to a final
 * state. Owns its messages' states: applies the pure message machine to send results and DLR
 * signals, and flushes changes to PostgreSQL in batches (DESIGN.md "Per-message state").
 *
 * Steps: prepare (render + insert idempotently + consent) → send (claim each message before the
 * provider call; re-check consent and quiet hours; messages due later wait on a durable timer, grouped
 * by release instant, and are sent when it fires) → wait for DLRs until all final or `dlrTimeoutMs` → mark the
 * rest `unknown` → flush → signal the campaign.
 */
export async function sendBatchWorkflow(input: SendBatchInput): Promise<BatchResult> {
  const batchWorkflowId = workflowInfo().workflowId;
  const states = new Map<string, MessageState>();
  const dirty = new Set<string>();
  const seenEvents = new Set<string>();
  /** Receipts applied in memory since the last flush; the flush marks them applied in the log. */
  const appliedEvents: string[] = [];
  const hasWrites = () => dirty.size > 0 || appliedEvents.length > 0;
  const earlyEvents: DlrSignalEvent[] = [];
  let paused = input.paused ?? false;
  let canceled = false;
  let prepared = false;

  const apply = (id: string, event: MessageEvent) => {
    const current = states.get(id);
    if (!current) return;
    const { state, changed } = applyMessageEvent(current, event);
    if (changed) {
      states.set(id, state);
      dirty.add(id);
    }
  };
  const applyDlr = (e: DlrSignalEvent) => {
    if (seenEvents.has(e.eventId)) return;
    if (!states.has(e.messageId)) {
      if (!prepared) earlyEvents.push(e); // arrives before prepareBatch returned: apply after
      return;
    }
    seenEvents.add(e.eventId);
    appliedEvents.push(e.eventId);
    apply(e.messageId, toDlrEvent(e));
  };
  const statuses = () => [...states.values()].map((s) => s.status);
  const allFinal = () => [...states.values()].every((s) => isFinalStatus(s.status));

  setHandler(dlrEventsSignal, ({ events }) => events.forEach(applyDlr));
  setHandler(pauseBatchSignal, () => void (paused = true));
  setHandler(resumeBatchSignal, () => void (paused = false));
  setHandler(cancelBatchSignal, () => void (canceled = true));
  setHandler(batchCountsQuery, () => countStatuses(statuses()));

  const flush = async () => {
    if (!hasWrites()) return;
    const ids = [...dirty];
    dirty.clear();
    const appliedEventIds = appliedEvents.splice(0);
    await flushMessageStates({
      appliedEventIds,
      updates: ids.map((id) => {
        const s = states.get(id)!;
        return {
          id,
          status: s.status,
          reason: s.reason ?? null,
          errorCode: s.errorCode ?? null,
          providerStatus: s.providerStatus ?? null,
        };
      }),
    });
  };
  // The send activity writes send outcomes itself (it must, to claim before each provider call);
  // the DB can be ahead of the workflow there, never behind, so merging keeps the higher rank.
  const merge = (rows: BatchMessageState[]) => {
    for (const m of rows) {
      const known = states.get(m.id);
      if (!known || statusRank(m.status) > statusRank(known.status)) states.set(m.id, restore(m));
    }
  };
  const resync = async () =>
    merge(
      await loadBatchStates({ campaignId: input.campaignId, seqFrom: input.seqFrom, seqTo: input.seqTo }),
    );

  try {
    // 1. Prepare: render, insert (idempotent on campaign + contact), check consent.
    const preparedRows = await prepareBatch({
      campaignId: input.campaignId,
      batchWorkflowId,
      seqFrom: input.seqFrom,
      seqTo: input.seqTo,
    });
    for (const m of preparedRows) states.set(m.id, restore(m));
    prepared = true;
    earlyEvents.splice(0).forEach(applyDlr);

    // 2. Send, honouring pause/cancel. Pause cancels the running send activity (it stops at its next
    //    heartbeat, after in-flight provider calls return) and resyncs states from the DB.
    while (
      !canceled &&
      [...states.values()].some((s) => s.status === 'queued' || s.status === 'submitting')
    ) {
      if (patched('flush-receipts-while-paused')) {
        // Paused: nothing is sent, but receipts of what was sent keep reaching PostgreSQL (and the
        // stats), one coalescing window at a time.
        while (paused && !canceled) {
          await condition(() => !paused || canceled || hasWrites());
          if (paused && !canceled && hasWrites()) {
            await condition(() => !paused || canceled, input.flushIntervalMs);
            await flush();
          }
        }
      } else {
        await condition(() => !paused || canceled);
      }
      if (canceled) break;
      const scope = new CancellationScope();
      void condition(() => paused || canceled).then(() => scope.cancel());
      try {
        const result = await scope.run(() =>
          sendMessages({
            campaignId: input.campaignId,
            batchWorkflowId,
            seqFrom: input.seqFrom,
            seqTo: input.seqTo,
          }),
        );
        merge(result.messages);
        result.parkedDlrs.forEach(applyDlr);
        if (result.nextReleaseInMs !== undefined && !paused && !canceled) {
          // Quiet hours / local-time scheduling: the rest stays queued until its window opens. Free our
          // slot in the campaign's sending window, persist what we have, then wait on a durable timer
          // (cancel cuts it short; a pause is honoured when it fires).
          await flush();
          await getExternalWorkflowHandle(input.parentWorkflowId).signal(batchSentSignal, { batchNo: input.batchNo });
          const releaseAt = Date.now() + Math.max(result.nextReleaseInMs, 1);
          while (!canceled && Date.now() < releaseAt) {
            // Receipts of what was already sent keep flowing while we wait: flush them as they come.
            await condition(() => canceled || hasWrites(), releaseAt - Date.now());
            if (hasWrites() && !canceled) {
              await condition(() => canceled, Math.max(1, Math.min(input.flushIntervalMs, releaseAt - Date.now())));
              await flush();
            }
          }
          continue;
        }
      } catch (err) {
        // When we asked the activity to stop (pause/cancel), whatever it ended with — a clean
        // cancellation, or the failure of the attempt that was running, e.g. a provider asking us to
        // retry later — is the answer to our request, not a batch failure.
        if (!isCancellation(err) && !paused && !canceled) throw err;
        await CancellationScope.nonCancellable(resync);
      }
      if (!paused && !canceled) break;
    }
    if (canceled) {
      await suppressQueued({
        campaignId: input.campaignId,
        seqFrom: input.seqFrom,
        seqTo: input.seqTo,
        reason: 'canceled',
      });
      await resync();
    }

    // 3. Sending is done: free our slot in the campaign's window, then wait for receipts until all
    //    are final or the DLR timeout passes. One timer covers the whole timeout; another opens only
    //    while receipts flow (one coalescing window per flush): a 72-hour DLR timeout with nothing
    //    arriving costs one timer, not one per flush interval.
    await flush();
    if (!allFinal()) {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(batchSentSignal, { batchNo: input.batchNo });
      let timedOut = false;
      const deadline = new CancellationScope();
      void deadline
        .run(() => sleep(input.dlrTimeoutMs))
        .then(
          () => void (timedOut = true),
          () => undefined,
        );
      // The coalescing window grows with each flush (1, 2, 3… × flushIntervalMs, at most a minute):
      // receipts trickling in over minutes cost O(√minutes) flushes, not one per interval.
      for (let round = 1; !allFinal() && !timedOut; round++) {
        await condition(() => allFinal() || hasWrites() || timedOut);
        const window = Math.min(input.flushIntervalMs * round, 60_000);
        if (!allFinal() && !timedOut) await condition(() => allFinal() || timedOut, window);
        await flush();
      }
      if (!timedOut) deadline.cancel();
    }
    for (const [id, s] of states) if (!isFinalStatus(s.status)) apply(id, { type: 'DLR_TIMEOUT' });
    await flush();

    const result: BatchResult = { batchNo: input.batchNo, counts: countStatuses(statuses()) };
    await getExternalWorkflowHandle(input.parentWorkflowId).signal(batchCompletedSignal, result);
    // Receipts applied while we were finishing still reach PostgreSQL (one that arrives after our
    // last activation is re-delivered by the dispatcher's sweeper: it is not marked applied).
    while (hasWrites()) await flush();
    return result;
  } catch (err) {
    // Never leave the campaign waiting: report what we have, marked failed, then fail visibly.
    const result: BatchResult = {
      batchNo: input.batchNo,
      counts: countStatuses(statuses()),
      failed: String(err),
    };
    await CancellationScope.nonCancellable(async () => {
      await flush().catch(() => undefined);
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(batchCompletedSignal, result);
    });
    throw err;
  }
}

function restore(m: BatchMessageState): MessageState {
  return storedMessageState(m.status, m.reason, m.segments);
}
