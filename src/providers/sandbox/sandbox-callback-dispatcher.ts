/**
 * Posts the sandbox's signed callbacks (DLRs and MOs) to our webhooks the way real providers do:
 * bounded concurrency with a FIFO queue (20,000 messages do not open 20,000 sockets), keep-alive
 * connections, a per-attempt timeout, and retries with exponential backoff on non-2xx or connection
 * errors until `maxAttempts`, then give up. Also tracks delayed (scheduled) callbacks so that
 * {@link SandboxCallbackDispatcher.waitForIdle} means "nothing more will be posted".
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { SandboxCallbackBehaviour } from './sandbox-behaviour.js';
import { formatSandboxSignatureHeader, SANDBOX_SIGNATURE_HEADER } from './sandbox-signature.js';

/** One callback to post. */
export interface SandboxCallbackJob {
  /** Absolute http(s) URL; signed exactly as given. */
  url: string;
  /** JSON body, posted and signed verbatim. */
  body: string;
  /** Called once, with true after a 2xx or false when given up; not called after a reset. */
  onSettled?: (acknowledged: boolean) => void;
}

/** Callback counters since start or the last reset. */
export interface SandboxCallbackCounters {
  /** HTTP attempts made, retries included. */
  attempted: number;
  /** Callbacks answered 2xx. */
  acknowledged: number;
  /** Attempts that got a non-2xx, a timeout or a connection error. */
  errored: number;
  /** Callbacks given up after `maxAttempts` failed attempts. */
  failed: number;
  /** Callbacks not settled yet: delayed, queued, in flight or waiting to retry. */
  pending: number;
}

/** Raised by {@link SandboxCallbackDispatcher.waitForIdle} when callbacks are still pending at the deadline. */
export class SandboxIdleTimeoutError extends Error {
  /** Stable error code. */
  readonly code = 'sandbox_idle_timeout';
  override readonly name = 'SandboxIdleTimeoutError';
  constructor(
    /** Callbacks still pending when the wait ended. */
    readonly pending: number,
    timeoutMs: number,
  ) {
    super(`sandbox still had ${pending} pending callbacks after ${timeoutMs} ms`);
  }
}

interface Target {
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
}

interface Entry {
  job: SandboxCallbackJob;
  attempts: number;
  generation: number;
}

/** Dependencies of the dispatcher. */
export interface SandboxCallbackDispatcherDeps {
  webhookSecret: string;
  /** Read on every use, so behaviour changes apply at once. */
  behaviour: () => SandboxCallbackBehaviour;
  /** Clock in unix ms, for signature timestamps. */
  now: () => number;
}

/** The callback poster of one sandbox instance. */
export class SandboxCallbackDispatcher {
  readonly #deps: SandboxCallbackDispatcherDeps;
  readonly #httpAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
  readonly #httpsAgent = new https.Agent({ keepAlive: true, maxFreeSockets: 256 });
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #targets = new Map<string, Target>();
  // Taken slots are set to undefined so the entries can be collected before the next compaction.
  #queue: Array<Entry | undefined> = [];
  #queueHead = 0;
  #inFlight = 0;
  #generation = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];
  #counters = { attempted: 0, acknowledged: 0, errored: 0, failed: 0 };

  constructor(deps: SandboxCallbackDispatcherDeps) {
    this.#deps = deps;
  }

