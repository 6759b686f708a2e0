/**
 * The sandbox provider's behaviour, independent of HTTP: validates and accepts or refuses submits
 * (idempotent on `client_ref`), draws each message's fate, schedules its signed DLRs, emits MOs,
 * and keeps the stats. `sandbox-server.ts` puts it on the wire; the wire format is documented there.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { applySandboxBehaviourPatch } from './sandbox-behaviour.js';
import type { SandboxBehaviour, SandboxBehaviourPatch } from './sandbox-behaviour.js';
import { SandboxCallbackDispatcher } from './sandbox-callback-dispatcher.js';
import { SANDBOX_REQUEST_CODES, sandboxErrorText } from './sandbox-error-codes.js';
import { scheduleSandboxDlrs } from './sandbox-dlr-scheduler.js';
import { planSandboxMessage } from './sandbox-message-plan.js';
import type { SandboxMessagePlan } from './sandbox-message-plan.js';
import { SandboxMessageStore } from './sandbox-message-store.js';
import type { SandboxMessageRecord, SandboxStats } from './sandbox-message-store.js';
import { countSandboxSegments, splitSandboxBody } from './sandbox-segments.js';
import { SandboxRateLimiter } from './sandbox-rate-limiter.js';
import { decodeSandboxSubmit } from './sandbox-submit-request.js';

/** An HTTP-shaped answer of the engine. `delayMs`: hold the response this long (submit latency). */
export interface SandboxReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** An MO to emit (`POST /_sandbox/inbound`, `SandboxProvider.sendInbound`). */
export interface SandboxInboundInput {
  /** The handset, E.164. */
  from: string;
  /** Our number that receives it. */
  to: string;
  body: string;
  /** Webhook to post to; defaults to the `inbound_callback` last given by a send from `to`. */
  url?: string;
  /** Split a long body into concatenated parts (each its own callback with `concat`). */
  split?: boolean;
}

/** What was emitted: one MO id per part. */
export interface SandboxInboundResult {
  ids: string[];
  parts: number;
}

/** Bad input to a sandbox control method (e.g. an MO with no URL to post to). */
export class SandboxInputError extends Error {
  /** Stable error code. */
  readonly code = 'sandbox_input_invalid';
  override readonly name = 'SandboxInputError';
}

const E164 = /^\+[1-9]\d{1,14}$/;
const OPT_OUT_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN_WORDS = new Set(['START', 'YES', 'UNSTOP']);

function error(status: number, code: number, message: string): SandboxReply {
  return { status, body: { code, message, status } };
}

/** Dependencies and settings of one engine. */
export interface SandboxEngineOptions {
  /** Seed of outcome draws. */
  seed: string;
  webhookSecret: string;
  behaviour: SandboxBehaviour;
  /** Clock in unix ms. */
  now: () => number;
}

/** One sandbox provider's state and rules. */
export class SandboxEngine {
  readonly store = new SandboxMessageStore();
  readonly dispatcher: SandboxCallbackDispatcher;
  readonly #seed: string;
  readonly #now: () => number;
  #behaviour: SandboxBehaviour;
  #optedOut: Set<string>;
  #inboundUrls = new Map<string, string>();
  readonly #limiter: SandboxRateLimiter;
  #concatRef = 0;
  // Ids are an instance prefix + a counter: unique across restarts like random ids, without one
  // getrandom() syscall per message (it showed as ~7% of the sandbox's CPU at thousands of sends/s).
  readonly #idPrefix = randomBytes(8).toString('hex');
  #idCounter = 0;
  readonly #interned = new Map<string, string>();

  constructor(options: SandboxEngineOptions) {
    this.#seed = options.seed;
    this.#now = options.now;
    this.#behaviour = options.behaviour;
    this.#optedOut = new Set(options.behaviour.optedOut);
    this.#limiter = new SandboxRateLimiter(options.now, options.behaviour.maxSendsPerSecond);
    this.dispatcher = new SandboxCallbackDispatcher({
      webhookSecret: options.webhookSecret,
      behaviour: () => this.#behaviour.callbacks,
      now: options.now,
    });
  }

