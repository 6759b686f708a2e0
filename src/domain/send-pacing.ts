/**
 * Sender throughput arithmetic. Carriers and providers count MPS in message segments per second
 * (compliance.md §c6; Twilio error 30001), so a three-segment message costs three tokens (vector
 * V63). Pure; the cross-worker reservation itself is in PostgreSQL (reserve_send_instants, 0005).
 *
 * @module
 */

/**
 * Share of the configured MPS the pacer aims at. Sends scheduled exactly 1000/MPS ms apart put MPS+1
 * sends in a 1 s window as soon as one is delayed a few ms (event-loop lag, HTTP latency) behind the
 * next; at 0.95 a send may slip ~50 ms before any 1 s window exceeds the MPS.
 *
 * Known bound: a message of s segments is one impulse of s at the provider, so a 1 s window can hold
 * up to MPS × headroom + s − 1 segments (plus lateness); it stays within the MPS only while
 * s − 1 ≤ MPS × (1 − headroom), e.g. any message at 225 MPS, ≤ 6 segments at 100 MPS, but a
 * two-segment message at 3 MPS can show 4 in one window. A single-segment stream never exceeds.
 */
export const DEFAULT_PACING_HEADROOM = 0.95;

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
 * for. Mirrors what reserve_send_instants does in PostgreSQL for one key.
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
