/**
 * Default throughput of a sender by type, used when a sender is registered without `mps` and as the
 * weight of a sender whose row has none. MPS counts message segments per second, not messages
 * (compliance.md §c6; Twilio error 30001).
 *
 * @module
 */
import type { SenderType } from './country-rule.js';

/**
 * Segments per second a sender of each type gets when none is given (compliance.md §c6):
 * - `short_code` 100: a US short code (AWS SMS limitations page; Twilio 30001 "over 100"). Telnyx
 *   lists 1,000 per short code: set `mps` when your provider grants more.
 * - `toll_free` 3: a verified US toll-free number (AWS; SignalWire). Telnyx defaults to 20.
 * - `long_code` 1: a US 10DLC number until its campaign's carrier limits are raised (AWS), and any
 *   non-US or Canadian long code (Twilio 30001; SignalWire, Canada).
 * - `alphanumeric` 0.1: §c6 gives only "one-way; low default" with Telnyx's 0.1 per sender ID as the
 *   figure, so we take it; most providers grant more on request.
 */
export const DEFAULT_SENDER_MPS: Readonly<Record<SenderType, number>> = Object.freeze({
  short_code: 100,
  toll_free: 3,
  long_code: 1,
  alphanumeric: 0.1,
});

/** Largest `mps` a sender may be given (Telnyx's 1,000 per short code, with room to spare). */
export const MAX_SENDER_MPS = 10_000;

/** The sender's own MPS when set and positive, else its type's {@link DEFAULT_SENDER_MPS}. */
export function effectiveSenderMps(sender: { type: SenderType; mps: number | null }): number {
  return sender.mps !== null && sender.mps > 0 ? sender.mps : DEFAULT_SENDER_MPS[sender.type];
}