  /** A copy of the current behaviour (with `optedOut` reflecting auto opt-outs). */
  behaviour(): SandboxBehaviour {
    return structuredClone({ ...this.#behaviour, optedOut: [...this.#optedOut] });
  }

  /**
   * Applies a behaviour patch from now on (messages already planned keep their plan).
   * @throws {ZodError} (from zod) on an invalid patch.
   */
  setBehaviour(patch: SandboxBehaviourPatch): SandboxBehaviour {
    this.#behaviour = applySandboxBehaviourPatch(this.behaviour(), patch);
    this.#optedOut = new Set(this.#behaviour.optedOut);
    this.#limiter.configure(this.#behaviour.maxSendsPerSecond);
    return this.behaviour();
  }

  /** Stats snapshot; see {@link SandboxStats}. */
  stats(includeRecipients = true): SandboxStats {
    return this.store.stats(this.dispatcher.counters(), includeRecipients);
  }

  /** Forgets messages, counters, pending callbacks and learned MO URLs; keeps the behaviour. */
  reset(): void {
    this.dispatcher.reset();
    this.store.reset();
    this.#inboundUrls.clear();
    this.#limiter.configure(this.#behaviour.maxSendsPerSecond);
  }

  /** Handles `POST /v1/messages` (already authenticated) for a raw JSON body. */
  submit(rawBody: string): SandboxReply {
    const b = this.#behaviour;
    const delayMs =
      b.submitLatencyMs.max > 0
        ? Math.round(b.submitLatencyMs.min + Math.random() * (b.submitLatencyMs.max - b.submitLatencyMs.min))
        : 0;
    const reply = this.#submit(rawBody);
    return delayMs > 0 ? { ...reply, delayMs } : reply;
  }

  #submit(rawBody: string): SandboxReply {
    const b = this.#behaviour;
    if (b.serverErrorRate > 0 && Math.random() < b.serverErrorRate) {
      this.store.counters.serverErrors++;
      return {
        ...error(503, SANDBOX_REQUEST_CODES.serviceUnavailable, 'Service unavailable'),
        headers: { 'retry-after': '1' },
      };
    }
    const decoded = decodeSandboxSubmit(rawBody);
    if (!decoded.ok) {
      return decoded.malformed
        ? error(400, SANDBOX_REQUEST_CODES.malformedRequest, 'Body must be a JSON object')
        : error(400, 21602, `Missing or invalid parameter: ${decoded.field}`);
    }
    const { from, to, body, clientRef, statusCallback, inboundCallback } = decoded.request;

    if (clientRef !== null) {
      const known = this.store.byClientRef(clientRef);
      if (known !== undefined) {
        if (known.to !== to || known.from !== from || known.body !== body) {
          this.store.counters.idempotencyConflicts++;
          return error(
            409,
            SANDBOX_REQUEST_CODES.idempotencyConflict,
            'client_ref was already used with other parameters',
          );
        }
        this.store.counters.duplicateSubmits++;
        return known.id === null ? this.#refusal(known.errorCode ?? 21602) : this.#accepted(known, 200);
      }
    }
    if (!this.#limiter.take()) {
      this.store.counters.throttled++;
      return {
        ...error(429, SANDBOX_REQUEST_CODES.tooManyRequests, 'Too many requests'),
        headers: { 'retry-after': '1' },
      };
    }
    if (inboundCallback !== null) this.#inboundUrls.set(from, inboundCallback);

    const segments = countSandboxSegments(body);
    const nowMs = this.#now();
    const id = this.#nextId('SB');
    const plan: SandboxMessagePlan = !E164.test(to)
      ? { outcome: 'rejected', refusalCode: 21211, dlrs: [] }
      : this.#optedOut.has(to)
        ? { outcome: 'rejected', refusalCode: 21610, dlrs: [] }
        : planSandboxMessage({ seed: this.#seed, to, clientRef: clientRef ?? id, parts: segments.parts }, b);
    const rec: SandboxMessageRecord = {
      id: plan.outcome === 'rejected' ? null : id,
      clientRef,
      from: this.#intern(from),
      to,
      body,
      parts: segments.parts,
      encoding: segments.encoding,
      statusCallback: statusCallback === null ? null : this.#intern(statusCallback),
      outcome: plan.outcome,
      errorCode: plan.refusalCode ?? plan.errorCode ?? null,
      status: plan.outcome === 'rejected' ? 'rejected' : 'queued',
      createdAt: new Date(nowMs).toISOString(),
      dlrs: [],
    };
    this.store.add(rec, nowMs);
    if (plan.outcome === 'rejected') return this.#refusal(plan.refusalCode ?? 21211);
    scheduleSandboxDlrs(this.dispatcher, rec, plan, nowMs);
    return this.#accepted(rec, 201);
  }

  #accepted(rec: SandboxMessageRecord, status: 200 | 201): SandboxReply {
    return { status, body: { id: rec.id, status: 'queued', parts: rec.parts, client_ref: rec.clientRef } };
  }

  #refusal(code: number): SandboxReply {
    return error(400, code, sandboxErrorText(code));
  }

  /**
   * Emits an MO (split into concatenated parts when `split` and the body needs more than one segment).
   * @throws {SandboxInputError} when no `url` is given and no send from `to` registered an `inbound_callback`.
   */
  emitInbound(input: SandboxInboundInput): SandboxInboundResult {
    const url = input.url ?? this.#inboundUrls.get(input.to);
    if (url === undefined) {
      throw new SandboxInputError(`no url given and no inbound_callback known for ${input.to}`);
    }
    const word = input.body.trim().toUpperCase();
    if (this.#behaviour.autoOptOut && OPT_OUT_WORDS.has(word)) this.#optedOut.add(input.from);
    if (this.#behaviour.autoOptOut && OPT_IN_WORDS.has(word)) this.#optedOut.delete(input.from);
    const parts = input.split === true ? splitSandboxBody(input.body) : [input.body];
    this.#concatRef = (this.#concatRef % 255) + 1;
    const ref = this.#concatRef.toString(16).padStart(2, '0').toUpperCase();
    const receivedAt = new Date(this.#now()).toISOString();
    const ids: string[] = [];
    parts.forEach((body, i) => {
      const id = this.#nextId('MO');
      ids.push(id);
      const payload: Record<string, unknown> = {
        id,
        from: input.from,
        to: input.to,
        body,
        received_at: receivedAt,
      };
      if (parts.length > 1) payload.concat = { ref, index: i + 1, total: parts.length };
      this.store.counters.inbound++;
      this.dispatcher.schedule(0, { url, body: JSON.stringify(payload) });
    });
    return { ids, parts: parts.length };
  }

  /**
   * One shared copy of a string seen on many messages (sender, callback URL): JSON.parse makes a new
   * copy per request, which at 1M messages is ~100 MB of duplicates.
   */
  #intern(value: string): string {
    const known = this.#interned.get(value);
    if (known !== undefined) return known;
    if (this.#interned.size >= 10_000) this.#interned.clear();
    this.#interned.set(value, value);
    return value;
  }

  /** `prefix` + 32 hex. */
  #nextId(prefix: string): string {
    this.#idCounter++;
    return `${prefix}${this.#idPrefix}${this.#idCounter.toString(16).padStart(16, '0')}`;
  }

  /** Finds messages by `client_ref`, `id` or recipient, for inspection. */
  findMessages(query: { clientRef?: string; id?: string; to?: string }): SandboxMessageRecord[] {
    if (query.clientRef !== undefined) {
      const rec = this.store.byClientRef(query.clientRef);
      return rec === undefined ? [] : [rec];
    }
    if (query.id !== undefined) {
      const rec = this.store.byId(query.id);
      return rec === undefined ? [] : [rec];
    }
    return query.to === undefined ? [] : this.store.byRecipient(query.to);
  }

  /** Stops callbacks and closes their sockets. */
  close(): void {
    this.dispatcher.close();
  }
}
