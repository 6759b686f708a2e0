import type { Db } from '../db/connection.js';
import { appendConsentEvents } from '../db/consent-repository.js';
import type { NewConsentEvent } from '../db/consent-repository.js';
import { recordSubmits, releaseMessages } from '../db/message-repository.js';
import type { SubmitRecord } from '../db/message-repository.js';

/** Tunables of {@link SubmitRecorder}. */
export interface SubmitRecorderOptions {
  /** Longest an outcome waits before it is written, ms (default 500). */
  maxDelayMs?: number;
  /** Outcomes that trigger a write at once (default 200). */
  maxBatch?: number;
}

/**
 * Writes a send activity's outcomes as they come, in batches: at most `maxDelayMs` after a provider
 * call answered, its message leaves `submitting`. A worker killed mid-send thus leaves only the last
 * half second of calls to the orphan rule (re-sent through an idempotent provider, which answers a
 * duplicate and so wastes a slot of the sender's MPS; failed as `provider_error` otherwise), not every
 * call of the chunk in progress. Writes run one at a time, in order: outcomes (recordSubmits), then
 * provider opt-outs (appendConsentEvents), then releases back to `queued` (releaseMessages).
 */
export class SubmitRecorder {
  readonly #db: Db;
  readonly #maxDelayMs: number;
  readonly #maxBatch: number;
  #records: SubmitRecord[] = [];
  #optOuts: NewConsentEvent[] = [];
  #releases: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #error: Error | undefined;
  /** Called once, with the first write error (the activity stops sending and fails). */
  onError: ((err: Error) => void) | undefined;

  constructor(db: Db, options: SubmitRecorderOptions = {}) {
    this.#db = db;
    this.#maxDelayMs = options.maxDelayMs ?? 500;
    this.#maxBatch = options.maxBatch ?? 200;
  }

  /** The first write error, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Queues outcomes (and, from the provider, opt-outs) for writing. */
  record(records: SubmitRecord[], optOuts: NewConsentEvent[] = []): void {
    this.#records.push(...records);
    this.#optOuts.push(...optOuts);
    this.#schedule();
  }

  /** Queues messages whose provider call did not happen, back to `queued`. */
  release(ids: string[]): void {
    this.#releases.push(...ids);
    this.#schedule();
  }

  /**
   * Writes everything queued so far and resolves when it is written.
   * @throws the first write error.
   */
  async flush(): Promise<void> {
    this.#write();
    await this.#chain;
    if (this.#error) throw this.#error;
  }

  #schedule(): void {
    if (this.#records.length + this.#releases.length >= this.#maxBatch) this.#write();
    else this.#timer ??= setTimeout(() => this.#write(), this.#maxDelayMs);
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const records = this.#records.splice(0);
    const optOuts = this.#optOuts.splice(0);
    const releases = this.#releases.splice(0);
    if (records.length + optOuts.length + releases.length === 0) return;
    this.#chain = this.#chain.then(async () => {
      if (this.#error) return;
      try {
        await recordSubmits(this.#db, records);
        await appendConsentEvents(this.#db, optOuts);
        await releaseMessages(this.#db, releases);
      } catch (err) {
        this.#error = err instanceof Error ? err : new Error(String(err));
        this.onError?.(this.#error);
      }
    });
  }
}
