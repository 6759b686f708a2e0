/**
 * Deterministic fate of one sandbox message: its outcome, error code and the timeline of its delivery
 * receipts (DLRs), drawn from a PRNG seeded by SHA-256(seed, to, client_ref). The same seed, recipient,
 * client reference, part count and behaviour always give the same plan, so tests can predict outcomes
 * (call {@link planSandboxMessage} with the same inputs) and two runs can be compared.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import {
  SANDBOX_DRAWN_REFUSAL_CODES,
  SANDBOX_EXPIRED_CODE,
  SANDBOX_FAILED_CODES,
  SANDBOX_UNDELIVERED_CODES,
} from './sandbox-error-codes.js';
import { SANDBOX_OUTCOMES } from './sandbox-behaviour.js';
import type { SandboxBehaviour, SandboxOutcome, SandboxOutcomeMix } from './sandbox-behaviour.js';

/** Status values of sandbox DLRs on the wire. */
export type SandboxDlrStatus = 'sent' | 'delivered' | 'undelivered' | 'failed' | 'expired';

/** One DLR the sandbox will post. Offsets are ms after the message was accepted. */
export interface SandboxPlannedDlr {
  status: SandboxDlrStatus;
  /** Per-message sequence in event order (1-based); a duplicate repeats it. */
  seq: number;
  errorCode?: number;
  part?: { index: number; total: number };
  /** When the event happened (its `timestamp`), ms after acceptance. */
  eventOffsetMs: number;
  /** When it is posted, ms after acceptance (before any callback retry delays). */
  postOffsetMs: number;
  /** True for the second copy of a duplicated DLR. */
  duplicate: boolean;
}

/** The drawn fate of one message. */
export interface SandboxMessagePlan {
  outcome: SandboxOutcome;
  /** For `rejected`: the code of the synchronous 400. */
  refusalCode?: number;
  /** For `undelivered`, `failed`, `expired`: the code on the final DLR. */
  errorCode?: number;
  /** DLRs in posting order; empty for `rejected`. */
  dlrs: SandboxPlannedDlr[];
}

/** Inputs of {@link planSandboxMessage}. */
export interface SandboxPlanInput {
  seed: string;
  to: string;
  clientRef: string;
  /** Segment count of the message (≥ 1); matters only with `perPartDlrs`. */
  parts: number;
}

/** A PRNG yielding floats in [0, 1), seeded from SHA-256 of the inputs (sfc32 generator). */
function seededRandom(...keys: string[]): () => number {
  const digest = createHash('sha256').update(keys.join('\u0000'), 'utf8').digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** Picks an outcome for a uniform draw `u` in [0, 1) from a mix laid out in {@link SANDBOX_OUTCOMES} order. */
export function pickSandboxOutcome(u: number, mix: SandboxOutcomeMix): SandboxOutcome {
  const total = SANDBOX_OUTCOMES.reduce((sum, o) => sum + mix[o], 0);
  if (total <= 0) return 'delivered';
  let acc = 0;
  for (const outcome of SANDBOX_OUTCOMES) {
    if (mix[outcome] <= 0) continue;
    acc += mix[outcome] / total;
    if (u < acc) return outcome;
  }
  // Floating-point rounding can leave acc a hair below 1: the last weighted outcome takes the rest.
  return [...SANDBOX_OUTCOMES].reverse().find((o) => mix[o] > 0) ?? 'delivered';
}

function pick(list: readonly number[], u: number): number {
  const value = list[Math.floor(u * list.length)] ?? list[0];
  if (value === undefined) throw new Error('empty code list');
  return value;
}

function between(range: { min: number; max: number }, u: number): number {
  return Math.round(range.min + u * (range.max - range.min));
}

/**
 * Draws the fate of one message. Draw order is fixed (outcome first), so the outcome depends only on
 * (seed, to, clientRef, outcome mix).
 */
export function planSandboxMessage(input: SandboxPlanInput, behaviour: SandboxBehaviour): SandboxMessagePlan {
  const next = seededRandom(input.seed, input.to, input.clientRef);
  const outcome = pickSandboxOutcome(next(), behaviour.outcomes);
  const codeDraw = next();
  if (outcome === 'rejected') {
    return { outcome, refusalCode: pick(SANDBOX_DRAWN_REFUSAL_CODES, codeDraw), dlrs: [] };
  }
  const errorCode =
    outcome === 'undelivered'
      ? pick(SANDBOX_UNDELIVERED_CODES, codeDraw)
      : outcome === 'failed'
        ? pick(SANDBOX_FAILED_CODES, codeDraw)
        : outcome === 'expired'
          ? SANDBOX_EXPIRED_CODE
          : undefined;
  const late = next() < behaviour.lateRate;
  const reorder = next() < behaviour.reorderRate;
  const groups = behaviour.perPartDlrs && input.parts > 1 ? input.parts : 1;
  // `failed` means it never left the provider, so there is no `sent` step (Twilio semantics, §1.2).
  const withSent = behaviour.sendIntermediate && outcome !== 'failed';

  // `tiebreak` 1 sorts a reordered `sent` right after its final DLR, which has the same post time.
  const drafts: Array<{ dlr: SandboxPlannedDlr; tiebreak: number }> = [];
  for (let g = 0; g < groups; g++) {
    const partField = groups > 1 ? { part: { index: g + 1, total: groups } } : {};
    const finalAt = between(behaviour.dlrDelayMs, next());
    const finalPost = finalAt + (late ? behaviour.lateDelayMs : 0);
    if (withSent) {
      const sentAt = Math.floor(finalAt / 2);
      const postOffsetMs = reorder ? finalPost : sentAt;
      const dlr: SandboxPlannedDlr = {
        status: 'sent',
        seq: 0,
        eventOffsetMs: sentAt,
        postOffsetMs,
        duplicate: false,
        ...partField,
      };
      drafts.push({ dlr, tiebreak: reorder ? 1 : 0 });
    }
    const dlr: SandboxPlannedDlr = {
      status: outcome,
      seq: 0,
      eventOffsetMs: finalAt,
      postOffsetMs: finalPost,
      duplicate: false,
      ...partField,
      ...(errorCode === undefined ? {} : { errorCode }),
    };
    drafts.push({ dlr, tiebreak: 0 });
  }

  // seq follows event order (a `sent` first on ties); one group is built in that order already.
  const byEvent =
    groups === 1
      ? drafts
      : [...drafts].sort(
          (x, y) =>
            x.dlr.eventOffsetMs - y.dlr.eventOffsetMs ||
            (x.dlr.status === 'sent' ? 0 : 1) - (y.dlr.status === 'sent' ? 0 : 1),
        );
  byEvent.forEach((d, i) => (d.dlr.seq = i + 1));
  drafts.sort((x, y) => x.dlr.postOffsetMs - y.dlr.postOffsetMs || x.tiebreak - y.tiebreak);

  const dlrs: SandboxPlannedDlr[] = [];
  for (const { dlr } of drafts) {
    dlrs.push(dlr);
    if (next() < behaviour.duplicateRate) dlrs.push({ ...dlr, duplicate: true });
  }
  return errorCode === undefined ? { outcome, dlrs } : { outcome, errorCode, dlrs };
}
