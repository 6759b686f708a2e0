import { z } from 'zod';

/**
 * The benchmark's own settings, read once from the environment by {@link loadBenchConfig} in
 * `bench/main.ts` (STYLE.md habit 5). The product's settings (DATABASE_URL, TEMPORAL_ADDRESS, …) are
 * parsed separately by `loadConfig` from `src/config.ts`.
 */
const benchConfigSchema = z.object({
  /** Recipients of scenario S1 (benchmarks.md §7.2); default 20,000. */
  BENCH_RECIPIENTS: z.coerce.number().int().min(500).max(2_000_000).default(20_000),
  /** `1`: also run a campaign at {@link RSS_SWEEP_SMALL_RECIPIENTS} recipients with a fresh worker, to show RSS is flat. */
  BENCH_RSS_SWEEP: z.enum(['0', '1']).default('0'),
  /** Upper bound of one campaign (POST to all final), s; default 120 + recipients / 50. */
  BENCH_TIMEOUT_S: z.coerce.number().int().min(30).optional(),
});

/** Audience of the extra campaign of an RSS sweep. */
export const RSS_SWEEP_SMALL_RECIPIENTS = 5_000;

/** The parsed benchmark settings. */
export interface BenchConfig {
  recipients: number;
  rssSweep: boolean;
  /** Bound of one campaign run, ms. */
  campaignTimeoutMs: number;
}

/** Thrown when a BENCH_* variable is malformed; names each one. */
export class BenchConfigError extends Error {
  readonly code = 'bench_config_invalid';
  constructor(readonly issues: string[]) {
    super(`Invalid benchmark configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'BenchConfigError';
  }
}

/**
 * Parses the BENCH_* variables of `env` into a frozen {@link BenchConfig}.
 * @throws {BenchConfigError} naming every bad variable.
 */
export function loadBenchConfig(env: Record<string, string | undefined>): BenchConfig {
  const parsed = benchConfigSchema.safeParse(env);
  if (!parsed.success) throw new BenchConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const c = parsed.data;
  return Object.freeze({
    recipients: c.BENCH_RECIPIENTS,
    rssSweep: c.BENCH_RSS_SWEEP === '1',
    campaignTimeoutMs: (c.BENCH_TIMEOUT_S ?? 120 + Math.ceil(c.BENCH_RECIPIENTS / 50)) * 1000,
  });
}
