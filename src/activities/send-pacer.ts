import type { Db } from '../db/connection.js';
import { loadPacingCaps, reserveSendInstants } from '../db/send-pacing-repository.js';
import type { PacingKey } from '../db/send-pacing-repository.js';
import { DEFAULT_PACING_HEADROOM, segmentIntervalMs } from '../domain/send-pacing.js';

/** Paces one campaign's sends under its sender's, connection's and account's MPS, across all workers. */
export interface SendPacer {
  /** Whether any cap applies (otherwise sends are not paced). */
  readonly paced: boolean;
  /** Messages to reserve at once: about half a second of the slowest key, at least 1. */
  readonly groupSize: number;
  /**
   * A send that wakes more than this after its instant (ms) gives it up and is re-reserved: within the
   * headroom slack (~50 ms per window at 0.95), a late send cannot overrun a 1 s window.
   */
  readonly lateAfterMs: number;
  /** Reserves send instants (epoch ms by the caller's clock) for messages of `segments[i]` segments. */
  reserve(segments: number[], nowMs: number): Promise<number[]>;
}

/**
 * Builds the pacer of a campaign. Keys: `sender:<account>:<address>` at `senders.mps`,
 * `connection:<id>` at `config.max_mps`, `account:<id>` at `settings.max_mps`; each segment costs
 * 1000 / (MPS × headroom) ms on every key (MPS counts segments: compliance.md §c6, vector V63).
 * A sender without a configured MPS is not paced (the provider's 429s still slow it down).
 */
export async function openSendPacer(
  db: Db,
  campaign: { account_id: string; connection_id: string; sender: string },
  headroom = DEFAULT_PACING_HEADROOM,
): Promise<SendPacer> {
  const caps = await loadPacingCaps(db, campaign.account_id, campaign.connection_id, campaign.sender);
  const keys: PacingKey[] = [];
  if (caps.senderMps) keys.push({ key: `sender:${campaign.account_id}:${campaign.sender}`, intervalMs: segmentIntervalMs(caps.senderMps, headroom) });
  if (caps.connectionMps) keys.push({ key: `connection:${campaign.connection_id}`, intervalMs: segmentIntervalMs(caps.connectionMps, headroom) });
  if (caps.accountMps) keys.push({ key: `account:${campaign.account_id}`, intervalMs: segmentIntervalMs(caps.accountMps, headroom) });
  const slowest = Math.min(...[caps.senderMps, caps.connectionMps, caps.accountMps].filter((x): x is number => x !== null), Infinity);
  return {
    paced: keys.length > 0,
    lateAfterMs: 10,
    groupSize: Number.isFinite(slowest) ? Math.max(1, Math.min(64, Math.floor(slowest / 2))) : Number.MAX_SAFE_INTEGER,
    reserve: (segments, nowMs) => reserveSendInstants(db, keys, segments, nowMs),
  };
}

/** Resolves at `untilMs` by `clock` (or at once when past), or early when `signal` aborts. */
export function waitUntil(untilMs: number, clock: () => Date, signal: AbortSignal): Promise<void> {
  const ms = untilMs - clock().getTime();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
