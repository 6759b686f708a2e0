import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { BenchTimeoutError, pollUntil, withTimeout } from './bounded-wait.js';
import type { BenchStack } from './bench-stack.js';
import type { BenchTenant } from './bench-tenant.js';
import { CAMPAIGN_SPEC } from './campaign-spec.js';
import { acceptedPerSecond, readMessageFigures } from './message-figures.js';
import type { MessageFigures } from './message-figures.js';
import { readCpuSeconds, RssSampler } from './worker-process.js';

/** What one smsflow campaign run measured (figures of benchmarks.md S1 except Temporal actions). */
export interface CampaignRunResult {
  recipients: number;
  campaignId: string;
  workflowId: string;
  /** Status of the campaigns row at the end (`completed` when all went well). */
  status: string;
  /** Why the run stopped early, if it did (a timeout); the figures are then partial. */
  problem: string | null;
  /** POST /v1/campaigns → last `final_at`, ms. */
  wallMs: number;
  /** POST → first `submitted_at`, ms (audience snapshot + first batch prepared). */
  firstSendAfterMs: number | null;
  figures: MessageFigures;
  /** Accepted sends/s over first → last `submitted_at`. */
  acceptedPerS: number;
  /** Final messages / wall time. */
  finalPerS: number;
  /** Worker RSS right after start-up and its peak during the campaign, MB. */
  workerRssMbIdle: number;
  workerRssMbPeak: number;
  /** CPU seconds during the campaign: the worker child, and this process (API + sandbox + polling). */
  workerCpuS: number | null;
  benchProcessCpuS: number;
  /** CPU seconds of the Temporal server process during the campaign, when its pid is known. */
  temporalCpuS: number | null;
  /**
   * Event loop of this process (API webhooks + sandbox provider) during the campaign: utilization
   * in [0, 1] and loop delay p50/p99 in ms. Near 1, the sandbox answers sends late and the API
   * acknowledges DLRs late: the figures then measure this process as much as the worker.
   */
  benchLoop: { utilization: number; delayP50Ms: number; delayP99Ms: number };
  /** DLR dispatcher counters during the run (signals sent, events they carried, …). */
  dispatcher: { signals: number; events: number; appliedDirectly: number; errors: number };
  /** The sandbox's view: accepted sends, repeats of a client_ref, callbacks given up. */
  sandbox: { accepted: number; duplicateSubmits: number; callbacksFailed: number };
}

/**
 * Terminates the campaign workflow and its batches (ABANDON children outlive their parent) when a run
 * is abandoned, so nothing keeps running in the shared Temporal server after the database is dropped.
 */
async function terminateRunning(stack: BenchStack, workflowId: string): Promise<void> {
  const query = `WorkflowId STARTS_WITH "${workflowId}" AND ExecutionStatus = "Running"`;
  const ids: string[] = [];
  await withTimeout(
    (async () => {
      for await (const info of stack.client.workflow.list({ query })) ids.push(info.workflowId);
    })(),
    30_000,
    'listing running workflows',
  );
  if (!ids.includes(workflowId)) ids.push(workflowId);
  await Promise.all(ids.map((id) => stack.client.workflow.getHandle(id).terminate('benchmark run abandoned').catch(() => undefined)));
}

/** Polling interval of the progress probe (SQL only: an API GET would cost a Temporal query). */
const POLL_MS = 500;

/**
 * Runs one S1 campaign through smsflow: starts a fresh worker process (RSS sampled every 250 ms),
 * `POST /v1/campaigns` with {@link CAMPAIGN_SPEC}, waits until every recipient's message is final
 * (from SQL, so the probe itself costs no Temporal action) and the campaign workflow has returned,
 * then stops the worker. A timeout is reported in `problem`, not thrown.
 */
