import os from 'node:os';
import type { Config } from '../src/config.js';
import { BASELINE_NAME, runBaselineRawLoop } from './baseline-raw-loop.js';
import type { BaselineResult } from './baseline-raw-loop.js';
import { RSS_SWEEP_SMALL_RECIPIENTS } from './bench-config.js';
import type { BenchConfig } from './bench-config.js';
import { collectBenchEnv, findTemporalDevServer } from './bench-env.js';
import { formatEnv, formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioGoal, ScenarioResult } from './bench-report.js';
import { startBenchStack } from './bench-stack.js';
import type { BenchStack } from './bench-stack.js';
import { createBenchTenant } from './bench-tenant.js';
import type { BenchTenant } from './bench-tenant.js';
import { runSmsflowCampaign } from './campaign-run.js';
import type { CampaignRunResult } from './campaign-run.js';
import { CAMPAIGN_SPEC, UNTHROTTLED_SANDBOX } from './campaign-spec.js';
import { seedAudience } from './seed-audience.js';
import { countCampaignActions } from './temporal-actions.js';
import type { TemporalActionCount } from './temporal-actions.js';

/** Goals of S1 (benchmarks.md §7.2). */
const GOAL_SENDS_PER_S = 1000;
const GOAL_ACTIONS_PER_1000 = 100;
const GOAL_RATIO = 0.3;
/** "Flat" worker RSS: the big audience's peak at most this many times the small one's. */
const GOAL_RSS_GROWTH = 1.25;

/** What a scenario run needs from the entrypoint. */
export interface ScenarioContext {
  config: Config;
  bench: BenchConfig;
  /** Environment the worker children inherit. */
  baseEnv: Record<string, string | undefined>;
  log: (line: string) => void;
}

const seconds = (ms: number) => round(ms / 1000);

/** Lets the sandbox post what it still holds, then forgets it, so each run's sandbox counters are its own. */
async function quietSandbox(stack: BenchStack): Promise<void> {
  await stack.sandbox.waitForIdle(60_000).catch(() => undefined);
  stack.sandbox.reset();
}

/** An account with a sandbox connection and `recipients` opted-in contacts. */
async function seededTenant(stack: BenchStack, ctx: ScenarioContext, recipients: number, firstIndex: number, name: string): Promise<BenchTenant> {
  const tenant = await createBenchTenant(stack, name);
  const t0 = Date.now();
  await seedAudience(stack.database.db, tenant.accountId, recipients, firstIndex);
  ctx.log(`  seeded ${recipients} opted-in contacts in ${seconds(Date.now() - t0)} s`);
  return tenant;
}

async function smsflowRun(stack: BenchStack, ctx: ScenarioContext, tenant: BenchTenant, recipients: number): Promise<CampaignRunResult> {
  await quietSandbox(stack);
  const port = Number(ctx.config.TEMPORAL_ADDRESS.split(':')[1] ?? 7233);
  return runSmsflowCampaign(stack, tenant, {
    recipients,
    timeoutMs: ctx.bench.campaignTimeoutMs,
    temporalPid: findTemporalDevServer(port)?.pid ?? null,
    log: ctx.log,
  });
}

/** Whether the run's numbers add up, like `smsflow demo`'s checks. */
interface RunChecks {
  campaign_status: string;
  one_message_per_recipient: boolean;
  none_pending: boolean;
  sandbox_accepted_equals_ours: boolean;
  no_duplicate_submits: boolean;
  histories_missing: number | null;
}

function runChecks(main: CampaignRunResult, actions: TemporalActionCount | null): RunChecks {
  return {
    campaign_status: main.status,
    one_message_per_recipient: main.figures.messages === main.recipients,
    none_pending: main.figures.final === main.figures.messages,
    sandbox_accepted_equals_ours: main.sandbox.accepted === main.figures.accepted,
    no_duplicate_submits: main.sandbox.duplicateSubmits === 0,
    histories_missing: actions?.missing.length ?? null,
  };
}

function failedChecks(c: RunChecks): string[] {
  const failed: string[] = [];
  if (c.campaign_status !== 'completed') failed.push(`campaign_status=${c.campaign_status}`);
  for (const k of ['one_message_per_recipient', 'none_pending', 'sandbox_accepted_equals_ours', 'no_duplicate_submits'] as const) if (!c[k]) failed.push(k);
  if (c.histories_missing !== 0) failed.push(`histories_missing=${String(c.histories_missing)}`);
  return failed;
}

