import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { mapLimit, withTimeout } from './bounded-wait.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type LongLike = number | { toString(): string } | null | undefined;

/** Billable Temporal Cloud actions found in event histories, by kind. */
export interface ActionBreakdown {
  /** WorkflowExecutionStarted: client starts, child starts and continue-as-new runs. */
  workflowStarted: number;
  /** Activity attempts: the `attempt` of each ActivityTaskStarted (every attempt is billed). */
  activityAttempts: number;
  /** TimerStarted, including the implicit timer of `condition(fn, timeout)`. */
  timersStarted: number;
  /** WorkflowExecutionSignaled: one action per signal, whether a client or a workflow sent it. */
  signals: number;
  /** UpsertWorkflowSearchAttributes commands. */
  searchAttributeUpserts: number;
  /** Local activity markers (none expected in smsflow). */
  localActivities: number;
}

/** Per workflow type: runs, events, billable actions and mean run duration (first → last event). */
export interface WorkflowTypeActions {
  runs: number;
  events: number;
  actions: number;
  meanRunMs: number;
}

/** Per activity type: completed-or-failed closes and mean times, ms (schedule-to-close includes queueing). */
export interface ActivityTiming {
  count: number;
  meanScheduleToCloseMs: number;
  meanStartToCloseMs: number;
}

/** Actions of a campaign's workflows, counted from their histories. */
export interface TemporalActionCount {
  /** Sum of {@link ActionBreakdown}: billable actions visible in history. */
  total: number;
  breakdown: ActionBreakdown;
  byType: Record<string, WorkflowTypeActions>;
  /** Signals per signal name (e.g. `dlrEvents`, `batchCompleted`). */
  signalsByName: Record<string, number>;
  /** Not billed twice: a workflow's SignalExternalWorkflowExecutionInitiated, counted as received. */
  signalsSentByWorkflows: number;
  /** ActivityTaskScheduled events (attempts ≥ scheduled when activities retried). */
  activitiesScheduled: number;
  /**
   * Heartbeats are billed when they reach the server but are not in history: estimated as one per
   * heartbeating attempt plus one per throttle interval (0.8 × heartbeatTimeout, ≤ 60 s) it ran.
   */
  heartbeatsEstimated: number;
  runsExamined: number;
  /** Workflow ids expected but not found. */
  missing: string[];
  maxHistoryEvents: number;
  maxHistoryWorkflowId: string;
  /** Where batch time goes: e.g. `sendMessages` start-to-close vs the batch's whole run. */
  activityTimings: Record<string, ActivityTiming>;
  /** How the runs were found: a visibility list query, or by id. */
  discovery: 'list' | 'by-id' | 'list+by-id';
}

const HISTORY_FETCH_TIMEOUT_MS = 60_000;
const MAX_HEARTBEAT_THROTTLE_MS = 60_000;

