/**
 * Scenario S2 (benchmarks.md §7.2): sender throttle accuracy under two worker processes. Four senders
 * at 1, 3, 100 and 225 MPS send at once, each its own campaign, through two `smsflow worker`
 * processes, one of them SIGKILLed mid-run. Figures per sender from the sandbox's own receive times:
 * achieved / configured MPS and the most segments in any 1 s window. Baseline, same run, same
 * sandbox: a single-process token bucket (one send per 1000/MPS ms) per sender.
 *
 * @module
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createProviderAdapter } from '../src/providers/provider-registry.js';
import { startBenchStack } from './bench-stack.js';
import type { BenchStack } from './bench-stack.js';
import { startSandboxProcess } from './sandbox-process.js';
import type { SandboxProcess } from './sandbox-process.js';
import { createBenchTenant } from './bench-tenant.js';
import { collectBenchEnv } from './bench-env.js';
import { formatEnv, formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioResult } from './bench-report.js';
import type { ScenarioContext } from './campaign-bench.js';
import { pollUntil, sleep } from './bounded-wait.js';
import { DEFAULT_PACING_HEADROOM, PACING_HORIZON_MS, jitterBudgetMs } from '../src/domain/send-pacing.js';

const SENDER_MPS = [1, 3, 100, 225] as const;
/** Seconds of traffic per sender (audience = MPS × this); BENCH_THROTTLE_SECONDS overrides. */
const DEFAULT_SECONDS = 20;
/** `config.pacing_headroom` of the benchmark's sandbox connection; BENCH_THROTTLE_HEADROOM overrides. */
const BENCH_HEADROOM = 0.97;
/** Batches each sender's campaign is split into (all concurrent). */
const BATCHES_PER_SENDER = 8;
/** Seconds of the baseline's run per sender. */
const BASELINE_SECONDS = 15;

interface SenderFigures {
  mps: number;
  segments: number;
  achieved_mps: number;
  ratio: number;
  max_in_1s_window: number;
}

/** Per-sender figures from receive times (ms) of single-segment messages. */
function figuresOf(mps: number, times: number[], peak: number): SenderFigures {
  const sorted = [...times].sort((a, b) => a - b);
  const span = (sorted.at(-1)! - sorted[0]!) / 1000;
  const achieved = sorted.length > 1 && span > 0 ? (sorted.length - 1) / span : 0;
  return { mps, segments: sorted.length, achieved_mps: round(achieved), ratio: round(achieved / mps), max_in_1s_window: peak };
}

/** Inserts `count` opted-in contacts with attribute `lane`, numbers +1 202 2xx xxxx from `first`. */
async function seedLane(stack: BenchStack, accountId: string, lane: string, first: number, count: number): Promise<void> {
  const db = stack.database.db;
  await sql`
    INSERT INTO contacts (id, account_id, phone_e164, country, time_zone, attributes)
    SELECT gen_random_uuid(), ${accountId}::uuid, '+1202' || lpad((2000000 + i)::text, 7, '0'), 'US', 'America/New_York',
           jsonb_build_object('lane', ${lane}::text)
    FROM generate_series(${first}::int, ${first + count - 1}::int) AS i`.execute(db);
  await sql`
    INSERT INTO consent_events (account_id, contact_id, phone_e164, status, source, occurred_at, proof, dedupe_key)
    SELECT account_id, id, phone_e164, 'opted_in', 'bench_seed', now() - interval '1 day', '{}'::jsonb, 'seed:' || phone_e164
    FROM contacts WHERE account_id = ${accountId}::uuid AND attributes->>'lane' = ${lane}`.execute(db);
}

