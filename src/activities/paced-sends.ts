import { setMaxListeners } from 'node:events';
import type { SendPacer } from './send-pacer.js';
import { waitUntil } from './send-pacer.js';

/** What {@link PacedSends} needs of a message: its id, its own sender (the pacing key) and segments. */
export interface PacedMessage {
  id: string;
  sender: string;
  segments: number;
}

/** Answer of {@link PacedSends.run} for one group of messages. */
export interface PacedRunResult {
  /** Messages whose provider call certainly did not happen (cancelled, stopped, no instant). */
  notSent: string[];
  /** Messages the `vet` check refused just before their instant: not sent, the caller records why. */
  vetoed: string[];
  /**
   * The first error thrown by a reservation or a provider call. A message whose call threw is in
   * neither list: its outcome is unknown, so it stays `submitting` for the next attempt to resolve.
   */
  error?: Error;
}

/**
 * The provider calls of one send activity. Each message waits for an instant from its own sender's
 * pacer (messages of one campaign may carry different senders), then for one of `concurrency` call
 * slots; one that gets its slot more than the pacer's `lateAfterMs` after its instant gives the instant
 * back and is paced again. Messages without a pacer only wait for a slot.
 *
 * Groups of messages (the activity's claimed chunks) are handed over with {@link run} without waiting
 * for earlier groups: {@link drained} tells when the backlog is short enough to prepare the next one,
 * so consent checks and claims overlap the sends instead of leaving the sender idle.
 */
export class PacedSends {
  /** Aborted when the activity is cancelled or {@link stop} was called: no further call starts. */
  readonly signal: AbortSignal;
  readonly #pacers: ReadonlyMap<string, SendPacer | undefined>;
  readonly #concurrency: number;
  readonly #stop = new AbortController();
  readonly #slots: CallSlots;
  /** Not yet given an instant: segments per pacer; not yet started: messages without one (key undefined). */
  readonly #pending = new Map<SendPacer | undefined, number>();
  #drainWaiters: { ms: number; resolve: () => void }[] = [];

  constructor(options: { pacers: ReadonlyMap<string, SendPacer | undefined>; concurrency: number; signal: AbortSignal }) {
    this.#pacers = options.pacers;
    this.#concurrency = Math.max(1, options.concurrency);
    this.#slots = new CallSlots(this.#concurrency);
    this.signal = AbortSignal.any([options.signal, this.#stop.signal]);
    // Every message waiting for an instant, a timer or a slot listens (and stops listening when served).
    setMaxListeners(0, this.signal);
    this.signal.addEventListener('abort', () => this.#checkDrained(), { once: true });
  }

  /** Starts no further provider call (calls in flight finish). */
  stop(): void {
    this.#stop.abort();
  }

  /**
   * Sends `messages`, each through `send` (the provider call and recording its outcome in memory), and
   * resolves when every one was sent or given up. `vet`, when given, is asked once per message while
   * its instant approaches (or before its slot, unpaced): `false` gives the instant back and lists the
   * message in `vetoed`. Never rejects: errors come back in the answer, and the
   * first one also stops the other groups.
   */
  async run<M extends PacedMessage>(messages: M[], send: (m: M) => Promise<void>, vet?: (m: M) => Promise<boolean>): Promise<PacedRunResult> {
    const result: PacedRunResult = { notSent: [], vetoed: [] };
    await Promise.all(
      messages.map(async (m) => {
        const pacer = this.#pacers.get(m.sender);
        const weight = pacer ? Math.max(1, m.segments) : 1;
        let counted = false;
        const count = (on: boolean) => {
          if (counted === on) return;
          counted = on;
          this.#addPending(pacer, on ? weight : -weight);
        };
        let calling = false;
        let vetted = false;
        try {
          for (let again = false; ; again = true) {
            count(true);
            let at: number | undefined;
            if (pacer) {
              at = await pacer.reserve(m.segments, this.signal, again);
              count(false);
              if (at === undefined) {
                result.notSent.push(m.id);
                return;
              }
              // The last check (consent) runs while the instant approaches, so it usually costs the send
              // no time; once passed, it is not repeated when a late instant is traded for a new one (a
              // check slower than an idle sender's next instant would otherwise make every try late).
              const check = vet && !vetted ? vet(m) : true;
              vetted = true;
              const [ok] = await Promise.all([check, waitUntil(at, this.signal)]);
              if (!ok) {
                pacer.giveBack(at, m.segments);
                result.vetoed.push(m.id);
                return;
              }
            } else if (vet && !(await vet(m))) {
              count(false);
              result.vetoed.push(m.id);
              return;
            }
            const release = await this.#slots.acquire(this.signal);
            count(false);
            if (!release || this.signal.aborted) {
              release?.();
              if (pacer && at !== undefined) pacer.giveBack(at, m.segments);
              result.notSent.push(m.id);
              return;
            }
            try {
              if (pacer && at !== undefined && !pacer.mayGoLate(Date.now() - at)) {
                pacer.giveBack(at, m.segments);
                continue;
              }
              calling = true;
              await send(m);
              if (pacer && at !== undefined) pacer.reportDelay(at, m.segments, Date.now() - at);
              return;
            } finally {
              release();
            }
          }
        } catch (err) {
          if (!calling) result.notSent.push(m.id);
          result.error ??= err instanceof Error ? err : new Error(String(err));
          this.stop();
        } finally {
          count(false);
        }
      }),
    );
    return result;
  }

  /**
   * Resolves once the messages handed over but not yet given an instant (or, unpaced, not yet
   * started) would take at most `ms` to drain at their senders' paces, behind the other activities'
   * messages waiting on the same pacers (unpaced: once no more than `concurrency` wait), or when
   * {@link signal} aborts.
   */
  drained(ms: number): Promise<void> {
    if (this.signal.aborted || this.#drainMs() <= ms) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push({ ms, resolve }));
  }

  #drainMs(): number {
    let ms = 0;
    // A paced message waits behind every message of this process's other activities on its sender.
    for (const [pacer, n] of this.#pending) ms = Math.max(ms, n <= 0 ? 0 : pacer ? Math.max(n * pacer.segmentMs, pacer.backlogMs) : n > this.#concurrency ? Infinity : 0);
    return ms;
  }

  #addPending(pacer: SendPacer | undefined, delta: number): void {
    this.#pending.set(pacer, (this.#pending.get(pacer) ?? 0) + delta);
    if (delta < 0) this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#drainWaiters.length === 0) return;
    const ms = this.signal.aborted ? -Infinity : this.#drainMs();
    const still = this.#drainWaiters.filter((w) => w.ms < ms);
    for (const w of this.#drainWaiters) if (w.ms >= ms) w.resolve();
    this.#drainWaiters = still;
  }
}

/** At most `size` provider calls at once; waiters are served in arrival order. */
class CallSlots {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** @returns the release function, or undefined when `signal` aborted before a slot was free. */
  async acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return undefined;
    if (this.#free > 0) {
      this.#free--;
      return this.#releaser();
    }
    const got = await new Promise<boolean>((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', abort);
        resolve(true);
      };
      const abort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(false);
      };
      this.#waiters.push(grant);
      signal.addEventListener('abort', abort, { once: true });
    });
    return got ? this.#releaser() : undefined;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
