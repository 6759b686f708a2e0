/**
 * Classifies an inbound reply against keyword packs (see keyword-pack.ts).
 *
 * - Exact mode (the default, Braze/Twilio practice, compliance.md §c1): the whole message must be a
 *   keyword, compared case-, space-, punctuation- and accent-insensitively ("  Stop.  ", "Arrêt",
 *   "Opt out"). "stop the bill" is not an opt-out.
 * - Tolerant mode (Braze "fuzzy opt-out"): also a reply a reasonable person reads as a keyword, made
 *   only of the keyword and the packs' filler words ("stop please", "please stop texting me"), or a
 *   negation plus a messaging object with no keyword ("no me manden mas mensajes", "no more texts").
 *   A single word outside the packs' vocabulary makes it an ordinary reply, because the object decides
 *   ("no me manden mas cobros duplicados" is a complaint, vector V37; "We have got to STOP this bill"
 *   is support, V35). A negation right before an opt-out keyword ("don't stop") is not an opt-out.
 * When several categories appear, opt-out wins (the safe reading), then help, then opt-in.
 *
 * @module
 */
import { compactKeyword } from './keyword-pack.js';
import type { KeywordCategory, KeywordPack } from './keyword-pack.js';

/** The classification of a reply, in the vocabulary the onboarding signal and vectors use. */
export type KeywordClassification = 'OPT_OUT' | 'OPT_IN' | 'HELP' | 'NONE';

/** Result of {@link classifyKeywordReply}. */
export interface KeywordMatch {
  classification: KeywordClassification;
  /** The category, absent for NONE. */
  category?: KeywordCategory;
  /** The matched compact keyword, or the whole normalized reply for a tolerant phrase match. */
  keyword?: string;
  /** Locale of the pack that matched: the auto-reply is sent in that language. */
  locale?: string;
  /** True when only tolerant mode matched it. */
  tolerant: boolean;
}

const CLASSIFICATION: Record<KeywordCategory, KeywordClassification> = { opt_out: 'OPT_OUT', opt_in: 'OPT_IN', help: 'HELP' };

const NONE: KeywordMatch = Object.freeze({ classification: 'NONE', tolerant: false });

/** A compiled view of a set of packs; build once per pack set with {@link compileKeywordPacks}. */
export interface CompiledKeywordPacks {
  keywords: Map<string, { category: KeywordCategory; locale: string }>;
  fillers: Set<string>;
  negations: Map<string, string>;
  objects: Map<string, string>;
  /** Longest keyword length in words is unknown once compacted; phrases are merged up to 3 tokens. */
}

/** Indexes packs for matching; the first pack listing a keyword decides its locale. */
export function compileKeywordPacks(packs: readonly KeywordPack[]): CompiledKeywordPacks {
  const compiled: CompiledKeywordPacks = { keywords: new Map(), fillers: new Set(), negations: new Map(), objects: new Map() };
  for (const pack of packs) {
    for (const category of ['opt_out', 'help', 'opt_in'] as const) {
      for (const k of pack.keywords[category]) {
        const key = compactKeyword(k);
        if (key && !compiled.keywords.has(key)) compiled.keywords.set(key, { category, locale: pack.locale });
      }
    }
    pack.tolerant.fillers.forEach((w) => compiled.fillers.add(compactKeyword(w)));
    for (const w of pack.tolerant.negations) if (!compiled.negations.has(compactKeyword(w))) compiled.negations.set(compactKeyword(w), pack.locale);
    for (const w of pack.tolerant.objects) if (!compiled.objects.has(compactKeyword(w))) compiled.objects.set(compactKeyword(w), pack.locale);
  }
  return compiled;
}

/** Words of a reply: accents removed, upper case, apostrophes joined ("don't" → DONT), split on the rest. */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * Classifies an MO body with the keyword settings in effect for its account and receiving sender
 * (`loadKeywordSettings`): the one way both the STOP webhook path and the inboundMessage workflow read a reply.
 */
export function classifyWithSettings(text: string, settings: { packs: readonly KeywordPack[]; tolerant: boolean }): KeywordMatch {
  return classifyKeywordReply(text, compileKeywordPacks(settings.packs), { tolerant: settings.tolerant });
}

/**
 * Classifies one reply.
 * @param text the MO body as received (any case, spacing, punctuation, accents).
 * @param packs compiled packs (account or sender overrides already applied).
 * @param options `tolerant`: also match keyword phrases (default false: whole-message keywords only).
 */
export function classifyKeywordReply(text: string, packs: CompiledKeywordPacks, options: { tolerant?: boolean } = {}): KeywordMatch {
  const whole = compactKeyword(text);
  const exact = whole ? packs.keywords.get(whole) : undefined;
  if (exact) return { classification: CLASSIFICATION[exact.category], category: exact.category, keyword: whole, locale: exact.locale, tolerant: false };
  if (!options.tolerant) return NONE;

  // Multi-word keywords ("OPT OUT", "STOP ALL") become one token before the vocabulary check.
  const raw = words(text);
  const tokens: string[] = [];
  for (let i = 0; i < raw.length; ) {
    let merged = 1;
    for (const n of [3, 2]) {
      if (i + n <= raw.length && packs.keywords.has(raw.slice(i, i + n).join(''))) {
        merged = n;
        break;
      }
    }
    tokens.push(raw.slice(i, i + merged).join(''));
    i += merged;
  }
  if (tokens.length === 0) return NONE;

  const found = new Map<KeywordCategory, { keyword: string; locale: string }>();
  let negation = false;
  let objectLocale: string | undefined;
  for (const [i, t] of tokens.entries()) {
    const kw = packs.keywords.get(t);
    const isNegation = packs.negations.has(t);
    const objLocale = packs.objects.get(t);
    if (!kw && !isNegation && objLocale === undefined && !packs.fillers.has(t)) return NONE;
    if (kw) {
      const previous = i > 0 ? tokens[i - 1]! : undefined;
      if (kw.category === 'opt_out' && previous !== undefined && previous !== t && packs.negations.has(previous) && !packs.keywords.has(previous)) return NONE;
      if (!found.has(kw.category)) found.set(kw.category, { keyword: t, locale: kw.locale });
    }
    if (isNegation) negation = true;
    if (objLocale !== undefined) objectLocale ??= objLocale;
  }
  const phrase = tokens.join(' ');
  const optOut = found.get('opt_out');
  if (optOut) return { classification: 'OPT_OUT', category: 'opt_out', keyword: optOut.keyword, locale: optOut.locale, tolerant: true };
  if (negation && objectLocale !== undefined) return { classification: 'OPT_OUT', category: 'opt_out', keyword: phrase, locale: objectLocale, tolerant: true };
  for (const category of ['help', 'opt_in'] as const) {
    const hit = found.get(category);
    if (hit) return { classification: CLASSIFICATION[category], category, keyword: hit.keyword, locale: hit.locale, tolerant: true };
  }
  return NONE;
}
