import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/create-activities.js';
import type { CampaignStats } from '../activities/campaign-activities.js';
import type { MessageCounts } from '../domain/message-counts.js';
import type { AbMetric } from '../domain/ab-winner.js';
import { addMessageCounts, emptyMessageCounts } from '../domain/message-counts.js';
import { CampaignStatusKey, MessagesFinalKey, AudienceSizeKey } from './search-attributes.js';
import {
  batchCompletedSignal,
  batchSentSignal,
  cancelBatchSignal,
  pauseBatchSignal,
  resumeBatchSignal,
  sendBatchWorkflow,
} from './send-batch-workflow.js';

/** Tunables of one campaign run; defaults come from the API (campaign settings). */
export interface CampaignRunOptions {
  /** Recipients per sendBatch child; a few hundred keeps each child's history and payloads small. */
  batchSize: number;
  /**
   * Batches sending at once (the sliding window). A batch leaves the window when its sends are
   * done (`batchSent`), not when its last receipt arrives, so slow DLRs do not throttle sending.
   */
  maxConcurrentBatches: number;
  /**
   * Batches open at once, sending or waiting for receipts; default 100 (50,000 messages at 500).
   * More open batches spread each one's receipts thinner (more signals per batch history), fewer
   * throttle sending by receipt latency; the growing coalescing window keeps histories bounded.
   */
  maxOpenBatches?: number;
  /** Per batch: how long to wait for final DLRs after sending, ms. */
  dlrTimeoutMs: number;
  /** Per batch: how often DLR-driven state changes are flushed to PostgreSQL, ms. */
  flushIntervalMs: number;
  /**
   * Continue-as-new after starting this many batches in one run, in addition to Temporal's own
   * suggestion (`continueAsNewSuggested`, ~4,096 events). Tests set it low.
   */
  continueAsNewAfterBatches?: number;
  /**
   * Scheduled start, epoch ms: the workflow waits for it on a durable timer before snapshotting the
   * audience (cancel during the wait ends the campaign with nothing sent).
   */
  startAt?: number;
  /**
   * A/B winner mode: send the first `testShare` of the audience (rounded up to whole batches), wait
   * until those batches are final, then `waitMs` more (durable timer), pick the winner by `metric`
   * and send it to the rest.
   */
  abWinner?: { testShare: number; waitMs: number; metric: AbMetric };
}

/** Everything a run hands to the next through continue-as-new. */
export interface CampaignCarry {
  audienceSize: number;
  totalBatches: number;
  nextBatchNo: number;
  /** Batches started and not completed (sending or waiting for receipts). */
  inFlight: number[];
  /** Of those, the ones still sending (absent in carries from before this field: then = inFlight). */
  sending?: number[];
  completedBatches: number;
  /** Batches that failed (reported through batchCompleted with `failed`). */
  failedBatches?: number;
  counts: MessageCounts;
  paused: boolean;
  canceled: boolean;
  runs: number;
  /** Winner mode: batches of the test share, and the decision once made. */
  abTestBatches?: number;
  abWinner?: { winner: string; reason: string };
}

export interface CampaignWorkflowInput {
  campaignId: string;
  accountId: string;
  options: CampaignRunOptions;
  carry?: CampaignCarry;
}

/** What `campaignProgress` answers and the workflow returns. */
export interface CampaignProgress {
  status: 'scheduled' | 'snapshotting' | 'running' | 'paused' | 'canceling' | 'completed' | 'canceled';
  audienceSize: number;
  totalBatches: number;
  batchesStarted: number;
  batchesCompleted: number;
  batchesInFlight: number;
  batchesFailed: number;
  /** Counts reported by completed batches (a batch reports once all its messages are final). */
  counts: MessageCounts;
  /** Continue-as-new runs so far. */
  runs: number;
  /** Winner mode: the winning variant and why, once picked. */
  abWinner?: { winner: string; reason: string };
}

export const pauseCampaignSignal = defineSignal('pause');
export const resumeCampaignSignal = defineSignal('resume');
export const cancelCampaignSignal = defineSignal('cancel');
export const campaignProgressQuery = defineQuery<CampaignProgress>('progress');

const { startCampaign, finishCampaign, suppressUnstarted, setCampaignStatus, pickAbWinner, msUntil } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2 },
});

/**
 * Waits until `startAt` (epoch ms, a business instant) on a durable timer, answering `progress` with
 * `scheduled` and honouring pause/resume/cancel meanwhile (these handlers are replaced once the
 * campaign runs). How long to wait is asked of the business clock (the `msUntil` activity), not
 * taken from workflow time: an injected clock (src/clock.ts) runs apart from it.
 * @returns true when the campaign was canceled before its start.
 */