/** The baseline: one process, one loop per sender sending every 1000/MPS ms through the sandbox adapter. */
async function runBaseline(sandbox: SandboxProcess, connectionId: string, callbackUrl: string): Promise<Map<number, SenderFigures>> {
  const adapter = createProviderAdapter({
    id: connectionId,
    provider: 'sandbox',
    config: { baseUrl: sandbox.url },
    credentials: { apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret },
  });
  const refs = new Map<number, string[]>();
  await Promise.all(
    SENDER_MPS.map(async (mps, lane) => {
      const from = `+1301555${String(lane).padStart(4, '0')}`;
      const n = Math.max(2, Math.round(mps * BASELINE_SECONDS));
      const interval = 1000 / mps;
      const start = Date.now() + 200;
      const ids = Array.from({ length: n }, () => randomUUID());
      refs.set(mps, ids);
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        await sleep(Math.max(0, start + i * interval - Date.now()));
        sends.push(adapter.send({ messageId: ids[i]!, from, to: `+1303${String(lane * 100_000 + i).padStart(7, '0')}`, body: 'baseline', dlrUrl: callbackUrl, moUrl: callbackUrl }));
      }
      await Promise.all(sends);
    }),
  );
  const stats = await sandbox.stats();
  const out = new Map<number, SenderFigures>();
  for (const [lane, mps] of SENDER_MPS.entries()) {
    const from = `+1301555${String(lane).padStart(4, '0')}`;
    out.set(mps, figuresOf(mps, await sandbox.receivedAt(refs.get(mps)!), stats.bySender[from]?.peakSegmentsPerSecond ?? 0));
  }
  return out;
}

