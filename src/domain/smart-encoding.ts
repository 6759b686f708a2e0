/**
 * Smart encoding: replaces typographic look-alikes that are not in the GSM 7-bit alphabet (3GPP TS
 * 23.038 §6.2.1) with GSM characters that read the same, so that one curly apostrophe pasted from a
 * word processor does not turn a 1-segment GSM-7 message into a 2-segment UCS-2 one. The same idea as
 * Twilio's "Smart Encoding" (vector V14). Letters are never changed (an accent can change a word's
 * meaning); only punctuation, dashes, spaces and invisible characters.
 *
 * @module
 */

/** Look-alike → GSM replacement (empty string: dropped). */
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map([
  // Single quotes, apostrophes, primes.
  ...['\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u02BC', '\uFF07', '\u00B4', '\u0060'].map((c) => [c, "'"] as const),
  // Double quotes, guillemets, double prime.
  ...['\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB', '\uFF02'].map((c) => [c, '"'] as const),
  // Hyphens, dashes, minus sign.
  ...['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D'].map((c) => [c, '-'] as const),
  // Spaces: no-break, en/em and friends, narrow no-break, ideographic; a tab reads as a space.
  ...['\u00A0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u202F', '\u205F', '\u3000', '\t'].map(
    (c) => [c, ' '] as const,
  ),
  // Invisible: zero-width space/joiners, word joiner, BOM, soft hyphen.
  ...['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'].map((c) => [c, ''] as const),
  ['\u2026', '...'],
  ['\u2039', '<'],
  ['\u203A', '>'],
  ['\u02C6', '^'],
  ['\u02DC', '~'],
  ['\u2044', '/'],
  ['\u2215', '/'],
  ['\uFF0C', ','],
  ['\uFF0E', '.'],
  ['\uFF1A', ':'],
  ['\uFF1B', ';'],
  ['\uFF01', '!'],
  ['\uFF1F', '?'],
]);

/** One replacement made by {@link smartEncode}. */
export interface SmartReplacement {
  /** UTF-16 offset in the original text. */
  index: number;
  from: string;
  to: string;
}

/** The outcome of {@link smartEncode}. */
export interface SmartEncoded {
  text: string;
  /** Every replacement, in text order; empty when the text is unchanged. */
  replacements: SmartReplacement[];
}

/**
 * Replaces look-alikes (curly quotes, dashes, no-break and other spaces, ellipsis, zero-width
 * characters...) with GSM 7-bit characters. Idempotent; never throws.
 */
export function smartEncode(text: string): SmartEncoded {
  let out = '';
  let last = 0;
  const replacements: SmartReplacement[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const to = LOOK_ALIKES.get(text[i]!);
    if (to === undefined) continue;
    out += text.slice(last, i) + to;
    last = i + 1;
    replacements.push({ index: i, from: text[i]!, to });
  }
  return replacements.length === 0 ? { text, replacements } : { text: out + text.slice(last), replacements };
}