async function waitForScheduledStart(startAt: number | undefined): Promise<boolean> {
  if (startAt === undefined) return false;
  // Histories recorded before the business clock compared startAt with workflow time: they replay so.
  const byBusinessClock = patched('start-at-by-business-clock');
  if (!byBusinessClock && startAt <= Date.now()) return false;
  let canceled = false;
  let paused = false;
  const scheduled = (): CampaignProgress => ({
    status: 'scheduled', audienceSize: 0, totalBatches: 0, batchesStarted: 0, batchesCompleted: 0,
    batchesInFlight: 0, batchesFailed: 0, counts: emptyMessageCounts(), runs: 0,
  });
  setHandler(campaignProgressQuery, scheduled);
  setHandler(cancelCampaignSignal, () => void (canceled = true));
  setHandler(pauseCampaignSignal, () => void (paused = true));
  setHandler(resumeCampaignSignal, () => void (paused = false));
  const waitMs = byBusinessClock ? await msUntil({ at: startAt }) : startAt - Date.now();
  if (waitMs > 0) await condition(() => canceled, waitMs);
  // A campaign paused before its start starts when resumed.
  await condition(() => canceled || !paused);
  return canceled;
}

/** Workflow id of batch `n` of the campaign whose workflow id is `campaignWorkflowId`. */
export function batchWorkflowId(campaignWorkflowId: string, batchNo: number): string {
  return `${campaignWorkflowId}/batch/${batchNo}`;
}

/**
 * One SMS campaign (workflow id `campaign/<id>`): snapshots the audience into
 * `campaign_recipients`, then sends it through a bounded sliding window of `sendBatchWorkflow`
 * children (ABANDON parent-close policy; each signals `batchCompleted` to this workflow id, so the
 * signal reaches whichever run is current), and continues-as-new before its history grows large.
 * Pause, resume and cancel are signals; progress is a query and search attributes.
 */
