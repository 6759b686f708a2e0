/**
 * The keyword step's packs: per language, the words that opt out, opt in and ask for help, and the
 * auto-reply texts. Defaults come from the chosen countries' rules (compliance.md §c1); the account
 * may edit them within the limits providers enforce. Issue 5's editable keyword tables are the
 * system of record for the inbound path: custom packs given here are written there
 * ({@link toInboundKeywordPacks}), so the STOP/HELP words an account defines while onboarding are the
 * ones its inbound messages are matched against.
 *
 * @module
 */
import { countryRule } from './country-rules.js';
import type { FieldError } from './field-error.js';
import { DEFAULT_KEYWORD_PACKS } from './keyword-pack.js';
import type { KeywordPack as InboundKeywordPack } from './keyword-pack.js';
import { checkKeywordPacks, compactPacks } from './keyword-settings.js';

/** One language's keywords and replies. */
export interface KeywordPack {
  /** BCP 47 language tag (`en`, `es`, `fr`, `pt`...). */
  language: string;
  opt_out: string[];
  opt_in: string[];
  help: string[];
  /** Auto-reply to HELP: program name, how to opt out, support contact (CTIA, compliance.md §c2). */
  help_reply: string;
  /** Auto-reply to STOP: program name and that no more messages will be sent (compliance.md §c2). */
  stop_reply: string;
}

/** AWS: 1–30 characters (compliance.md §c1); letters, digits, spaces and hyphens. */
const KEYWORD = /^[\p{L}\p{N}][\p{L}\p{N} -]{0,29}$/u;
/** Braze: replies of 1–300 characters (compliance.md §c1). */
const MAX_REPLY = 300;

/** Default packs for the languages of `countries`, with placeholder replies naming `program`. */
export function defaultKeywordPacks(countries: readonly string[], program: string): KeywordPack[] {
  const byLang = new Map<string, KeywordPack>();
  for (const code of countries) {
    const rule = countryRule(code);
    if (!rule) continue;
    const language = rule.keywords.languages[0] ?? 'en';
    const pack = byLang.get(language) ?? { language, opt_out: [], opt_in: [], help: [], help_reply: '', stop_reply: '' };
    const add = (list: string[], words: readonly string[]) => words.forEach((w) => !list.includes(w) && list.push(w));
    add(pack.opt_out, rule.keywords.optOut);
    add(pack.opt_in, rule.keywords.optIn);
    add(pack.help, rule.keywords.help);
    const stop = pack.opt_out[0] ?? 'STOP';
    pack.help_reply = `${program}: for help contact support. Msg&data rates may apply. Reply ${stop} to opt out.`;
    pack.stop_reply = `${program}: you are unsubscribed and will receive no more messages.`;
    byLang.set(language, pack);
  }
  return [...byLang.values()];
}

/**
 * Validates packs for `countries`: keyword shapes and uniqueness, reply lengths, the HELP reply
 * naming an opt-out keyword, and every country's mandatory opt-out and help words being present
 * (US toll-free honours only STOP, so STOP can never be removed for US/CA; compliance.md §c1).
 */
export function validateKeywordPacks(packs: readonly KeywordPack[], countries: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  packs.forEach((p, i) => {
    const f = `packs[${i}]`;
    for (const cat of ['opt_out', 'opt_in', 'help'] as const) {
      const words = p[cat];
      if (!Array.isArray(words) || (cat !== 'opt_in' && words.length === 0)) {
        errors.push({ field: `${f}.${cat}`, reason: 'at least one keyword' });
        continue;
      }
      if (words.length > 20) errors.push({ field: `${f}.${cat}`, reason: 'at most 20 keywords per category (Braze, MoEngage)' });
      words.forEach((w, j) => {
        if (typeof w !== 'string' || !KEYWORD.test(w)) errors.push({ field: `${f}.${cat}[${j}]`, reason: 'a keyword is 1–30 letters, digits, spaces or hyphens' });
        else {
          const key = w.toUpperCase();
          const other = seen.get(key);
          if (other && other !== cat) errors.push({ field: `${f}.${cat}[${j}]`, reason: `${w} is already a ${other} keyword` });
          seen.set(key, cat);
        }
      });
    }
    for (const r of ['help_reply', 'stop_reply'] as const) {
      if (typeof p[r] !== 'string' || p[r].trim().length === 0 || p[r].length > MAX_REPLY) errors.push({ field: `${f}.${r}`, reason: `1–${MAX_REPLY} characters` });
    }
    if (typeof p.help_reply === 'string' && Array.isArray(p.opt_out) && !p.opt_out.some((w) => typeof w === 'string' && p.help_reply.toUpperCase().includes(w.toUpperCase())))
      errors.push({ field: `${f}.help_reply`, reason: 'the HELP reply must say how to opt out (name an opt-out keyword; CTIA)' });
  });
  const all = (cat: 'opt_out' | 'help') => new Set(packs.flatMap((p) => (Array.isArray(p[cat]) ? p[cat] : [])).map((w) => String(w).toUpperCase()));
  const optOut = all('opt_out');
  const help = all('help');
  for (const code of countries) {
    const rule = countryRule(code);
    if (!rule) continue;
    const mandatoryOut = rule.keywords.optOut[0];
    const mandatoryHelp = rule.keywords.help[0];
    if (mandatoryOut && !optOut.has(mandatoryOut.toUpperCase())) errors.push({ field: 'packs', reason: `${rule.country} requires the opt-out keyword ${mandatoryOut} (${rule.keywords.source})` });
    if (mandatoryHelp && !help.has(mandatoryHelp.toUpperCase())) errors.push({ field: 'packs', reason: `${rule.country} requires the help keyword ${mandatoryHelp} (${rule.keywords.source})` });
  }
  return errors;
}

/**
 * The onboarding packs in the inbound path's form (`keyword_settings`, `/v1/keywords`): keywords
 * compacted, `stop_reply` and `help_reply` as the opt-out and help replies; the opt-in reply and the
 * tolerant-mode vocabulary, which the checklist does not ask for, come from the shipped pack of the
 * same language (English when there is none).
 */
export function toInboundKeywordPacks(packs: readonly KeywordPack[]): InboundKeywordPack[] {
  return compactPacks(
    packs.map((p) => {
      const base = DEFAULT_KEYWORD_PACKS.find((d) => d.locale === p.language.split('-')[0]) ?? DEFAULT_KEYWORD_PACKS[0]!;
      return {
        locale: p.language,
        keywords: { opt_out: [...p.opt_out], opt_in: [...p.opt_in], help: [...p.help] },
        replies: { opt_out: p.stop_reply, opt_in: base.replies.opt_in, help: p.help_reply },
        tolerant: base.tolerant,
      };
    }),
  );
}

/** Field of an inbound-pack problem, renamed to the onboarding body's names. */
function onboardingField(field: string): string {
  return field
    .replace(/\.keywords\./, '.')
    .replace(/\.replies\.opt_out$/, '.stop_reply')
    .replace(/\.replies\.help$/, '.help_reply')
    .replace(/\.locale$/, '.language');
}

/**
 * What the inbound path would refuse in these packs (`checkKeywordPacks`: CTIA STOP/HELP in every
 * pack, Braze limits, one category per keyword, one pack per language), with the onboarding body's
 * field names. Run only on packs that passed {@link validateKeywordPacks}.
 */
export function inboundKeywordPackErrors(packs: readonly KeywordPack[]): FieldError[] {
  return checkKeywordPacks(toInboundKeywordPacks(packs)).map((i) => ({ field: onboardingField(i.field), reason: i.reason }));
}
