/**
 * Which sender of a pool sends to one recipient: the rules of a sender pool with sticky sender and
 * country geomatch (issue 7, "with a sender pool, pick by destination country and keep a sticky
 * sender per recipient"), modelled on Twilio Messaging Services. Pure and deterministic: the same
 * pool and recipient always give the same sender, so retries and concurrent workers agree.
 *
 * A sender can serve a recipient only if the destination's carriers accept its type
 * (`country-rules-*.ts`: no alphanumeric to the US, no long code A2P to France…; a country without
 * rules accepts every type). Among those, in order:
 *
 * 1. **Sticky**: the sender the recipient got before from this pool, while it is still a member and
 *    still fits by the rules below (with geomatch, any of tiers 2–4). Kept even when a better tier has
 *    appeared since, as Twilio's Sticky Sender does: the recipient keeps seeing the same number.
 * 2. **Country** (geomatch): a sender whose country is the destination's (Twilio Country Code Geomatch,
 *    https://support.twilio.com/hc/en-us/articles/223181268).
 * 3. **NANP** (geomatch): a US long code or toll-free number for a CA recipient and the reverse. Both
 *    share the +1 numbering plan and Twilio's geomatch falls back to a US number. Short codes are
 *    national and never cross.
 * 4. **Global** (geomatch): a sender registered without a country (an alphanumeric ID for "anywhere
 *    its type is accepted").
 *    Unlike Twilio, we do not then fall back to a US number or a random member for other countries: an
 *    international long code is often filtered or rewritten. Register a sender without a country to
 *    allow that explicitly. No sender → the message is `suppressed` with reason `no_sender`.
 *
 * Without geomatch every accepted member is one tier (`any`). Within the first non-empty tier, short
 * codes go first (Twilio prioritises a short code over long codes for its region:
 * https://support.twilio.com/hc/en-us/articles/223133727); then the sender is drawn by weighted
 * rendezvous hashing of a spread key (the contact id) with each sender's MPS as its weight, so load
 * follows throughput and adding a sender moves only the share it takes.
 *
 * The destination country is the number's own (libphonenumber-js; the NANP area code when the number
 * is not in its metadata), else the contact's stored country.
 *
 * @module
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { SenderType } from './country-rule.js';
import { countryRule } from './country-rules.js';
import { areaCodeRegion } from './nanp-area-codes.js';
import { effectiveSenderMps } from './sender-mps.js';

/** A pool member as the rules see it. */
export interface PoolSender {
  id: string;
  /** E.164, short code digits or alphanumeric ID: the `from` of the message. */
  address: string;
  type: SenderType;
  /** ISO 3166-1 alpha-2, or null for a sender meant for any accepting country. */
  country: string | null;
  /** Segments per second; null = the type's default (sender-mps.ts). */
  mps: number | null;
}

/** Why a sender was chosen: see the module comment for each rule. */
export type SenderMatch = 'sticky' | 'country' | 'nanp' | 'global' | 'any';

/** A chosen sender, or why there is none. */
export type SenderChoice = { ok: true; sender: PoolSender; match: SenderMatch } | { ok: false; reason: string };

/** The pool's switches. */
export interface SelectionPolicy {
  /** Country geomatch (tiers 2–4); off = any member whose type the destination accepts. */
  geomatch: boolean;
}

/** One recipient to choose for. */
export interface SelectionRecipient {
  /** ISO 3166-1 alpha-2 of the destination number (see {@link destinationCountry}), or undefined. */
  destination: string | undefined;
  /** What spreads recipients over senders: the contact id (any stable string). */
  spreadKey: string;
  /** The sender this recipient got before from the pool, if any. */
  stickySenderId?: string | undefined;
}

/** US and CA share +1: their long codes and toll-free numbers may serve each other (rule 3). */
const NANP_SHARED = new Set(['US', 'CA']);

const TIER_ORDER: readonly Exclude<SenderMatch, 'sticky'>[] = ['country', 'nanp', 'global', 'any'];