/** Runs S2 and writes bench/results/throttle.json. */
export async function runThrottleScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const seconds = Number(ctx.baseEnv['BENCH_THROTTLE_SECONDS'] ?? DEFAULT_SECONDS);
  const headroom = Number(ctx.baseEnv['BENCH_THROTTLE_HEADROOM'] ?? BENCH_HEADROOM);
  const loadavgAtStart = os.loadavg();
  ctx.log(`throttle (S2): senders at ${SENDER_MPS.join(', ')} MPS for ~${seconds} s, two worker processes, one SIGKILLed mid-run`);
  const behaviour = { outcomes: { delivered: 1 }, dlrDelayMs: { min: 50, max: 300 } };
  const stack = await startBenchStack(ctx.config, ctx.baseEnv, { sandbox: behaviour, log: ctx.log });
  try {
    // The provider whose receive times are measured runs in its own process (see sandbox-child.ts).
    const sandbox = await startSandboxProcess(behaviour);
    stack.addCleanup(() => sandbox.close());
    const tenant = await createBenchTenant(stack, 'throttle bench');
    const { id: connectionId } = await tenant.call<{ id: string }>('POST', '/v1/connections', {
      provider: 'sandbox',
      name: 'throttle sandbox (own process)',
      // A loopback provider in its own process: a steady path may aim closer to the MPS than the
      // default (send-pacing.ts); BENCH_THROTTLE_HEADROOM=0.95 measures the default.
      config: { baseUrl: sandbox.url, pacing_headroom: headroom },
      credentials: { apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret },
    });
    const baseline = await runBaseline(sandbox, connectionId, `${stack.api.publicBaseUrl}/x`);
    ctx.log(`  baseline (single-process token bucket): ${[...baseline.values()].map((f) => `${f.mps}→${f.achieved_mps}/max ${f.max_in_1s_window}`).join(', ')}`);

    let first = 0;
    const lanes = SENDER_MPS.map((mps, i) => {
      const count = Math.max(2, Math.round(mps * seconds));
      return { mps, sender: `+1201555${String(9000 + i)}`, lane: `mps${mps}`, count, batchSize: Math.min(1000, Math.ceil(count / BATCHES_PER_SENDER)) };
    });
    for (const l of lanes) {
      await seedLane(stack, tenant.accountId, l.lane, first, l.count);
      first += l.count;
      await stack.database.db.insertInto('senders').values({ id: randomUUID(), account_id: tenant.accountId, connection_id: connectionId, address: l.sender, type: l.mps >= 100 ? 'short_code' : 'long_code', country: 'US', mps: l.mps }).execute();
    }
    const workers = [await stack.startWorker(), await stack.startWorker()];
    const t0 = Date.now();
    const ids: string[] = [];
    for (const l of lanes) {
      const c = await tenant.call<{ id: string }>('POST', '/v1/campaigns', {
        name: `throttle ${l.mps} MPS`,
        connection_id: connectionId,
        sender: l.sender,
        variants: [{ key: 'A', weight: 1, body: 'Throttle bench: one GSM-7 segment. STOP to end' }],
        audience: { filter: { lane: l.lane } },
        // BATCHES_PER_SENDER batches per sender even at 1 MPS (3 messages each), all running at once and
        // so spread over both workers: the survivor keeps every sender busy while the killed worker's
        // batches wait out their heartbeat timeout (and no batch start waits on a dead worker's cache).
        settings: { batch_size: l.batchSize, max_concurrent_batches: Math.ceil(l.count / l.batchSize), dlr_timeout_seconds: 120, flush_interval_ms: 1000 },
      });
      ids.push(c.id);
    }
    await sleep((seconds * 1000) / 2);
    process.kill(workers[0]!.pid, 'SIGKILL');
    ctx.log(`  SIGKILLed worker ${workers[0]!.pid} at ${round((Date.now() - t0) / 1000)} s`);
    // A loaded machine may not finish in time: then the figures cover what was sent, and a note says so.
    const finishedInTime = await pollUntil(
      async () => {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM campaigns WHERE id = ANY (${ids}::uuid[]) AND status IN ('completed', 'canceled', 'failed')`.execute(stack.database.db);
        return (r.rows[0]?.n ?? 0) === ids.length ? true : undefined;
      },
      { timeoutMs: seconds * 1000 * 8 + 180_000, intervalMs: 1000, what: 'throttle campaigns to finish' },
    ).catch(() => false);

    const stats = await sandbox.stats();
    const smsflow = new Map<number, SenderFigures>();
    for (const [i, l] of lanes.entries()) {
      const refs = await stack.database.db.selectFrom('messages').select('id').where('campaign_id', '=', ids[i]!).execute();
      smsflow.set(l.mps, figuresOf(l.mps, await sandbox.receivedAt(refs.map((r) => r.id)), stats.bySender[l.sender]?.peakSegmentsPerSecond ?? 0));
    }
    const minRatio = Math.min(...[...smsflow.values()].map((f) => f.ratio));
    const maxWindowRatio = Math.max(...[...smsflow.values()].map((f) => f.max_in_1s_window / f.mps));
    const baselineMin = Math.min(...[...baseline.values()].map((f) => f.ratio));
    const env = await collectBenchEnv(stack.database.db, ctx.config, { temporalStartedHere: stack.temporalStartedHere, loadavgAtStart, loadGenerator: 'in-process sandbox provider; per-sender campaigns through the API' });
    const result: ScenarioResult = {
      scenario: 'throttle',
      value: minRatio,
      unit: 'achieved/configured',
      goal: 0.95,
      goal_is: 'min',
      baseline: { name: 'single-process token bucket', value: baselineMin, unit: 'achieved/configured' },
      ratio: round(minRatio / baselineMin),
      goals: [
        { name: 'worst achieved/configured', value: minRatio, unit: '', goal: 0.95, goal_is: 'min', met: meets(minRatio, 0.95, 'min') },
        { name: 'max 1 s window / MPS', value: round(maxWindowRatio), unit: '', goal: 1, goal_is: 'max', met: meets(maxWindowRatio, 1, 'max') },
      ],
      figures: { smsflow: Object.fromEntries(smsflow), baseline: Object.fromEntries(baseline), duplicate_submits: stats.duplicateSubmits, killed_worker_at_s: seconds / 2 },
      notes: [
        'achieved = (messages − 1) / (last − first receive time at the sandbox), per sender; max window = the sandbox\'s sliding 1,000 ms peak of accepted segments',
        `smsflow paces at ${headroom} of the MPS (the connection's pacing_headroom; default ${DEFAULT_PACING_HEADROOM}), a jitter budget of ${round(jitterBudgetMs(headroom))} ms, with instants reserved in PostgreSQL at most ${PACING_HORIZON_MS} ms ahead; the killed worker's batches resume on the other after the 3 s heartbeat timeout while each sender's ${BATCHES_PER_SENDER} batches keep it busy`,
        `load average at start ${loadavgAtStart.map((x) => round(x)).join(' / ')}, at end ${os.loadavg().map((x) => round(x)).join(' / ')}`,
        'the baseline is an ideal single process (no DB, no Temporal) sending every 1000/MPS ms',
        ...(finishedInTime ? [] : ['NOT ALL CAMPAIGNS FINISHED in time: the figures cover the messages sent so far']),
      ],
      env,
    };
    const rows: [string, string][] = [];
    for (const [mps, f] of smsflow) {
      const b = baseline.get(mps)!;
      rows.push([`${mps} MPS smsflow / baseline`, `${f.achieved_mps} (${f.ratio}) max ${f.max_in_1s_window} / ${b.achieved_mps} (${b.ratio}) max ${b.max_in_1s_window}`]);
    }
    console.log(`\n${formatEnv(env)}\n${formatResultTable(result, rows)}`);
    ctx.log(`  wrote ${await writeResult(result)}`);
    return result;
  } finally {
    await stack.close();
  }
}
