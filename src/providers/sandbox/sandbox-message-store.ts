/**
 * What the sandbox provider remembers: every submitted message (for idempotency on `client_ref` and
 * for inspection) and the counters behind `GET /_sandbox/stats`. In memory only; `reset()` forgets all.
 *
 * @module
 */
import type { SandboxOutcome } from './sandbox-behaviour.js';
import type { SandboxDlrStatus } from './sandbox-message-plan.js';

/** One DLR of a message, logged when its delivery settled (so in settle order). */
export interface SandboxDlrLogEntry {
  seq: number;
  status: SandboxDlrStatus;
  part?: { index: number; total: number };
  /** The DLR's `timestamp` (ISO 8601 UTC). */
  timestamp: string;
  duplicate: boolean;
  /** 'acknowledged' after a 2xx, 'given_up' after the last failed attempt. */
  delivery: 'acknowledged' | 'given_up';
}

/** One submitted message as the sandbox keeps it (also the JSON of `GET /_sandbox/messages`). */
export interface SandboxMessageRecord {
  /** `SB` + 32 hex; null when refused at submit (no resource is created, like Twilio's 400). */
  id: string | null;
  clientRef: string | null;
  from: string;
  to: string;
  body: string;
  parts: number;
  encoding: 'GSM-7' | 'UCS-2';
  statusCallback: string | null;
  /** Drawn (or forced: invalid number, opted out) final outcome. */
  outcome: SandboxOutcome;
  /** Refusal code for `rejected`, DLR error code for `undelivered`/`failed`/`expired`. */
  errorCode: number | null;
  /** `queued` until a DLR settles, then the status of the last settled DLR; `rejected` if refused at submit. */
  status: 'queued' | 'rejected' | SandboxDlrStatus;
  /** ISO 8601 UTC. */
  createdAt: string;
  dlrs: SandboxDlrLogEntry[];
}

/** Per-sender throughput figures, for MPS-accuracy benchmarks (benchmarks.md S2). */
export interface SandboxSenderStats {
  /** Accepted messages. */
  messages: number;
  /** Their segments. */
  segments: number;
  /** Most segments accepted within any sliding 1,000 ms window. */
  peakSegmentsPerSecond: number;
}

/** The JSON of `GET /_sandbox/stats`. */
export interface SandboxStats {
  /** New sends (not duplicates, not throttled, not 503): `accepted + rejected`. */
  submits: number;
  /** Repeats of a known `client_ref` (answered with the original result, not sent again). */
  duplicateSubmits: number;
  accepted: number;
  /** Refused at submit with a 400 (invalid, opted out, drawn refusal, missing field). */
  rejected: number;
  /** Answered 429 (above `maxSendsPerSecond`). */
  throttled: number;
  /** Answered 503 (injected `serverErrorRate`). */
  serverErrors: number;
  /** Answered 409 (client_ref reused with other parameters). */
  idempotencyConflicts: number;
  /** Distinct accepted messages per recipient (E.164). Empty when omitted by the caller. */
  byRecipient: Record<string, number>;
  bySender: Record<string, SandboxSenderStats>;
  /** Outcomes of new sends; `rejected` counts every submit refusal. */
  outcomes: Record<SandboxOutcome, number>;
  /** MO messages (parts) emitted. */
  inbound: number;
  callbacks: { attempted: number; acknowledged: number; errored: number; failed: number; pending: number };
}

class SenderWindow {
  readonly stats: SandboxSenderStats = { messages: 0, segments: 0, peakSegmentsPerSecond: 0 };
  #times: number[] = [];
  #segments: number[] = [];
  #head = 0;
  #inWindow = 0;

  add(atMs: number, segments: number): void {
    this.stats.messages++;
    this.stats.segments += segments;
    this.#times.push(atMs);
    this.#segments.push(segments);
    this.#inWindow += segments;
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? atMs) <= atMs - 1000) {
      this.#inWindow -= this.#segments[this.#head] ?? 0;
      this.#head++;
    }
    if (this.#inWindow > this.stats.peakSegmentsPerSecond) this.stats.peakSegmentsPerSecond = this.#inWindow;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#segments = this.#segments.slice(this.#head);
      this.#head = 0;
    }
  }
}

type Counters = Omit<SandboxStats, 'byRecipient' | 'bySender' | 'outcomes' | 'callbacks'>;

function zeroCounters(): Counters {
  return {
    submits: 0,
    duplicateSubmits: 0,
    accepted: 0,
    rejected: 0,
    throttled: 0,
    serverErrors: 0,
    idempotencyConflicts: 0,
    inbound: 0,
  };
}

function zeroOutcomes(): Record<SandboxOutcome, number> {
  return { delivered: 0, undelivered: 0, failed: 0, expired: 0, rejected: 0 };
}

/** Messages and counters of one sandbox instance. */
export class SandboxMessageStore {
  /** Mutable counters; the engine increments them directly. */
  counters: Counters = zeroCounters();
  #outcomes = zeroOutcomes();
  #byClientRef = new Map<string, SandboxMessageRecord>();
  #byId = new Map<string, SandboxMessageRecord>();
  #byRecipient = new Map<string, number>();
  #bySender = new Map<string, SenderWindow>();

  /** The record of a `client_ref`, if one was submitted. */
  byClientRef(clientRef: string): SandboxMessageRecord | undefined {
    return this.#byClientRef.get(clientRef);
  }

  /** The record of an `SB…` id. */
  byId(id: string): SandboxMessageRecord | undefined {
    return this.#byId.get(id);
  }

  /** Every record to `to` (linear scan: inspection only). */
  byRecipient(to: string): SandboxMessageRecord[] {
    const out: SandboxMessageRecord[] = [];
    for (const rec of this.#byClientRef.values()) if (rec.to === to) out.push(rec);
    for (const rec of this.#byId.values()) if (rec.to === to && rec.clientRef === null) out.push(rec);
    return out;
  }

  /**
   * Records a new submit (accepted or refused) and updates counters.
   * @param atMs acceptance time in unix ms (for the per-sender window).
   */
  add(rec: SandboxMessageRecord, atMs: number): void {
    if (rec.clientRef !== null) this.#byClientRef.set(rec.clientRef, rec);
    this.counters.submits++;
    this.#outcomes[rec.outcome]++;
    if (rec.id === null) {
      this.counters.rejected++;
      return;
    }
    this.#byId.set(rec.id, rec);
    this.counters.accepted++;
    this.#byRecipient.set(rec.to, (this.#byRecipient.get(rec.to) ?? 0) + 1);
    let window = this.#bySender.get(rec.from);
    if (window === undefined) {
      window = new SenderWindow();
      this.#bySender.set(rec.from, window);
    }
    window.add(atMs, rec.parts);
  }

  /**
   * A stats snapshot.
   * @param callbacks the dispatcher's counters.
   * @param includeRecipients false to leave `byRecipient` empty (it is large at 1M recipients).
   */
  stats(callbacks: SandboxStats['callbacks'], includeRecipients = true): SandboxStats {
    return {
      ...this.counters,
      byRecipient: includeRecipients ? Object.fromEntries(this.#byRecipient) : {},
      bySender: Object.fromEntries([...this.#bySender].map(([from, w]) => [from, { ...w.stats }])),
      outcomes: { ...this.#outcomes },
      callbacks,
    };
  }

  /** Forgets every message and zeroes every counter. */
  reset(): void {
    this.counters = zeroCounters();
    this.#outcomes = zeroOutcomes();
    this.#byClientRef.clear();
    this.#byId.clear();
    this.#byRecipient.clear();
    this.#bySender.clear();
  }
}