/**
 * The destination country of a number: libphonenumber-js's reading of the number, else its NANP area
 * code, else `contactCountry`.
 * @returns ISO 3166-1 alpha-2 upper case, or undefined when nothing tells.
 */
export function destinationCountry(e164: string, contactCountry?: string | null): string | undefined {
  return parsePhoneNumberFromString(e164)?.country ?? areaCodeRegion(e164)?.country ?? (contactCountry ? contactCountry.toUpperCase() : undefined);
}

/** Whether carriers of `destination` accept the sender type (no rules for it, or unknown: yes). */
export function typeAccepted(type: SenderType, destination: string | undefined): boolean {
  if (destination === undefined) return true;
  return countryRule(destination)?.senderTypes[type].allowed !== false;
}

/**
 * How `sender` fits a recipient in `destination`, or null when it cannot serve it.
 * @returns `country`, `nanp` or `global` with geomatch, `any` without.
 */
export function senderFit(sender: PoolSender, destination: string | undefined, policy: SelectionPolicy): Exclude<SenderMatch, 'sticky'> | null {
  if (!typeAccepted(sender.type, destination)) return null;
  if (!policy.geomatch) return 'any';
  if (sender.country === null) return 'global';
  if (destination === undefined) return null;
  if (sender.country === destination) return 'country';
  const crossesNanp = sender.type === 'long_code' || sender.type === 'toll_free';
  if (crossesNanp && NANP_SHARED.has(sender.country) && NANP_SHARED.has(destination)) return 'nanp';
  return null;
}

/**
 * Chooses the sender of one recipient from `pool` by the rules of the module comment.
 * @returns the sender and the rule that chose it, or `{ ok: false, reason }` for people.
 */
export function chooseSender(pool: readonly PoolSender[], recipient: SelectionRecipient, policy: SelectionPolicy): SenderChoice {
  const sticky = recipient.stickySenderId === undefined ? undefined : pool.find((s) => s.id === recipient.stickySenderId);
  if (sticky && senderFit(sticky, recipient.destination, policy) !== null) return { ok: true, sender: sticky, match: 'sticky' };

  const tiers = new Map<Exclude<SenderMatch, 'sticky'>, PoolSender[]>();
  for (const s of pool) {
    const fit = senderFit(s, recipient.destination, policy);
    if (fit !== null) tiers.set(fit, [...(tiers.get(fit) ?? []), s]);
  }
  for (const match of TIER_ORDER) {
    const tier = tiers.get(match);
    if (!tier) continue;
    const shortCodes = tier.filter((s) => s.type === 'short_code');
    return { ok: true, sender: rendezvous(shortCodes.length > 0 ? shortCodes : tier, recipient.spreadKey), match };
  }
  const where = recipient.destination ?? 'a number of unknown country';
  return {
    ok: false,
    reason: policy.geomatch
      ? `no sender in the pool serves ${where}: none of its country, no NANP number for US/CA, no sender without country whose type ${where} accepts`
      : `no sender in the pool has a type that ${where} accepts`,
  };
}

/**
 * Weighted rendezvous (highest random weight) hashing: each sender scores `mps / -ln(u)` with `u`
 * uniform in (0, 1) from the key and its id; the highest wins. A sender gets a share of keys
 * proportional to its MPS, and removing one moves only the keys it had.
 */
function rendezvous(candidates: readonly PoolSender[], key: string): PoolSender {
  let best = candidates[0]!;
  let bestScore = -Infinity;
  for (const s of candidates) {
    const u = (hash32(`${key}\u0000${s.id}`) + 0.5) / 4_294_967_296;
    const score = effectiveSenderMps(s) / -Math.log(u);
    if (score > bestScore || (score === bestScore && s.id < best.id)) [best, bestScore] = [s, score];
  }
  return best;
}

/** FNV-1a over UTF-16 code units with murmur3's 32-bit finalizer (avalanche): uniform, pure, portable. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
