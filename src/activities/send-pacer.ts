import type { Db } from '../db/connection.js';
import { loadPacingCaps, reserveSendInstantsWithin } from '../db/send-pacing-repository.js';
import type { PacingKey } from '../db/send-pacing-repository.js';
import { DEFAULT_PACING_HEADROOM, PACING_HORIZON_MS, PACING_REFILL_MS, jitterBudgetMs, lateAfterMs, segmentIntervalMs } from '../domain/send-pacing.js';

/** Tunables of {@link SendPacer} (defaults from src/domain/send-pacing.ts). */
export interface SendPacerOptions {
  /** Share of the MPS aimed at (DEFAULT_PACING_HEADROOM). */
  headroom?: number;
  /** How far ahead instants may be reserved, ms (PACING_HORIZON_MS). */
  horizonMs?: number;
  /** Room to wait for when the horizon is full, ms (PACING_REFILL_MS). */
  refillMs?: number;
  /** Wall clock, epoch ms. Pacing is real time at the provider, shared by every worker through
   * PostgreSQL, so it never follows an activity's injected business clock. Default Date.now. */
  nowMs?: () => number;
}

/** Reservations start at most this long after "now", ms. */
const MAX_LEAD_MS = 100;
/** Slow pacers ask this long before their lead for the next instant, ms (timer lateness). */
const JUST_IN_TIME_MARGIN_MS = 30;
/**
 * A pacer none of whose sends answered for this long is cold again, ms: HTTP clients close idle
 * keep-alive connections after a few seconds (undici: 4 s).
 */
const COLD_AFTER_MS = 4_000;
/** Longest a cold pacer waits for its probe send to answer, ms. */
const PROBE_WAIT_MS = 2_000;
/** Up to this much earlier than needed, at random, a pacer asks for its next instants, ms. */
const FAIRNESS_JITTER_MS = 20;
/** Most messages asked for in one reservation call. */
const MAX_PER_CALL = 256;

interface Waiter {
  segments: number;
  /** Paced again after giving an instant up: it is awake already. */
  again: boolean;
  signal: AbortSignal;
  settled: boolean;
  resolve: (atMs: number | undefined) => void;
  reject: (err: Error) => void;
  onAbort: () => void;
}

/**
 * Hands out send instants for one sender: its `sender:<account>:<address>` key and the connection's
 * and account's keys, each charged segments × 1000 / (MPS × headroom) ms (MPS counts segments:
 * compliance.md §c6, vector V63). One pacer per sender per worker process, shared by every send
 * activity running there: it reserves for all of them at once in PostgreSQL
 * (reserve_send_instants_within, migration 0012), which interleaves the worker processes.
 *
 * Pipelined: instants are reserved up to {@link PACING_HORIZON_MS} ahead and the next reservation is
 * made while earlier instants are still pending, so no database round trip ever sits between two
 * sends; the horizon also bounds what a killed worker takes with it. A send that starts its provider
 * call more than {@link SendPacer.lateAfterMs} after its instant gives it back ({@link giveBack}) and
 * is reserved again.
 */
export class SendPacer {
  /** Wake-up lateness (ms) after which an instant is given up (domain `lateAfterMs`). */
  readonly lateAfterMs: number;
  /** Milliseconds one segment occupies on the slowest of the keys (for backlog estimates). */
  readonly segmentMs: number;
  readonly #db: Db;
  readonly #keys: PacingKey[];
  readonly #horizonMs: number;
  readonly #refillMs: number;
  readonly #now: () => number;
  readonly #jitterMs: number;
  /** Below 1 / refill MPS: instants are reserved one at a time, just in time. */
  readonly #slow: boolean;
  #queue: Waiter[] = [];
  /** Segments of the messages waiting for an instant. */
  #queuedSegments = 0;
  #released: { atMs: number; segments: number }[] = [];
  #pushed: { atMs: number; segments: number; excessMs: number }[] = [];
  #running = false;
  #wake: (() => void) | undefined;
  /** When a send last reported its delay (wall clock, ms). */
  #lastReportMs = Number.NEGATIVE_INFINITY;
  /** Ends the wait for a cold pacer's probe send. */
  #probe: (() => void) | undefined;
  /** Moving average of the reservation round trip, ms: instants start this much × 2 after "now". */
  #roundTripMs = 5;

  constructor(db: Db, keys: PacingKey[], options: SendPacerOptions = {}) {
    if (keys.length === 0) throw new RangeError('a pacer needs at least one key');
    const headroom = options.headroom ?? DEFAULT_PACING_HEADROOM;
    this.#db = db;
    this.#keys = keys;
    this.#refillMs = options.refillMs ?? PACING_REFILL_MS;
    this.#now = options.nowMs ?? Date.now;
    this.lateAfterMs = lateAfterMs(headroom);
    this.#jitterMs = jitterBudgetMs(headroom);
    this.segmentMs = Math.max(...keys.map((k) => k.intervalMs));
    this.#slow = this.segmentMs >= this.#refillMs;
    // A slow pacer never holds two instants ahead: the push after a late send (reportDelay) must
    // reach the keys before anyone reserves the next instant.
    const horizon = options.horizonMs ?? PACING_HORIZON_MS;
    this.#horizonMs = this.#slow ? Math.min(horizon, 0.9 * this.segmentMs) : horizon;
  }