export async function runSmsflowCampaign(
  stack: BenchStack,
  tenant: BenchTenant,
  options: { recipients: number; timeoutMs: number; temporalPid: number | null; log: (line: string) => void },
): Promise<CampaignRunResult> {
  const { db } = stack.database;
  const worker = await stack.startWorker();
  let problem: string | null = null;
  const sampler = new RssSampler(worker.pid);
  try {
    const workerRssMbIdle = sampler.sample() ?? 0;
    sampler.start();
    const workerCpu0 = readCpuSeconds(worker.pid);
    const benchCpu0 = process.cpuUsage();
    const temporalCpu0 = options.temporalPid === null ? null : readCpuSeconds(options.temporalPid);
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const elu0 = performance.eventLoopUtilization();
    const d0 = { ...stack.api.dispatcher.metrics };

    const postedAt = Date.now();
    const campaign = await tenant.call<{ id: string; workflow_id: string }>('POST', '/v1/campaigns', {
      name: `bench S1 ${options.recipients}`,
      connection_id: tenant.connectionId,
      sender: CAMPAIGN_SPEC.sender,
      variants: [{ key: 'A', weight: 1, body: CAMPAIGN_SPEC.body }],
      fields: CAMPAIGN_SPEC.fields,
      settings: CAMPAIGN_SPEC.settings,
    });
    // Also on Ctrl-C: nothing of this campaign may keep running once the database is dropped.
    stack.addCleanup(() => terminateRunning(stack, campaign.workflow_id));
    options.log(`  campaign ${campaign.id} started (${campaign.workflow_id}), ${options.recipients} recipients`);

    const deadline = postedAt + options.timeoutMs;
    let lastLineAt = 0;
    try {
      await pollUntil(
        async () => {
          const row = await sql<{ audience_size: number | null; status: string; final: number; submitted: number }>`
            SELECT c.audience_size, c.status,
                   (SELECT count(*) FILTER (WHERE final_at IS NOT NULL) FROM messages m WHERE m.campaign_id = c.id)::int AS final,
                   (SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL) FROM messages m WHERE m.campaign_id = c.id)::int AS submitted
            FROM campaigns c WHERE c.id = ${campaign.id}::uuid`.execute(db);
          const r = row.rows[0];
          if (!r) return undefined;
          const elapsed = Math.round((Date.now() - postedAt) / 1000);
          const line = `  ${elapsed}s ${r.status}: ${r.submitted} accepted, ${r.final}/${r.audience_size ?? '?'} final`;
          if (process.stderr.isTTY) process.stderr.write(`\r${line}   `);
          else if (elapsed >= lastLineAt + 10) {
            lastLineAt = elapsed;
            options.log(line.trim());
          }
          if (r.status === 'failed' || r.status === 'canceled') throw new Error(`campaign ${r.status}`);
          return r.audience_size !== null && r.final >= r.audience_size ? true : undefined;
        },
        { timeoutMs: options.timeoutMs, intervalMs: POLL_MS, what: 'campaign messages all final' },
      );
      if (process.stderr.isTTY) process.stderr.write('\n');
      // The batches report to the campaign after their last flush; the workflow then finishes.
      const remaining = Math.max(30_000, deadline - Date.now());
      await withTimeout(stack.client.workflow.getHandle(campaign.workflow_id).result(), remaining, 'campaign workflow result');
    } catch (err) {
      if (process.stderr.isTTY) process.stderr.write('\n');
      problem = err instanceof BenchTimeoutError ? err.message : `campaign run failed: ${(err as Error).message}`;
      options.log(`  ${problem}; its workflows are terminated at clean-up`);
    }
    sampler.stop();
    const workerCpu1 = readCpuSeconds(worker.pid);
    const benchCpu = process.cpuUsage(benchCpu0);
    const temporalCpu1 = options.temporalPid === null ? null : readCpuSeconds(options.temporalPid);
    loopDelay.disable();
    const benchLoop = {
      utilization: performance.eventLoopUtilization(elu0).utilization,
      delayP50Ms: loopDelay.percentile(50) / 1e6,
      delayP99Ms: loopDelay.percentile(99) / 1e6,
    };
    const m = stack.api.dispatcher.metrics;
    const figures = await readMessageFigures(db, campaign.id);
    const status = (await db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirst())?.status ?? '?';
    const wallMs = (figures.lastFinalMs ?? Date.now()) - postedAt;
    const sb = stack.sandbox.stats({ includeRecipients: false });
    return {
      recipients: options.recipients,
      campaignId: campaign.id,
      workflowId: campaign.workflow_id,
      status,
      problem,
      wallMs,
      firstSendAfterMs: figures.firstSubmitMs === null ? null : figures.firstSubmitMs - postedAt,
      figures,
      acceptedPerS: acceptedPerSecond(figures),
      finalPerS: wallMs > 0 ? figures.final / (wallMs / 1000) : 0,
      workerRssMbIdle,
      workerRssMbPeak: sampler.peakMb,
      workerCpuS: workerCpu0 !== null && workerCpu1 !== null ? workerCpu1 - workerCpu0 : null,
      benchProcessCpuS: (benchCpu.user + benchCpu.system) / 1e6,
      temporalCpuS: temporalCpu0 !== null && temporalCpu1 !== null ? temporalCpu1 - temporalCpu0 : null,
      benchLoop,
      dispatcher: {
        signals: m.signals - d0.signals,
        events: m.events - d0.events,
        appliedDirectly: m.appliedDirectly - d0.appliedDirectly,
        errors: m.errors - d0.errors,
      },
      sandbox: { accepted: sb.accepted, duplicateSubmits: sb.duplicateSubmits, callbacksFailed: sb.callbacks.failed },
    };
  } finally {
    sampler.stop();
    await worker.stop();
  }
}