function toMs(t: { seconds?: LongLike; nanos?: number | null } | null | undefined): number {
  if (!t) return 0;
  return Number(t.seconds?.toString() ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

interface RunRef {
  workflowId: string;
  runId?: string;
}

async function listRuns(client: Client, prefix: string): Promise<RunRef[] | null> {
  try {
    const runs: RunRef[] = [];
    const query = `WorkflowId STARTS_WITH "${prefix}"`;
    for await (const info of client.workflow.list({ query, pageSize: 1000 })) runs.push({ workflowId: info.workflowId, runId: info.runId });
    return runs;
  } catch {
    return null;
  }
}

/** Every run of a workflow id, first to last, following continue-as-new. */
async function chainOf(client: Client, workflowId: string): Promise<RunRef[]> {
  const latest = await withTimeout(client.workflow.getHandle(workflowId).fetchHistory(), HISTORY_FETCH_TIMEOUT_MS, `history of ${workflowId}`);
  const first = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  if (!first) return [{ workflowId }];
  const runs: RunRef[] = [];
  let runId: string | undefined = first;
  while (runId && runs.length < 10_000) {
    runs.push({ workflowId, runId });
    const h: temporal.api.history.v1.IHistory = await withTimeout(
      client.workflow.getHandle(workflowId, runId).fetchHistory(),
      HISTORY_FETCH_TIMEOUT_MS,
      `history of ${workflowId}`,
    );
    const last: HistoryEvent | undefined = h.events?.[h.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** Counts one history into `acc`; returns the history's billable actions. */
function countHistory(events: HistoryEvent[], acc: TemporalActionCount): number {
  const b = acc.breakdown;
  const before = b.workflowStarted + b.activityAttempts + b.timersStarted + b.signals + b.searchAttributeUpserts + b.localActivities;
  const heartbeatTimeoutMs = new Map<string, number>();
  const startedAtMs = new Map<string, { at: number; attempt: number }>();
  const scheduled = new Map<string, { at: number; type: string }>();
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) b.workflowStarted += 1;
    else if (e.activityTaskScheduledEventAttributes) {
      acc.activitiesScheduled += 1;
      scheduled.set(String(e.eventId), { at: toMs(e.eventTime), type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?' });
      const hb = toMs(e.activityTaskScheduledEventAttributes.heartbeatTimeout);
      if (hb > 0) heartbeatTimeoutMs.set(String(e.eventId), hb);
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const attempt = Math.max(1, a.attempt ?? 1);
      b.activityAttempts += attempt;
      startedAtMs.set(String(a.scheduledEventId), { at: toMs(e.eventTime), attempt });
    } else if (e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes) {
      const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      const key = String(closed?.scheduledEventId);
      const hb = heartbeatTimeoutMs.get(key);
      const started = startedAtMs.get(key);
      const sched = scheduled.get(key);
      if (sched !== undefined) {
        const t = (acc.activityTimings[sched.type] ??= { count: 0, meanScheduleToCloseMs: 0, meanStartToCloseMs: 0 });
        // Sums while counting; turned into means by countCampaignActions.
        t.count += 1;
        t.meanScheduleToCloseMs += toMs(e.eventTime) - sched.at;
        t.meanStartToCloseMs += started === undefined ? 0 : toMs(e.eventTime) - started.at;
      }
      if (hb !== undefined && started !== undefined) {
        const throttle = Math.min(hb * 0.8, MAX_HEARTBEAT_THROTTLE_MS);
        acc.heartbeatsEstimated += started.attempt + Math.floor(Math.max(0, toMs(e.eventTime) - started.at) / throttle);
      }
    } else if (e.timerStartedEventAttributes) b.timersStarted += 1;
    else if (e.workflowExecutionSignaledEventAttributes) {
      b.signals += 1;
      const name = e.workflowExecutionSignaledEventAttributes.signalName ?? '?';
      acc.signalsByName[name] = (acc.signalsByName[name] ?? 0) + 1;
    } else if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) acc.signalsSentByWorkflows += 1;
    else if (e.upsertWorkflowSearchAttributesEventAttributes) b.searchAttributeUpserts += 1;
    else if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') b.localActivities += 1;
  }
  const after = b.workflowStarted + b.activityAttempts + b.timersStarted + b.signals + b.searchAttributeUpserts + b.localActivities;
  return after - before;
}

/**
 * Counts the Temporal Cloud actions of one campaign from the event histories of its campaign
 * workflow (every continue-as-new run) and every `<workflowId>/batch/<n>` child, found with a
 * visibility list query and completed by id when visibility lags.
 *
 * Rules (docs.temporal.io/cloud/actions): workflow started (incl. child and continue-as-new), each
 * activity attempt, timer started, signal (once, sent by a client or a workflow), search attribute
 * upsert, local activity. Not in history and so not in `total`: heartbeats ({@link
 * TemporalActionCount.heartbeatsEstimated}) and queries (the benchmark sends none while it runs).
 * @param expectedBatches batch workflows the campaign should have started (ceil(audience / batch size)).
 */
export async function countCampaignActions(client: Client, campaignWorkflowId: string, expectedBatches: number): Promise<TemporalActionCount> {
  const acc: TemporalActionCount = {
    total: 0,
    breakdown: { workflowStarted: 0, activityAttempts: 0, timersStarted: 0, signals: 0, searchAttributeUpserts: 0, localActivities: 0 },
    byType: {},
    signalsByName: {},
    signalsSentByWorkflows: 0,
    activitiesScheduled: 0,
    heartbeatsEstimated: 0,
    runsExamined: 0,
    missing: [],
    maxHistoryEvents: 0,
    maxHistoryWorkflowId: '',
    activityTimings: {},
    discovery: 'list',
  };
  const listed = (await listRuns(client, campaignWorkflowId)) ?? [];
  const runs = new Map<string, RunRef>(listed.map((r) => [`${r.workflowId}#${r.runId ?? ''}`, r]));
  const seenIds = new Set(listed.map((r) => r.workflowId));
  if (!seenIds.has(campaignWorkflowId)) {
    acc.discovery = listed.length > 0 ? 'list+by-id' : 'by-id';
    for (const r of await chainOf(client, campaignWorkflowId)) runs.set(`${r.workflowId}#${r.runId ?? ''}`, r);
  }
  for (let n = 1; n <= expectedBatches; n++) {
    const id = `${campaignWorkflowId}/batch/${n}`;
    if (!seenIds.has(id)) {
      acc.discovery = listed.length > 0 ? 'list+by-id' : 'by-id';
      runs.set(`${id}#`, { workflowId: id });
    }
  }
  await mapLimit([...runs.values()], 8, async (run) => {
    let events: HistoryEvent[];
    try {
      const h = await withTimeout(client.workflow.getHandle(run.workflowId, run.runId).fetchHistory(), HISTORY_FETCH_TIMEOUT_MS, `history of ${run.workflowId}`);
      events = h.events ?? [];
    } catch {
      acc.missing.push(run.workflowId);
      return;
    }
    acc.runsExamined += 1;
    const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?';
    const actions = countHistory(events, acc);
    const t = (acc.byType[type] ??= { runs: 0, events: 0, actions: 0, meanRunMs: 0 });
    t.runs += 1;
    t.events += events.length;
    t.actions += actions;
    t.meanRunMs += toMs(events[events.length - 1]?.eventTime) - toMs(events[0]?.eventTime); // a sum until the end
    if (events.length > acc.maxHistoryEvents) {
      acc.maxHistoryEvents = events.length;
      acc.maxHistoryWorkflowId = run.workflowId;
    }
  });
  for (const t of Object.values(acc.byType)) t.meanRunMs = Math.round(t.meanRunMs / t.runs);
  for (const t of Object.values(acc.activityTimings)) {
    t.meanScheduleToCloseMs = Math.round(t.meanScheduleToCloseMs / t.count);
    t.meanStartToCloseMs = Math.round(t.meanStartToCloseMs / t.count);
  }
  const b = acc.breakdown;
  acc.total = b.workflowStarted + b.activityAttempts + b.timersStarted + b.signals + b.searchAttributeUpserts + b.localActivities;
  return acc;
}