export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignProgress> {
  const { campaignId, options } = input;
  const wfId = workflowInfo().workflowId;
  let carry: CampaignCarry;
  if (input.carry) {
    carry = input.carry;
  } else {
    const canceledBeforeStart = await waitForScheduledStart(options.startAt);
    const { audienceSize } = await startCampaign({ campaignId, empty: canceledBeforeStart });
    const totalBatches = Math.ceil(audienceSize / options.batchSize);
    carry = {
      audienceSize,
      totalBatches,
      nextBatchNo: 1,
      inFlight: [],
      completedBatches: 0,
      counts: emptyMessageCounts(),
      paused: false,
      canceled: canceledBeforeStart,
      runs: 0,
      ...(options.abWinner
        ? { abTestBatches: Math.max(1, Math.ceil(Math.ceil(audienceSize * options.abWinner.testShare) / options.batchSize)) }
        : {}),
    };
    upsertSearchAttributes([
      { key: AudienceSizeKey, value: audienceSize },
      { key: CampaignStatusKey, value: 'running' },
    ]);
  }
  const inFlight = new Set(carry.inFlight);
  const sending = new Set(carry.sending ?? carry.inFlight);
  const maxOpen = Math.max(options.maxOpenBatches ?? 100, options.maxConcurrentBatches);
  let startedThisRun = 0;

  const progress = (): CampaignProgress => ({
    status: carry.canceled
      ? inFlight.size > 0
        ? 'canceling'
        : 'canceled'
      : carry.nextBatchNo > carry.totalBatches && inFlight.size === 0
        ? 'completed'
        : carry.paused
          ? 'paused'
          : 'running',
    audienceSize: carry.audienceSize,
    totalBatches: carry.totalBatches,
    batchesStarted: carry.nextBatchNo - 1,
    batchesCompleted: carry.completedBatches,
    batchesInFlight: inFlight.size,
    batchesFailed: carry.failedBatches ?? 0,
    counts: carry.counts,
    runs: carry.runs,
    ...(carry.abWinner ? { abWinner: carry.abWinner } : {}),
  });

  const forEachChild = async (signal: typeof pauseBatchSignal | typeof resumeBatchSignal | typeof cancelBatchSignal) => {
    await Promise.all(
      [...inFlight].map((n) => getExternalWorkflowHandle(batchWorkflowId(wfId, n)).signal(signal as typeof pauseBatchSignal).catch(() => undefined)),
    );
  };

  setHandler(batchSentSignal, ({ batchNo }) => void sending.delete(batchNo));
  setHandler(batchCompletedSignal, ({ batchNo, counts, failed }) => {
    sending.delete(batchNo);
    if (!inFlight.delete(batchNo)) return; // duplicate delivery
    carry.completedBatches += 1;
    if (failed) carry.failedBatches = (carry.failedBatches ?? 0) + 1;
    addMessageCounts(carry.counts, counts);
  });
  setHandler(pauseCampaignSignal, async () => {
    if (carry.paused || carry.canceled) return;
    carry.paused = true;
    upsertSearchAttributes([{ key: CampaignStatusKey, value: 'paused' }]);
    await setCampaignStatus({ campaignId, status: 'paused' });
    await forEachChild(pauseBatchSignal);
  });
  setHandler(resumeCampaignSignal, async () => {
    if (!carry.paused || carry.canceled) return;
    carry.paused = false;
    upsertSearchAttributes([{ key: CampaignStatusKey, value: 'running' }]);
    await setCampaignStatus({ campaignId, status: 'running' });
    await forEachChild(resumeBatchSignal);
  });
  setHandler(cancelCampaignSignal, async () => {
    if (carry.canceled) return;
    carry.canceled = true;
    upsertSearchAttributes([{ key: CampaignStatusKey, value: 'canceling' }]);
    await forEachChild(cancelBatchSignal);
  });
  setHandler(campaignProgressQuery, progress);

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (options.continueAsNewAfterBatches !== undefined && startedThisRun >= options.continueAsNewAfterBatches);

  // Winner mode: once the test share's batches are all final, wait the configured time (replies,
  // late receipts), then pick the winner; the batches after it are prepared with the winner.
  const ab = options.abWinner;
  const pickWinnerIfDue = async () => {
    if (!ab || carry.abWinner || carry.canceled || carry.abTestBatches === undefined) return;
    if (carry.nextBatchNo <= carry.abTestBatches) return;
    await condition(() => carry.canceled || inFlight.size === 0);
    if (carry.canceled) return;
    await condition(() => carry.canceled, ab.waitMs);
    if (carry.canceled) return;
    const decided = await pickAbWinner({
      campaignId,
      metric: ab.metric,
      testSeqTo: Math.min(carry.abTestBatches * options.batchSize, carry.audienceSize),
    });
    carry.abWinner = { winner: decided.winner, reason: decided.reason };
  };

  let lastReportedFinal = carry.counts.total;
  while (!carry.canceled && carry.nextBatchNo <= carry.totalBatches) {
    await pickWinnerIfDue();
    if (carry.canceled) break;
    await condition(
      () => carry.canceled || (!carry.paused && sending.size < options.maxConcurrentBatches && inFlight.size < maxOpen),
    );
    if (carry.canceled) break;
    if (shouldContinueAsNew()) break;
    const batchNo = carry.nextBatchNo;
    const seqFrom = (batchNo - 1) * options.batchSize + 1;
    const seqTo = Math.min(batchNo * options.batchSize, carry.audienceSize);
    inFlight.add(batchNo);
    sending.add(batchNo);
    carry.nextBatchNo += 1;
    startedThisRun += 1;
    try {
      await startChild(sendBatchWorkflow, {
        workflowId: batchWorkflowId(wfId, batchNo),
        args: [
          {
            campaignId,
            accountId: input.accountId,
            batchNo,
            seqFrom,
            seqTo,
            parentWorkflowId: wfId,
            dlrTimeoutMs: options.dlrTimeoutMs,
            flushIntervalMs: options.flushIntervalMs,
            paused: carry.paused,
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      // Started by an earlier run that continued-as-new mid-start: it will still signal us.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (carry.counts.total - lastReportedFinal >= options.batchSize * 4) {
      lastReportedFinal = carry.counts.total;
      upsertSearchAttributes([{ key: MessagesFinalKey, value: carry.counts.total }]);
    }
  }

  if (!carry.canceled && carry.nextBatchNo <= carry.totalBatches) {
    // History is getting long: hand over to a fresh run. In-flight children signal our workflow id,
    // so the next run receives their completions.
    await condition(allHandlersFinished);
    return continueAsNew<typeof campaignWorkflow>({
      ...input,
      carry: { ...carry, inFlight: [...inFlight], sending: [...sending], runs: carry.runs + 1 },
    });
  }

  await condition(() => inFlight.size === 0 || shouldContinueAsNew());
  if (inFlight.size === 0) await pickWinnerIfDue(); // the whole audience was the test share
  if (inFlight.size > 0) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof campaignWorkflow>({
      ...input,
      carry: { ...carry, inFlight: [...inFlight], sending: [...sending], runs: carry.runs + 1 },
    });
  }

  if (carry.canceled) {
    await suppressUnstarted({ campaignId, fromSeq: (carry.nextBatchNo - 1) * options.batchSize + 1, reason: 'canceled' });
  }
  const stats: CampaignStats = await finishCampaign({ campaignId, status: carry.canceled ? 'canceled' : 'completed' });
  upsertSearchAttributes([
    { key: CampaignStatusKey, value: carry.canceled ? 'canceled' : 'completed' },
    { key: MessagesFinalKey, value: stats.totals.total },
  ]);
  await condition(allHandlersFinished);
  return progress();
}