  /** Posts `job` after `delayMs` (0 = queue now). Counts as pending from now on. */
  schedule(delayMs: number, job: SandboxCallbackJob): void {
    if (this.#closed) return;
    const entry: Entry = { job, attempts: 0, generation: this.#generation };
    if (delayMs <= 0) this.#enqueue(entry);
    else this.#after(delayMs, () => this.#enqueue(entry));
  }

  /** Current counters. */
  counters(): SandboxCallbackCounters {
    return { ...this.#counters, pending: this.#pending() };
  }

  /**
   * Resolves when no callback is pending (delayed, queued, in flight or waiting to retry).
   * @param timeoutMs how long to wait, in ms.
   * @throws {SandboxIdleTimeoutError} when callbacks are still pending after `timeoutMs`.
   */
  waitForIdle(timeoutMs: number): Promise<void> {
    if (this.#pending() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== waiter);
        reject(new SandboxIdleTimeoutError(this.#pending(), timeoutMs));
      }, timeoutMs);
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#idleWaiters.push(waiter);
    });
  }

  /** Drops every delayed, queued and retrying callback and zeroes the counters; in-flight ones finish silently. */
  reset(): void {
    this.#generation++;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#queue = [];
    this.#queueHead = 0;
    this.#counters = { attempted: 0, acknowledged: 0, errored: 0, failed: 0 };
    this.#checkIdle();
  }

  /** Stops posting, cancels timers and closes pooled sockets. Idle waiters are released. */
  close(): void {
    this.#closed = true;
    this.reset();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Parsed callback URL, cached: every DLR of a connection goes to the same URL. Null if unusable. */
  #target(url: string): Target | null {
    let target = this.#targets.get(url);
    if (target !== undefined) return target;
    if (!URL.canParse(url)) return null;
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    target = {
      secure: parsed.protocol === 'https:',
      // WHATWG keeps IPv6 literals bracketed; http.request wants them bare.
      hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port,
      path: `${parsed.pathname}${parsed.search}`,
    };
    if (this.#targets.size >= 1024) this.#targets.clear();
    this.#targets.set(url, target);
    return target;
  }

  #pending(): number {
    return this.#timers.size + (this.#queue.length - this.#queueHead) + this.#inFlight;
  }

  #after(delayMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
      this.#checkIdle();
    }, delayMs);
    this.#timers.add(timer);
  }

  #enqueue(entry: Entry): void {
    if (entry.generation !== this.#generation || this.#closed) return;
    this.#queue.push(entry);
    this.#pump();
  }

  #pump(): void {
    const limit = this.#deps.behaviour().concurrency;
    while (this.#inFlight < limit && this.#queueHead < this.#queue.length) {
      const entry = this.#queue[this.#queueHead];
      this.#queue[this.#queueHead] = undefined;
      this.#queueHead++;
      if (entry !== undefined) this.#attempt(entry);
    }
    // Compact the FIFO now and then instead of Array#shift on every take (O(n) each).
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #attempt(entry: Entry): void {
    const { job } = entry;
    const behaviour = this.#deps.behaviour();
    entry.attempts++;
    this.#inFlight++;
    this.#counters.attempted++;
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      if (entry.generation === this.#generation && !this.#closed) this.#afterAttempt(entry, ok);
      this.#pump();
      this.#checkIdle();
    };
    const target = this.#target(job.url);
    if (target === null) {
      finish(false);
      return;
    }
    const timestampS = Math.floor(this.#deps.now() / 1000);
    const req = (target.secure ? https : http).request({
      protocol: target.secure ? 'https:' : 'http:',
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: 'POST',
      agent: target.secure ? this.#httpsAgent : this.#httpAgent,
      timeout: behaviour.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(job.body),
        'user-agent': 'smsflow-sandbox/1',
        [SANDBOX_SIGNATURE_HEADER]: formatSandboxSignatureHeader(
          this.#deps.webhookSecret,
          timestampS,
          job.url,
          job.body,
        ),
      },
    });
    req.on('response', (res) => {
      const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
      res.on('end', () => finish(ok));
      res.on('error', () => finish(false));
      res.resume();
    });
    req.on('timeout', () => req.destroy(new Error('callback timed out')));
    req.on('error', () => finish(false));
    req.end(job.body);
  }

  #afterAttempt(entry: Entry, ok: boolean): void {
    if (ok) {
      this.#counters.acknowledged++;
      entry.job.onSettled?.(true);
      return;
    }
    this.#counters.errored++;
    const behaviour = this.#deps.behaviour();
    if (entry.attempts >= behaviour.maxAttempts) {
      this.#counters.failed++;
      entry.job.onSettled?.(false);
      return;
    }
    const backoff = Math.min(behaviour.initialBackoffMs * 2 ** (entry.attempts - 1), behaviour.maxBackoffMs);
    this.#after(backoff, () => this.#enqueue(entry));
  }

  #checkIdle(): void {
    if (this.#pending() !== 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