  /**
   * Whether a send that starts `lateMs` after its instant may still go. Within {@link lateAfterMs}
   * always. Below 1 / refill MPS also up to half the time to the next instant's reservation: there the
   * next instant is reserved only just in time, so the push that {@link reportDelay} then makes reaches
   * the keys before it, and the send costs its lateness beyond J instead of the round trips of a
   * give-back (on a loaded machine those are late again as often as not).
   */
  mayGoLate(lateMs: number): boolean {
    if (lateMs <= this.lateAfterMs) return true;
    return this.#slow && lateMs <= (this.segmentMs - MAX_LEAD_MS - JUST_IN_TIME_MARGIN_MS) / 2;
  }

  /**
   * How long the messages waiting here for an instant (of every activity of this process) would take
   * to get one at this sender's pace, ms: a lower bound, other processes share the sender too.
   */
  get backlogMs(): number {
    return this.#queuedSegments * this.segmentMs;
  }

  /** Whether no message waits for an instant and no reservation is running. */
  get idle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /**
   * Reserves an instant for one message of `segments` segments.
   * @param first put the message at the head of the queue (paced again after giving its instant up).
   * @returns the instant (epoch ms, by the wall clock), or undefined when `signal` aborts first.
   * @throws the database error when the reservation fails.
   */
  reserve(segments: number, signal: AbortSignal, first = false): Promise<number | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        segments: Math.max(1, segments),
        again: first,
        signal,
        settled: false,
        resolve: (at) => {
          if (w.settled) return;
          w.settled = true;
          this.#queuedSegments -= w.segments;
          signal.removeEventListener('abort', w.onAbort);
          resolve(at);
        },
        reject: (err) => {
          if (w.settled) return;
          w.settled = true;
          this.#queuedSegments -= w.segments;
          signal.removeEventListener('abort', w.onAbort);
          reject(err);
        },
        onAbort: () => w.resolve(undefined),
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.#queuedSegments += w.segments;
      if (first) this.#queue.unshift(w);
      else this.#queue.push(w);
      if (!this.#running) void this.#run();
    });
  }

  /**
   * Gives an unused instant back (its send woke too late, or was cancelled). The next reservation
   * rolls the keys back to it when no one has reserved after it; otherwise it is simply lost.
   */
  giveBack(atMs: number, segments: number): void {
    this.#released.push({ atMs, segments: Math.max(1, segments) });
    this.#probe?.();
    // Below 1 / refill MPS a given-back instant is usually still the tail: ask now rather than at the
    // next refill, so the message goes a few ms late instead of a whole interval.
    if (this.#slow) this.#wake?.();
  }

  /**
   * Reports when a send's provider call answered, `delayMs` after its instant (an upper bound of when
   * the provider got it). Beyond the jitter budget J the keys are pushed so that later instants keep
   * their distance from it (migration 0012); below 10 MPS at once, since the next instant is reserved
   * only just in time, otherwise with the next reservation.
   */
  reportDelay(atMs: number, segments: number, delayMs: number): void {
    this.#lastReportMs = this.#now();
    if (delayMs > this.#jitterMs) this.#pushed.push({ atMs, segments: Math.max(1, segments), excessMs: delayMs - this.#jitterMs });
    this.#probe?.();
    if (delayMs <= this.#jitterMs) return;
    if (this.#slow) {
      if (this.#running) this.#wake?.();
      else void this.#run();
    }
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        this.#queue = this.#queue.filter((w) => !w.settled);
        // Given-back instants wait for the next reservation (they only matter to one); pushes do not.
        if (this.#queue.length === 0 && this.#pushed.length === 0) return;
        // Cold (no send answered lately: a new connection, code paths not yet compiled): the first call
        // to the provider can take tens of ms longer than the next ones, which would then bunch behind
        // it. Send one message alone first; its delay report pushes the keys before anyone goes on.
        const cold = this.#now() - this.#lastReportMs > COLD_AFTER_MS;
        const asked = this.#queue.slice(0, cold ? 1 : MAX_PER_CALL);
        const released = this.#released.splice(0);
        const pushed = this.#pushed.splice(0);
        const started = this.#now();
        // A message paced again is awake already: an instant from "now" lets it go as soon as the
        // answer arrives (late by the round trip, within the budget) instead of waiting on another
        // timer that, on a loaded machine, may fire too late again.
        const from = started + (asked[0]?.again ? 0 : this.#leadMs());
        let answer;
        try {
          answer = await reserveSendInstantsWithin(this.#db, this.#keys, asked.map((w) => w.segments), from, this.#horizonMs, { released, pushed });
        } catch (err) {
          for (const w of asked) w.reject(err instanceof Error ? err : new Error(String(err)));
          if (asked.length === 0) return; // a push alone: lost with the database, nothing waits on it
          continue;
        }
        this.#roundTripMs = 0.8 * this.#roundTripMs + 0.2 * (this.#now() - started);
        let handedOut = 0;
        answer.instants.forEach((at, i) => {
          const w = asked[i]!;
          // Cancelled while we asked: the instant is not used, hand it back.
          if (w.settled) this.giveBack(at, w.segments);
          else {
            w.resolve(at);
            handedOut++;
          }
        });
        // Horizon full: ask again when `refill` ms of it are free (about that much traffic per call),
        // or, below 1 / refill MPS, just in time for the next instant, so that a worker killed now
        // holds an unused instant only for that moment (a lost instant costs a whole interval there).
        // Each worker asks at a slightly random moment: a fixed one lets the same worker win every
        // race for the next instants, drain its own batches first and leave the others' messages for
        // the end — all of them stuck for the heartbeat timeout if that other worker dies.
        const ahead = (this.#slow ? this.#leadMs() + JUST_IN_TIME_MARGIN_MS : this.#horizonMs - this.#refillMs) + Math.random() * FAIRNESS_JITTER_MS;
        if (cold && handedOut > 0) await this.#probeAnswered();
        const pushNow = (this.#slow || cold) && this.#pushed.length > 0;
        if (answer.instants.length < asked.length && !pushNow) await this.#sleep(answer.nextFreeMs - ahead - this.#now());
      }
    } finally {
      this.#running = false;
    }
  }

  /** Resolves when the probe's send reports its delay or gives its instant up, or after PROBE_WAIT_MS. */
  #probeAnswered(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#probe = undefined;
        resolve();
      };
      const timer = setTimeout(done, PROBE_WAIT_MS);
      this.#probe = done;
    });
  }

  /** How far after "now" reservations start: twice the recent round trip, 5 ms to MAX_LEAD_MS. */
  #leadMs(): number {
    return Math.min(MAX_LEAD_MS, Math.max(5, 2 * this.#roundTripMs));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.#wake = done;
    });
  }
}

/**
 * The pacers of a worker process, one per sender key set (sender, connection, account and their
 * intervals), shared by all its send activities. Caps are read again each time a send activity opens
 * its pacers, so a changed `senders.mps` applies from the next activity on.
 */
export class SendPacers {
  readonly #db: Db;
  readonly #options: SendPacerOptions;
  readonly #pacers = new Map<string, SendPacer>();

  constructor(db: Db, options: SendPacerOptions = {}) {
    this.#db = db;
    this.#options = options;
  }

  /**
   * The pacer of each sender (undefined when none of its sender, connection and account caps is set:
   * then its sends are not paced; the provider's 429s still slow them down). Keys:
   * `sender:<account>:<address>` at `senders.mps`, `connection:<id>` at `config.max_mps`,
   * `account:<id>` at `settings.max_mps` (loadPacingCaps, one query per distinct sender), paced at
   * the connection's `config.pacing_headroom` when set, else DEFAULT_PACING_HEADROOM.
   */
  async forSenders(target: { accountId: string; connectionId: string }, senders: Iterable<string>): Promise<Map<string, SendPacer | undefined>> {
    const out = new Map<string, SendPacer | undefined>();
    for (const sender of new Set(senders)) {
      const caps = await loadPacingCaps(this.#db, target.accountId, target.connectionId, sender);
      const headroom = caps.headroom ?? this.#options.headroom ?? DEFAULT_PACING_HEADROOM;
      const keys: PacingKey[] = [];
      if (caps.senderMps) keys.push({ key: `sender:${target.accountId}:${sender}`, intervalMs: segmentIntervalMs(caps.senderMps, headroom) });
      if (caps.connectionMps) keys.push({ key: `connection:${target.connectionId}`, intervalMs: segmentIntervalMs(caps.connectionMps, headroom) });
      if (caps.accountMps) keys.push({ key: `account:${target.accountId}`, intervalMs: segmentIntervalMs(caps.accountMps, headroom) });
      out.set(sender, keys.length === 0 ? undefined : this.#pacerFor(keys, headroom));
    }
    return out;
  }

  #pacerFor(keys: PacingKey[], headroom: number): SendPacer {
    const id = keys.map((k) => `${k.key}@${k.intervalMs}`).join('|');
    let pacer = this.#pacers.get(id);
    if (!pacer) {
      // Caps that changed leave idle pacers behind: drop those before the map grows.
      if (this.#pacers.size >= 256) for (const [k, p] of this.#pacers) if (p.idle) this.#pacers.delete(k);
      pacer = new SendPacer(this.#db, keys, { ...this.#options, headroom });
      this.#pacers.set(id, pacer);
    }
    return pacer;
  }
}

/** Resolves at `untilMs` by `nowMs` (or at once when past), or early when `signal` aborts. */
export async function waitUntil(untilMs: number, signal: AbortSignal, nowMs: () => number = Date.now): Promise<void> {
  // Never early (a timer may fire a fraction of a millisecond before a fractional instant).
  for (let ms = untilMs - nowMs(); ms > 0 && !signal.aborted; ms = untilMs - nowMs()) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.ceil(ms));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