function buildResult(
  main: CampaignRunResult,
  baseline: BaselineResult | null,
  actions: TemporalActionCount | null,
  small: CampaignRunResult | null,
  env: ScenarioResult['env'],
  problems: string[],
): ScenarioResult {
  const messages = main.figures.messages || main.recipients;
  const per1000 = (n: number) => (n / messages) * 1000;
  const actionsPer1000 = actions ? per1000(actions.total) : null;
  const ratio = baseline && baseline.acceptedPerS > 0 ? main.acceptedPerS / baseline.acceptedPerS : null;
  const rssGrowth = small && small.workerRssMbPeak > 0 ? main.workerRssMbPeak / small.workerRssMbPeak : null;
  const sendSpanMs = main.figures.lastSubmitMs !== null && main.figures.firstSubmitMs !== null ? main.figures.lastSubmitMs - main.figures.firstSubmitMs : null;
  const goals: ScenarioGoal[] = [
    { name: 'accepted sends/s', value: main.acceptedPerS, unit: 'sends/s', goal: GOAL_SENDS_PER_S, goal_is: 'min', met: meets(main.acceptedPerS, GOAL_SENDS_PER_S, 'min') },
    { name: 'Temporal actions / 1,000 messages', value: actionsPer1000, unit: 'actions', goal: GOAL_ACTIONS_PER_1000, goal_is: 'max', met: meets(actionsPer1000, GOAL_ACTIONS_PER_1000, 'max') },
    { name: `ratio to ${BASELINE_NAME}`, value: ratio, unit: '×', goal: GOAL_RATIO, goal_is: 'min', met: meets(ratio, GOAL_RATIO, 'min') },
    {
      name: small ? `worker RSS peak ${main.recipients} / ${small.recipients} recipients` : `worker RSS growth vs ${RSS_SWEEP_SMALL_RECIPIENTS} (BENCH_RSS_SWEEP=1)`,
      value: rssGrowth,
      unit: '×',
      goal: GOAL_RSS_GROWTH,
      goal_is: 'max',
      met: meets(rssGrowth, GOAL_RSS_GROWTH, 'max'),
    },
  ];
  const checks = runChecks(main, actions);
  const figures: Record<string, unknown> = {
    recipients: main.recipients,
    messages: main.figures.messages,
    accepted: main.figures.accepted,
    final: main.figures.final,
    by_status: main.figures.byStatus,
    wall_s: seconds(main.wallMs),
    first_send_after_s: main.firstSendAfterMs === null ? null : seconds(main.firstSendAfterMs),
    send_span_s: sendSpanMs === null ? null : seconds(sendSpanMs),
    accepted_per_s: round(main.acceptedPerS),
    accepted_per_s_from_post: main.firstSendAfterMs !== null && sendSpanMs !== null ? round(main.figures.accepted / ((main.firstSendAfterMs + sendSpanMs) / 1000)) : null,
    final_per_s: round(main.finalPerS),
    actions_per_1000: actionsPer1000 === null ? null : round(actionsPer1000),
    actions_per_1000_incl_estimated_heartbeats: actions ? round(per1000(actions.total + actions.heartbeatsEstimated)) : null,
    actions_total: actions?.total ?? null,
    actions_breakdown: actions?.breakdown ?? null,
    actions_by_workflow_type: actions?.byType ?? null,
    activity_timings_ms: actions?.activityTimings ?? null,
    signals_by_name: actions?.signalsByName ?? null,
    signals_sent_by_workflows: actions?.signalsSentByWorkflows ?? null,
    activities_scheduled: actions?.activitiesScheduled ?? null,
    heartbeats_estimated: actions?.heartbeatsEstimated ?? null,
    workflow_runs_examined: actions?.runsExamined ?? null,
    history_discovery: actions?.discovery ?? null,
    max_history_events: actions?.maxHistoryEvents ?? null,
    max_history_workflow_id: actions?.maxHistoryWorkflowId ?? null,
    worker_rss_mb_peak: round(main.workerRssMbPeak),
    worker_rss_mb_idle: round(main.workerRssMbIdle),
    worker_rss_mb_peak_by_recipients: small ? { [small.recipients]: round(small.workerRssMbPeak), [main.recipients]: round(main.workerRssMbPeak) } : null,
    events_per_signal: main.dispatcher.signals > 0 ? round(main.dispatcher.events / main.dispatcher.signals) : null,
    dispatcher: main.dispatcher,
    cpu_s: { worker: main.workerCpuS === null ? null : round(main.workerCpuS), api_and_sandbox_process: round(main.benchProcessCpuS), temporal_server: main.temporalCpuS === null ? null : round(main.temporalCpuS) },
    api_and_sandbox_event_loop: { utilization: round(main.benchLoop.utilization), delay_p50_ms: round(main.benchLoop.delayP50Ms), delay_p99_ms: round(main.benchLoop.delayP99Ms) },
    worker_cpu_ms_per_message: main.workerCpuS === null ? null : round((main.workerCpuS * 1000) / messages),
    baseline: baseline && {
      accepted_per_s: round(baseline.acceptedPerS),
      final_per_s: round(baseline.finalPerS),
      wall_s: seconds(baseline.wallMs),
      final_dlrs: baseline.finalDlrs,
      send_errors: baseline.sendErrors,
      event_loop: { utilization: round(baseline.benchLoop.utilization), delay_p50_ms: round(baseline.benchLoop.delayP50Ms), delay_p99_ms: round(baseline.benchLoop.delayP99Ms) },
    },
    settings: CAMPAIGN_SPEC.settings,
    sandbox: { ...UNTHROTTLED_SANDBOX },
    checks,
    problems,
  };
  return {
    scenario: 'campaign',
    value: round(main.acceptedPerS),
    unit: 'sends/s',
    goal: GOAL_SENDS_PER_S,
    goal_is: 'min',
    baseline: baseline ? { name: BASELINE_NAME, value: round(baseline.acceptedPerS), unit: 'sends/s' } : null,
    ratio: ratio === null ? null : round(ratio),
    goals,
    figures,
    notes: [
      'accepted sends/s = messages with submitted_at / (last − first submitted_at), from SQL, for smsflow and the baseline alike',
      'wall_s = POST /v1/campaigns → last final_at; final_per_s = final messages / wall_s',
      'actions counted from event histories as Temporal Cloud bills them: workflow starts (incl. children, continue-as-new), every activity attempt, timers, signals (once each), search-attribute upserts; heartbeats are not in history (estimated separately), the benchmark sends no queries while the campaign runs',
      'events_per_signal = DLR events / dlrEvents signals of the API dispatcher during the run',
      'the baseline keeps DLRs in memory (no signature check, no DB write): its final_per_s is an upper bound',
      'API and sandbox share the benchmark process; the worker is a child process; a shared 2-core machine swings by ~50% between runs',
    ],
    env,
  };
}

