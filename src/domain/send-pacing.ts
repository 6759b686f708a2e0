/**
 * Sender throughput arithmetic. Carriers and providers count MPS in message segments per second
 * (compliance.md §c6; Twilio error 30001), so a three-segment message costs three tokens (vector
 * V63). Pure; the cross-worker reservation itself is in PostgreSQL (reserve_send_instants_within, 0012).
 *
 * @module
 */

/**
 * Share of the configured MPS the pacer aims at (h), by default. Sends scheduled exactly 1000/MPS ms
 * apart put MPS+1 sends in a 1 s window as soon as one is delayed a few ms behind the next; the
 * headroom buys a jitter budget ({@link jitterBudgetMs}): 52.6 ms at 0.95, half of it for the spread of
 * HTTP latency to the provider, which across the internet (and measured on a loaded 2-core machine
 * even on loopback, `npm run bench -- throttle`) reaches tens of ms. A connection whose path is short
 * and steady may aim higher with `config.pacing_headroom` (the benchmark's own-process sandbox: 0.97,
 * J = 30.9 ms); at 0.95 the rate can never reach the S2 goal of 0.95–1.00 of the MPS, only approach it.
 *
 * Known bound: a message of s segments is one impulse of s at the provider, so a 1 s window can hold
 * up to MPS × headroom + s − 1 segments (plus lateness); it stays within the MPS only while
 * s − 1 ≤ MPS × (1 − headroom), e.g. ≤ 12 segments at 225 MPS, ≤ 6 at 100 MPS, but a
 * two-segment message at 3 MPS can show 4 in one window. A single-segment stream never exceeds.
 */
export const DEFAULT_PACING_HEADROOM = 0.95;

/**
 * Jitter budget J (ms) that headroom h leaves. Pacing one segment per I = 1000 / (MPS × h) ms, let dᵢ
 * be how far send i reaches the provider behind its instant (wake-up lateness + HTTP latency). Sends
 * i < j fall in one 1 s window only if (j − i) × I < 1000 + (dᵢ − dⱼ); with dᵢ − dⱼ ≤ J a window holds at
 * most ceil((1000 + J) / I) = ceil(MPS × h × (1000 + J) / 1000) single-segment sends, which stays ≤ MPS
 * (an integer) exactly while h × (1000 + J) ≤ 1000, i.e. J ≤ 1000 × (1/h − 1): 52.6 ms at 0.95,
 * 41.7 ms at 0.96, 30.9 ms at 0.97, 20.4 ms at 0.98. Independent of the MPS. A uniform delay costs
 * nothing (only the spread dᵢ − dⱼ counts), and dⱼ ≥ 0 since no send goes before its instant.
 */
export function jitterBudgetMs(headroom = DEFAULT_PACING_HEADROOM): number {
  if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1], got ${headroom}`);
  return 1000 * (1 / headroom - 1);
}

/**
 * Share of {@link jitterBudgetMs} given to wake-up lateness: a send that starts its provider call more
 * than `share × J` after its instant gives the instant up and is paced again; the rest of J is left for
 * the spread of HTTP latency to the provider, which we cannot check before the call. Half and half:
 * 26.3 ms each at 0.95, 15.5 ms at 0.97.
 */
export const WAKE_LATENESS_SHARE = 0.5;

/** Wake-up lateness (ms) after which a send gives its instant up: {@link WAKE_LATENESS_SHARE} × J. */
export function lateAfterMs(headroom = DEFAULT_PACING_HEADROOM): number {
  return WAKE_LATENESS_SHARE * jitterBudgetMs(headroom);
}

/**
 * How far ahead of now instants may be reserved, ms. Bounds what a killed worker takes with it (its
 * reserved, never-used instants: at most this much of a sender's time) while leaving a scheduler time
 * for its next database round trip ({@link PACING_REFILL_MS} before the horizon runs out).
 */
export const PACING_HORIZON_MS = 250;

/**
 * A scheduler whose horizon is full asks again when this much of it has freed up, ms: about 10
 * reservations a second per sender and worker at high MPS (each for ~100 ms of traffic), one per
 * instant below 10 MPS. The first new instant is then still {@link PACING_HORIZON_MS} − this = 150 ms
 * ahead, the margin for the round trip.
 */
export const PACING_REFILL_MS = 100;

/**
 * Twilio's queue horizon: a sender holds at most 10 hours of traffic at its MPS
 * (https://www.twilio.com/docs/api/errors/21611).
 */
export const QUEUE_HORIZON_HOURS = 10;

/** Milliseconds one segment occupies on a sender of `mps` segments per second, with headroom. */
export function segmentIntervalMs(mps: number, headroom = DEFAULT_PACING_HEADROOM): number {
  if (!(mps > 0)) throw new RangeError(`MPS must be positive, got ${mps}`);
  return 1000 / (mps * headroom);
}

/** Segments a sender may have queued at the provider: MPS × 10 h (36,000 at 1 MPS). */
export function queueCapacitySegments(mps: number, horizonHours = QUEUE_HORIZON_HOURS): number {
  return Math.floor(mps * horizonHours * 3600);
}

/**
 * Send instants for messages of `segments[i]` segments each on one sender, starting at `startMs`
 * (virtual scheduling, GCRA): message i goes when the segments of all earlier messages have been paid
 * for. Mirrors, without its horizon, what reserve_send_instants_within does in PostgreSQL for one key.
 * @returns the instants (epoch ms) and when the sender is free again (`nextFreeMs`).
 */
export function planSendInstants(
  startMs: number,
  segments: readonly number[],
  intervalMs: number,
): { instants: number[]; nextFreeMs: number } {
  let t = startMs;
  const instants = segments.map((s) => {
    const at = t;
    t += s * intervalMs;
    return at;
  });
  return { instants, nextFreeMs: t };
}
