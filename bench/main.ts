/**
 * `npm run bench -- [scenario…]`: runs benchmark scenarios of shared/reference/benchmarks.md and
 * writes `bench/results/<scenario>.json`. No argument runs every scenario; an unknown one prints
 * the usage and exits 2. A missed goal is reported, not an error: the exit code is 0 unless a
 * scenario could not run at all.
 *
 * @module
 */
import { loadConfig } from '../src/config.js';
import { loadBenchConfig } from './bench-config.js';
import { closeOpenBenchStacks } from './bench-stack.js';
import { withTimeout } from './bounded-wait.js';
import { runCampaignScenario } from './campaign-bench.js';
import { runConsentImportScenario } from './consent-import-bench.js';
import type { ScenarioContext } from './campaign-bench.js';
import { runWebhookScenario } from './webhook-bench.js';
import { runComposeScenario } from './compose-bench.js';
import { runOnboardingScenario } from './onboarding-bench.js';
import { runThrottleScenario } from './throttle-bench.js';

/** Every scenario by its command-line name. */
const SCENARIOS: Record<string, { summary: string; run: (ctx: ScenarioContext) => Promise<unknown> }> = {
  campaign: {
    summary: 'S1: end-to-end campaign through the sandbox (BENCH_RECIPIENTS, default 20,000) vs a raw pg + http loop',
    run: runCampaignScenario,
  },
  webhooks: { summary: 'S3: signed DLR callbacks/s through the real webhook route vs bare Hono and Hono + INSERT; kill -9 loses nothing', run: runWebhookScenario },
  compose: { summary: 'S7: segment counts/s and cached renders/s per core vs string.length and replace loops', run: runComposeScenario },
  import: { summary: 'S6: bulk consent CSV import (BENCH_IMPORT_ROWS, default 1,000,000) vs raw COPY and parse-only', run: runConsentImportScenario },
  onboarding: { summary: 'S5: onboarding workflows started/s with their first Update, Update p99 accept/reject, vs empty-workflow start+await', run: runOnboardingScenario },
  throttle: { summary: 'S2: senders at 1, 3, 100, 225 MPS, two worker processes (one SIGKILLed) vs a single-process token bucket', run: runThrottleScenario },
};

const USAGE = `usage: npm run bench -- [scenario…]   (no scenario: all)

scenarios:
${Object.entries(SCENARIOS)
  .map(([name, s]) => `  ${name.padEnd(10)} ${s.summary}`)
  .join('\n')}

environment: BENCH_RECIPIENTS (default 20000), BENCH_RSS_SWEEP=1 (also run 5,000 recipients to show
worker RSS is flat), BENCH_TIMEOUT_S (bound of one campaign), plus smsflow's DATABASE_URL,
TEMPORAL_ADDRESS, … (README). Results: bench/results/<scenario>.json.`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => !(a in SCENARIOS));
  if (unknown.length > 0) {
    console.error(`unknown scenario: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const names = argv.length > 0 ? argv : Object.keys(SCENARIOS);
  const ctx: ScenarioContext = {
    config: loadConfig({ LOG_LEVEL: 'warn', ...process.env }),
    bench: loadBenchConfig(process.env),
    baseEnv: process.env,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  };
  let failed = 0;
  for (const name of names) {
    try {
      await SCENARIOS[name]!.run(ctx);
    } catch (err) {
      failed += 1;
      console.error(`scenario ${name} could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the worker and dropping the benchmark database…`);
    // Worker children still alive after this are SIGKILLed by worker-process.ts's exit hook.
    void withTimeout(closeOpenBenchStacks(), 30_000, 'cleanup').then(
      () => process.exit(130),
      () => process.exit(130),
    );
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