/**
 * Scenario S1 (benchmarks.md §7.2): a campaign of `BENCH_RECIPIENTS` through the whole product
 * against the unthrottled sandbox, its same-run raw-loop baseline, Temporal actions counted from
 * histories, worker RSS (and, with BENCH_RSS_SWEEP=1, a second campaign at 5,000 recipients to show
 * RSS is flat). Prints the env block and a short table, writes bench/results/campaign.json. Never
 * throws for a missed goal; cleans up its processes and database.
 */
export async function runCampaignScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const loadavgAtStart = os.loadavg();
  const { log } = ctx;
  const n = ctx.bench.recipients;
  log(`S1 campaign: ${n} recipients, batch ${CAMPAIGN_SPEC.settings.batch_size}, window ${CAMPAIGN_SPEC.settings.max_concurrent_batches}, unthrottled sandbox`);
  const stack = await startBenchStack(ctx.config, ctx.baseEnv, { sandbox: UNTHROTTLED_SANDBOX, log });
  const problems: string[] = [];
  try {
    const env = await collectBenchEnv(stack.database.db, ctx.config, {
      temporalStartedHere: stack.temporalStartedHere,
      loadavgAtStart,
      loadGenerator: `in-process fetch (undici) to the sandbox: ${CAMPAIGN_SPEC.settings.max_concurrent_batches} batches × ${CAMPAIGN_SPEC.lanesPerBatch} lanes, for smsflow (worker) and the baseline alike`,
    });
    console.log(`\n${formatEnv(env)}\n`);
    log(`database ${stack.database.name}, task queue ${stack.taskQueue}`);

    log('smsflow campaign…');
    const tenant = await seededTenant(stack, ctx, n, 0, 'bench S1');
    const main = await smsflowRun(stack, ctx, tenant, n);
    if (main.problem) problems.push(main.problem);
    log(`  ${main.figures.accepted} accepted in ${seconds(main.wallMs)} s wall; counting Temporal actions from histories…`);
    let actions: TemporalActionCount | null = null;
    try {
      actions = await countCampaignActions(stack.client, main.workflowId, Math.ceil(main.recipients / CAMPAIGN_SPEC.settings.batch_size));
      if (actions.missing.length > 0) problems.push(`${actions.missing.length} workflow histories not found`);
    } catch (err) {
      problems.push(`counting actions failed: ${(err as Error).message}`);
    }

    log(`baseline (${BASELINE_NAME}) on the same audience…`);
    let baseline: BaselineResult | null = null;
    try {
      await quietSandbox(stack);
      baseline = await runBaselineRawLoop({
        db: stack.database.db,
        databaseUrl: stack.database.url,
        poolSize: ctx.config.DATABASE_POOL_SIZE,
        accountId: tenant.accountId,
        connectionId: tenant.connectionId,
        sandbox: stack.sandbox,
        timeoutMs: ctx.bench.campaignTimeoutMs,
      });
      if (baseline.problem) problems.push(baseline.problem);
    } catch (err) {
      problems.push(`baseline failed: ${(err as Error).message}`);
    }

    let small: CampaignRunResult | null = null;
    if (ctx.bench.rssSweep) {
      log(`RSS sweep: a second campaign at ${RSS_SWEEP_SMALL_RECIPIENTS} recipients with a fresh worker…`);
      try {
        const sweepTenant = await seededTenant(stack, ctx, RSS_SWEEP_SMALL_RECIPIENTS, n, 'bench S1 rss sweep');
        small = await smsflowRun(stack, ctx, sweepTenant, RSS_SWEEP_SMALL_RECIPIENTS);
        if (small.problem) problems.push(`sweep: ${small.problem}`);
      } catch (err) {
        problems.push(`RSS sweep failed: ${(err as Error).message}`);
      }
    }

    const result = buildResult(main, baseline, actions, small, env, problems);
    const show = (v: number | null, unit = '') => (v === null ? '-' : `${round(v)}${unit}`);
    const messages = main.figures.messages || main.recipients;
    console.log(
      '\n' +
        formatResultTable(result, [
          ['baseline accepted sends/s', show(baseline?.acceptedPerS ?? null, ' sends/s')],
          ['wall time (POST → all final)', show(main.wallMs / 1000, ' s')],
          ['final messages/s', show(main.finalPerS, ' /s')],
          ['actions / 1,000 incl. est. heartbeats', show(actions ? ((actions.total + actions.heartbeatsEstimated) / messages) * 1000 : null)],
          ['worker RSS peak', `${show(main.workerRssMbPeak, ' MB')}${small ? ` (at ${small.recipients}: ${show(small.workerRssMbPeak, ' MB')})` : ''}`],
          ['DLR events per signal', show(main.dispatcher.signals > 0 ? main.dispatcher.events / main.dispatcher.signals : null)],
          ['max history length', show(actions?.maxHistoryEvents ?? null, ' events')],
          ['api+sandbox event loop busy (smsflow / baseline)', `${show(main.benchLoop.utilization)} / ${show(baseline?.benchLoop.utilization ?? null)}`],
          ['CPU s worker / api+sandbox / temporal', `${show(main.workerCpuS)} / ${show(main.benchProcessCpuS)} / ${show(main.temporalCpuS)}`],
        ]),
    );
    const failed = failedChecks(runChecks(main, actions));
    console.log(`\nchecks: ${failed.length === 0 ? 'ok (one message per recipient, none pending, sandbox agrees, no duplicate sends, all histories read)' : `FAILED ${failed.join(', ')}`}`);
    if (problems.length > 0) console.log(`problems: ${problems.join('; ')}`);
    const path = await writeResult(result);
    console.log(`\nwrote ${path}`);
    if (stack.temporalStartedHere) console.log('The Temporal dev server this run started keeps running (like `smsflow demo`); stop it with: kill $(cat .smsflow/temporal.pid)');
    return result;
  } finally {
    log('cleaning up (worker, API, sandbox, database)…');
    await stack.close();
  }
}
