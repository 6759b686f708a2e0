/**
 * S3 (benchmarks.md): DLR webhook ingestion. Sandbox-signed DLR callbacks are posted open-loop at a
 * rising rate to three targets, each a child process on a free port: the real smsflow API (signature
 * check, parse, log insert, 2xx), a bare Hono route and a Hono route with one raw INSERT. The figure
 * of a target is the highest rate it sustains (≥ 95 % answered 2xx, p99 < 100 ms). Then the API is
 * `kill -9`ed mid-load and every callback that got a 2xx is looked up in `webhook_events`.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { createAccount } from '../src/db/account-repository.js';
import { insertConnection } from '../src/db/provider-connection-repository.js';
import { CredentialCipher } from '../src/providers/credential-cipher.js';
import { formatSandboxSignatureHeader, SANDBOX_SIGNATURE_HEADER } from '../src/providers/sandbox/sandbox-signature.js';
import { createBenchDatabase } from './bench-database.js';
import { collectBenchEnv } from './bench-env.js';
import { formatEnv, formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioResult } from './bench-report.js';
import type { ScenarioContext } from './campaign-bench.js';
import { runLoadStep } from './webhook-load.js';
import type { LoadRequest, LoadStepResult } from './webhook-load.js';

const GOAL_RATE = 2_000;
const GOAL_P99_MS = 100;
const GOAL_RATIO = 0.7;
/** Rates tried, callbacks/s, until one is not sustained. */
const RAMP = [100, 250, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000];
const STEP_S = 4;
const KILL_RATE = 1_000;
const KILL_AFTER = 3_000;
const KILL_TOTAL = 6_000;

type Target = 'smsflow' | 'bare' | 'insert';

async function startTarget(target: Target, env: Record<string, string | undefined>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [new URL('./webhook-api-child.js', import.meta.url).pathname, target], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${target} target exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function stopTarget(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** `n` signed sandbox DLR callbacks for unknown provider ids (each logged once, none signalled). */
function signedDlrs(port: number, connectionId: string, secret: string, n: number, prefix: string): LoadRequest[] {
  const path = `/v1/webhooks/${connectionId}/dlr`;
  const url = `http://127.0.0.1:${port}${path}`;
  const t = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => {
    const id = `${prefix}-${i}`;
    const body = JSON.stringify({ id, status: 'delivered', timestamp: new Date().toISOString(), seq: 1 });
    return { path, body, tag: `${id}:delivered:1`, headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: formatSandboxSignatureHeader(secret, t, url, body) } };
  });
}

const sustained = (s: Omit<LoadStepResult, 'okTags'>) => s.ok >= 0.95 * s.scheduled && s.p99Ms < GOAL_P99_MS;

/** The target kept up: nearly all answered 2xx, at nearly the offered rate. */
const keptUp = (s: Omit<LoadStepResult, 'okTags'>) => s.ok >= 0.95 * s.scheduled && s.achieved >= 0.9 * s.rate;

/**
 * Ramps one target until it no longer keeps up; returns every step, the highest sustained step
 * (kept up with p99 < 100 ms; null if none) and the peak 2xx rate seen (its capacity).
 */
