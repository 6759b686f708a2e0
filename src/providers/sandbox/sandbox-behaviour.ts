/**
 * The knobs that make the sandbox provider behave like a real one (delays, failures, duplicates,
 * reordering, late receipts, callback retries), their defaults, and how a patch is applied at run time
 * (`PUT /_sandbox/behaviour`, `SandboxProvider.setBehaviour`).
 *
 * @module
 */
import { z } from 'zod';

/** Final outcomes the sandbox draws per accepted-or-refused message. */
export type SandboxOutcome = 'delivered' | 'undelivered' | 'failed' | 'expired' | 'rejected';

/** Order in which the outcome mix is laid out on [0, 1); fixed so draws are reproducible. */
export const SANDBOX_OUTCOMES: readonly SandboxOutcome[] = [
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'rejected',
];

/**
 * Relative weights of each outcome (normalized by their sum; all zero means all delivered).
 * `rejected` = refused synchronously at submit (HTTP 400); the others arrive as DLRs.
 */
export type SandboxOutcomeMix = Record<SandboxOutcome, number>;

/** A closed range of milliseconds. */
export interface SandboxDelayRange {
  min: number;
  max: number;
}

/** How the sandbox delivers callbacks (DLRs and MOs) to our webhooks. */
export interface SandboxCallbackBehaviour {
  /** Attempts per callback including the first; after the last failure it is given up. */
  maxAttempts: number;
  /** Wait before the 2nd attempt, in ms; doubles per attempt (exponential backoff). */
  initialBackoffMs: number;
  /** Upper bound of one backoff wait, in ms. */
  maxBackoffMs: number;
  /** Time allowed for one attempt (connect + response), in ms, like Twilio's read timeout. */
  timeoutMs: number;
  /** Callbacks in flight at once; the rest wait in a FIFO queue. */
  concurrency: number;
}

/** Every knob of the sandbox. Rates are probabilities in [0, 1]. */
export interface SandboxBehaviour {
  outcomes: SandboxOutcomeMix;
  /** Numbers opted out at the provider: sends to them get 400 code 21610. */
  optedOut: readonly string[];
  /** When true an inbound STOP/UNSUBSCRIBE/... adds its sender to `optedOut`, START/UNSTOP removes it (Twilio §1.5). */
  autoOptOut: boolean;
  /** Delay from acceptance to the final DLR, in ms (an intermediate `sent` comes at half of it). */
  dlrDelayMs: SandboxDelayRange;
  /** Send a `sent` DLR before the final one (not for `failed`, which never left the provider). */
  sendIntermediate: boolean;
  /** Probability that each DLR is posted twice (same seq, same body). */
  duplicateRate: number;
  /** Probability that a message's final DLR is posted before its `sent` DLR. */
  reorderRate: number;
  /** Probability that a message's final DLR is held back a further `lateDelayMs`. */
  lateRate: number;
  /** Extra delay of late final DLRs, in ms. */
  lateDelayMs: number;
  /** For multi-part messages, one DLR series per part (with `part: { index, total }`), like Vonage/SMPP. */
  perPartDlrs: boolean;
  /** Latency added to each submit response, in ms. */
  submitLatencyMs: SandboxDelayRange;
  /** Account-wide accepted-send rate limit per second (429 + `Retry-After: 1` above it); null = unlimited. */
  maxSendsPerSecond: number | null;
  /** Probability that a submit answers 503 (injected provider fault; nothing is recorded). */
  serverErrorRate: number;
  callbacks: SandboxCallbackBehaviour;
}

/** Defaults: realistic but fast (sub-second DLRs), for the demo and tests. */
export const DEFAULT_SANDBOX_BEHAVIOUR: SandboxBehaviour = Object.freeze({
  outcomes: Object.freeze({ delivered: 0.9, undelivered: 0.04, failed: 0.03, expired: 0, rejected: 0.03 }),
  optedOut: Object.freeze([]),
  autoOptOut: false,
  dlrDelayMs: Object.freeze({ min: 50, max: 500 }),
  sendIntermediate: true,
  duplicateRate: 0,
  reorderRate: 0,
  lateRate: 0,
  lateDelayMs: 5_000,
  perPartDlrs: false,
  submitLatencyMs: Object.freeze({ min: 0, max: 0 }),
  maxSendsPerSecond: null,
  serverErrorRate: 0,
  callbacks: Object.freeze({
    maxAttempts: 5,
    initialBackoffMs: 500,
    maxBackoffMs: 30_000,
    timeoutMs: 15_000,
    concurrency: 32,
  }),
});

const rate = z.number().min(0).max(1);
const ms = z.number().int().min(0);
const range = z.strictObject({ min: ms, max: ms }).refine((r) => r.min <= r.max, 'min must be <= max');
const weight = z.number().min(0);

/**
 * Zod schema of a behaviour patch. Every key is optional; `dlrDelayMs`, `submitLatencyMs` and
 * `callbacks` merge field by field; `outcomes` and `optedOut` replace the whole value (an outcome
 * missing from a new mix weighs 0).
 */
export const sandboxBehaviourPatchSchema = z.strictObject({
  outcomes: z
    .strictObject({
      delivered: weight.optional(),
      undelivered: weight.optional(),
      failed: weight.optional(),
      expired: weight.optional(),
      rejected: weight.optional(),
    })
    .optional(),
  optedOut: z.array(z.string()).optional(),
  autoOptOut: z.boolean().optional(),
  dlrDelayMs: range.optional(),
  sendIntermediate: z.boolean().optional(),
  duplicateRate: rate.optional(),
  reorderRate: rate.optional(),
  lateRate: rate.optional(),
  lateDelayMs: ms.optional(),
  perPartDlrs: z.boolean().optional(),
  submitLatencyMs: range.optional(),
  maxSendsPerSecond: z.number().positive().nullable().optional(),
  serverErrorRate: rate.optional(),
  callbacks: z
    .strictObject({
      maxAttempts: z.number().int().min(1).optional(),
      initialBackoffMs: ms.optional(),
      maxBackoffMs: ms.optional(),
      timeoutMs: z.number().int().min(1).optional(),
      concurrency: z.number().int().min(1).optional(),
    })
    .optional(),
});

/** A partial update of {@link SandboxBehaviour}; see {@link sandboxBehaviourPatchSchema} for merge rules. */
export type SandboxBehaviourPatch = z.input<typeof sandboxBehaviourPatchSchema>;

/**
 * Validates `patch` and returns a new behaviour with it applied; `current` is not modified.
 * @throws {ZodError} (from zod) when the patch has an unknown key or a value out of range.
 */
export function applySandboxBehaviourPatch(
  current: SandboxBehaviour,
  patch: SandboxBehaviourPatch,
): SandboxBehaviour {
  const p = sandboxBehaviourPatchSchema.parse(patch);
  const { outcomes, callbacks, optedOut, ...flat } = p;
  const next: SandboxBehaviour = {
    ...current,
    ...stripUndefined(flat),
    callbacks: { ...current.callbacks, ...stripUndefined(callbacks ?? {}) },
  };
  if (outcomes !== undefined) {
    next.outcomes = {
      delivered: outcomes.delivered ?? 0,
      undelivered: outcomes.undelivered ?? 0,
      failed: outcomes.failed ?? 0,
      expired: outcomes.expired ?? 0,
      rejected: outcomes.rejected ?? 0,
    };
  }
  if (optedOut !== undefined) next.optedOut = [...optedOut];
  return next;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
