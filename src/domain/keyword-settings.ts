/**
 * The keyword settings that apply to one inbound message: the sender's own row if it has one, else the
 * account's, else the shipped defaults (per-account and per-sender editing, issue "Keywords and
 * replies"). Also the checks an edited pack set must pass before it is stored.
 *
 * @module
 */
import { DEFAULT_KEYWORD_PACKS, KEYWORD_LIMITS, compactKeyword } from './keyword-pack.js';
import type { KeywordCategory, KeywordPack } from './keyword-pack.js';

/** One stored settings row (account: `sender` = ''). `packs` null = the defaults. */
export interface KeywordSettingsRow {
  sender: string;
  tolerant: boolean;
  brandName: string | null;
  helpContact: string | null;
  packs: KeywordPack[] | null;
}

/** What the matcher and the auto-reply use. */
export interface EffectiveKeywordSettings {
  /** Which level decided: the sender's row, the account's row, or nothing stored. */
  source: 'sender' | 'account' | 'default';
  tolerant: boolean;
  /** Fills `{brand}`; falls back to the account name. */
  brandName: string;
  /** Fills `{help_contact}`; falls back to "this number" (the handset can reply HELP to it). */
  helpContact: string;
  packs: KeywordPack[];
}

/** Fallback for `{help_contact}` when none is configured. */
export const DEFAULT_HELP_CONTACT = 'this number';

/**
 * Merges the levels: each field comes from the most specific row that sets it (a sender row with null
 * packs inherits the account's packs).
 */
export function resolveKeywordSettings(
  accountName: string,
  accountRow: KeywordSettingsRow | undefined,
  senderRow: KeywordSettingsRow | undefined,
): EffectiveKeywordSettings {
  const rows = [senderRow, accountRow].filter((r): r is KeywordSettingsRow => r !== undefined);
  return {
    source: senderRow ? 'sender' : accountRow ? 'account' : 'default',
    tolerant: rows[0]?.tolerant ?? false,
    brandName: rows.find((r) => r.brandName)?.brandName ?? accountName,
    helpContact: rows.find((r) => r.helpContact)?.helpContact ?? DEFAULT_HELP_CONTACT,
    packs: rows.find((r) => r.packs)?.packs ?? [...DEFAULT_KEYWORD_PACKS],
  };
}

/** One problem in an edited pack set: `field` is its path in the request body (`packs[1].keywords.opt_out[2]`). */
export interface KeywordPackIssue {
  field: string;
  reason: string;
}

/** Keywords no pack may drop (CTIA Messaging Principles and Best Practices, compliance.md §c1). */
const MANDATORY_KEYWORDS = [
  ['opt_out', 'STOP'],
  ['help', 'HELP'],
] as const;

/**
 * Checks packs an operator submits: Braze limits (≤ 20 keywords per category, 1–34 characters, no
 * spaces after compaction; replies 1–300 characters, compliance.md §c1), unique locales, and no keyword
 * in two categories (one reply must not both opt out and opt in). Every pack keeps STOP among its opt-out
 * and HELP among its help keywords (CTIA: they must always work).
 * @returns the problems, empty when the packs are valid.
 */
export function checkKeywordPacks(packs: KeywordPack[]): KeywordPackIssue[] {
  const issues: KeywordPackIssue[] = [];
  const seenLocales = new Set<string>();
  const categoryOf = new Map<string, KeywordCategory>();
  packs.forEach((pack, p) => {
    if (seenLocales.has(pack.locale)) issues.push({ field: `packs[${p}].locale`, reason: `locale ${pack.locale} appears twice` });
    seenLocales.add(pack.locale);
    // CTIA Messaging Principles and Best Practices (compliance.md §c1): STOP and HELP must always work,
    // whatever else an account adds; a pack without them would silently disable opt-out or help.
    for (const [category, word] of MANDATORY_KEYWORDS) {
      if (!pack.keywords[category].some((w) => compactKeyword(w) === word))
        issues.push({ field: `packs[${p}].keywords.${category}`, reason: `must include ${word} (CTIA: ${word} always works)` });
    }
    for (const category of ['opt_out', 'opt_in', 'help'] as const) {
      const words = pack.keywords[category];
      if (words.length > KEYWORD_LIMITS.perCategory) issues.push({ field: `packs[${p}].keywords.${category}`, reason: `at most ${KEYWORD_LIMITS.perCategory} keywords` });
      words.forEach((w, i) => {
        const field = `packs[${p}].keywords.${category}[${i}]`;
        const compact = compactKeyword(w);
        if (compact.length < KEYWORD_LIMITS.keywordMin || compact.length > KEYWORD_LIMITS.keywordMax) {
          issues.push({ field, reason: `must have ${KEYWORD_LIMITS.keywordMin}–${KEYWORD_LIMITS.keywordMax} letters or digits` });
          return;
        }
        const other = categoryOf.get(compact);
        if (other && other !== category) issues.push({ field, reason: `${compact} is already in ${other}` });
        categoryOf.set(compact, category);
      });
      const reply = pack.replies[category];
      if (reply.length < KEYWORD_LIMITS.replyMin || reply.length > KEYWORD_LIMITS.replyMax)
        issues.push({ field: `packs[${p}].replies.${category}`, reason: `must be ${KEYWORD_LIMITS.replyMin}–${KEYWORD_LIMITS.replyMax} characters` });
    }
  });
  return issues;
}

/** Stores keywords compact so matching and uniqueness see one form (`Opt-out` → `OPTOUT`). */
export function compactPacks(packs: KeywordPack[]): KeywordPack[] {
  const words = (ws: string[]) => [...new Set(ws.map(compactKeyword))];
  return packs.map((p) => ({
    locale: p.locale,
    keywords: { opt_out: words(p.keywords.opt_out), opt_in: words(p.keywords.opt_in), help: words(p.keywords.help) },
    replies: { ...p.replies },
    tolerant: { fillers: words(p.tolerant.fillers), negations: words(p.tolerant.negations), objects: words(p.tolerant.objects) },
  }));
}