async function ramp(target: Target, env: Record<string, string | undefined>, conn: { id: string; secret: string }, log: (l: string) => void) {
  const { child, port } = await startTarget(target, env);
  const steps: Omit<LoadStepResult, 'okTags'>[] = [];
  let best: Omit<LoadStepResult, 'okTags'> | null = null;
  let peak = 0;
  try {
    for (const rate of RAMP) {
      const reqs = signedDlrs(port, conn.id, conn.secret, rate * STEP_S, `${target}-${rate}-${randomUUID().slice(0, 8)}`);
      const { okTags: _ok, ...step } = await runLoadStep(port, rate, reqs);
      steps.push(step);
      log(`  ${target.padEnd(7)} ${String(rate).padStart(5)}/s → ${round(step.achieved)}/s ok ${step.ok}/${step.scheduled}, p50 ${round(step.p50Ms)} ms, p99 ${round(step.p99Ms)} ms`);
      peak = Math.max(peak, step.achieved);
      if (sustained(step) && keptUp(step)) best = step;
      if (!keptUp(step)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await stopTarget(child);
  }
  return { steps, best, peak };
}

/** Runs S3 and prints/writes its result. */
export async function runWebhookScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const loadavgAtStart = os.loadavg().map((n) => round(n));
  const database = await createBenchDatabase(ctx.config.DATABASE_URL, 4);
  try {
    const credentialsKey = randomBytes(32).toString('base64');
    const cipher = new CredentialCipher(credentialsKey);
    const { account } = await createAccount(database.db, 'bench webhooks');
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const connection = await insertConnection(database.db, {
      id: `conn_bench${randomBytes(8).toString('hex')}`,
      accountId: account.id,
      provider: 'sandbox',
      name: 'bench',
      config: { baseUrl: 'http://127.0.0.1:9' },
      credentialsEncrypted: cipher.encrypt({ apiKey: 'unused', webhookSecret: secret }),
    });
    await sql`CREATE TABLE bench_raw_callbacks (id bigserial PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`.execute(database.db);
    const env = { ...ctx.baseEnv, BENCH_DB_URL: database.url, BENCH_CREDENTIALS_KEY: credentialsKey };
    const conn = { id: connection.id, secret };

    ctx.log(`S3 webhooks: open-loop ramp ${RAMP.join(', ')} callbacks/s, ${STEP_S} s per step, until p99 ≥ ${GOAL_P99_MS} ms or < 95 % answered`);
    const bare = await ramp('bare', env, conn, ctx.log);
    const insert = await ramp('insert', env, conn, ctx.log);
    const smsflow = await ramp('smsflow', env, conn, ctx.log);

    ctx.log(`  kill -9 of the API after ${KILL_AFTER} of ${KILL_TOTAL} callbacks at ${KILL_RATE}/s`);
    const victim = await startTarget('smsflow', env);
    const reqs = signedDlrs(victim.port, conn.id, conn.secret, KILL_TOTAL, `kill-${randomUUID().slice(0, 8)}`);
    let killed = false;
    const killRun = await runLoadStep(victim.port, KILL_RATE, reqs, {
      onIssued: (n) => {
        if (!killed && n >= KILL_AFTER) {
          killed = true;
          victim.child.kill('SIGKILL');
        }
      },
    });
    await stopTarget(victim.child, 'SIGKILL');
    const logged = await database.db
      .selectFrom('webhook_events')
      .select('dedupe_key')
      .where('connection_id', '=', conn.id)
      .where('dedupe_key', 'in', killRun.okTags.length > 0 ? killRun.okTags : ['-'])
      .execute();
    const lost = killRun.okTags.length - logged.length;
    ctx.log(`  kill -9: ${killRun.okTags.length} answered 2xx, ${logged.length} of them in webhook_events, ${lost} lost; ${killRun.errors} failed (connection reset)`);

    const value = smsflow.best?.achieved ?? 0;
    const insertBase = insert.best?.achieved ?? 0;
    const bareBase = bare.best?.achieved ?? 0;
    const ratio = insertBase > 0 ? value / insertBase : null;
    const capacityRatio = insert.peak > 0 ? smsflow.peak / insert.peak : null;
    const p99 = smsflow.best?.p99Ms ?? null;
    const result: ScenarioResult = {
      scenario: 'webhooks',
      value: round(value),
      unit: 'callbacks/s',
      goal: GOAL_RATE,
      goal_is: 'min',
      baseline: { name: 'Hono route + one raw pg INSERT', value: round(insertBase), unit: 'callbacks/s' },
      ratio: ratio === null ? null : round(ratio),
      goals: [
        { name: 'sustained callbacks/s (p99 < 100 ms)', value: round(value), unit: '/s', goal: GOAL_RATE, goal_is: 'min', met: meets(value, GOAL_RATE, 'min') },
        { name: 'p99 at that rate', value: p99 === null ? null : round(p99), unit: 'ms', goal: GOAL_P99_MS, goal_is: 'max', met: meets(p99, GOAL_P99_MS, 'max') },
        { name: 'ratio to Hono + INSERT', value: ratio === null ? null : round(ratio), unit: '×', goal: GOAL_RATIO, goal_is: 'min', met: meets(ratio, GOAL_RATIO, 'min') },
        { name: 'callbacks lost after kill -9', value: lost, unit: '', goal: 0, goal_is: 'max', met: lost === 0 },
      ],
      figures: {
        smsflow: smsflow.steps,
        insert_baseline: insert.steps,
        bare_hono: bare.steps,
        ratio_to_bare: bareBase > 0 ? round(value / bareBase) : null,
        peak_2xx_per_s: { smsflow: round(smsflow.peak), insert_baseline: round(insert.peak), bare_hono: round(bare.peak) },
        capacity_ratio_to_insert: capacityRatio === null ? null : round(capacityRatio),
        kill: { answered_2xx: killRun.okTags.length, in_log: logged.length, lost, failed: killRun.errors, shed: killRun.shed },
      },
      notes: [
        'Each rate step is open loop for 4 s; latency counts from the scheduled send time. A step is kept up when ≥ 95 % of its callbacks got a 2xx at ≥ 90 % of the offered rate, and sustained when also p99 < 100 ms; the figure is the 2xx rate at the highest sustained step (the ramp is coarse: the true limit lies between it and the next step). Peak 2xx/s is the capacity regardless of latency.',
        'The load generator (node:http keep-alive, 64 sockets), the target and PostgreSQL share the same 2 cores; the DLRs name unknown provider ids, so each is looked up, logged unmatched and left to the sweeper (no Temporal signal).',
      ],
      env: await collectBenchEnv(database.db, ctx.config, { temporalStartedHere: false, loadavgAtStart, loadGenerator: 'node:http keep-alive open-loop generator (bench/webhook-load.ts), in the bench process' }),
    };
    console.log(`\nS3 webhook ingestion\n${formatEnv(result.env)}\n`);
    console.log(
      formatResultTable(result, [
        ['bare Hono', `${round(bareBase)} /s (p99 ${round(bare.best?.p99Ms ?? NaN)} ms)`],
        ['Hono + INSERT', `${round(insertBase)} /s (p99 ${round(insert.best?.p99Ms ?? NaN)} ms)`],
        ['smsflow / bare', bareBase > 0 ? `${round(value / bareBase)} ×` : '-'],
        ['peak 2xx/s smsflow | INSERT | bare', `${round(smsflow.peak)} | ${round(insert.peak)} | ${round(bare.peak)}`],
        ['capacity ratio to INSERT', capacityRatio === null ? '-' : `${round(capacityRatio)} ×`],
      ]),
    );
    console.log(`\nwritten: ${await writeResult(result)}`);
    return result;
  } finally {
    await database.drop();
  }
}
