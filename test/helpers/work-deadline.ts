import { availableParallelism, loadavg } from 'node:os';

/**
 * Messages per second a campaign without any pacing cap (no sender, connection or account MPS) is
 * assumed to reach at worst in the test stack: sandbox or fake provider on loopback, every claim and
 * outcome written to PostgreSQL, on a 2-core machine shared with other work. Measured on such a
 * machine at load average 4: 20,000 messages in 145 s with seeding (about 140/s), 2,000 around a
 * SIGKILLed worker in 41 s. The floor leaves a factor of 7, and margins grow with the load.
 */
export const UNPACED_MPS_FLOOR = 20;

/**
 * Fixed cost of any campaign before and after its messages, ms, on an idle machine: workflow start,
 * audience snapshot, batch children, the last flush and the API's view of it (about 2–5 s measured).
 */
const CAMPAIGN_OVERHEAD_MS = 15_000;

/**
 * How much slower than idle this machine is now: the 1-minute load average per core, at least 1
 * (read when a deadline is computed). 4.5 on 2 cores gives 2.25: every margin is stretched by it.
 */
export function machineSlowness(): number {
  return Math.max(1, loadavg()[0]! / availableParallelism());
}

/** What a test waits for: a campaign (or a part of one) of `messages`. */
export interface Work {
  messages: number;
  /** The tightest configured pacing cap on the way, segments/s; default {@link UNPACED_MPS_FLOOR}. */
  mps?: number;
  /** Segments per message (pacing counts segments); default 1. */
  segments?: number;
  /** The campaign's `dlr_timeout_seconds` when messages may wait for it (no final receipt). */
  dlrTimeoutS?: number;
  /** Other waits the work contains by design, ms (a scheduled start, an A/B wait, a quiet-hours release). */
  plannedMs?: number;
}

/**
 * How long to wait for `work`, ms: messages × segments ÷ rate, plus the DLR timeout and planned waits
 * it may contain, plus the campaign overhead; the computed part is doubled and the overhead stretched
 * by {@link machineSlowness}. An upper bound to fail at, not an expected duration.
 */
export function deadlineFor(work: Work): number {
  const sendMs = ((work.messages * (work.segments ?? 1)) / (work.mps ?? UNPACED_MPS_FLOOR)) * 1000;
  const dlrMs = (work.dlrTimeoutS ?? 0) * 1000;
  return Math.ceil(2 * sendMs + dlrMs + (work.plannedMs ?? 0) + CAMPAIGN_OVERHEAD_MS * machineSlowness());
}

/**
 * A vitest timeout for a test that waits `waits` (ms, from {@link deadlineFor}) one after another, with
 * room for its set-up (a test stack: database, migrations, worker) stretched by the machine's slowness.
 */
export function testTimeoutFor(...waits: number[]): number {
  return Math.ceil(waits.reduce((a, b) => a + b, 0) + 60_000 * machineSlowness());
}

/**
 * Polls `check` every `everyMs` (sleeping in between, never spinning) until it answers something
 * other than undefined/false, or throws after `timeoutMs` naming `what` and the last answer.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
