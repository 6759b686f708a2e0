/**
 * The de-facto SMPP 3.4 delivery receipt text (SMPP v3.4 Appendix B, "vendor specific" in principle):
 * `id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:EEE text:…`.
 *
 * Parsed leniently (providers.md §8.2; vectors V43, V44, V46): keys are case-insensitive, every field
 * is optional and may come in any order, `stat` has 6 or 7 letters (`FAILED`, `DELIVRD`), `err` has 2–4
 * digits, dates have 10 or 12 digits, and `text` (always last when present) may be empty or hold spaces.
 *
 * @module
 */

/** The fields of a receipt text; `null` when the SMSC left the field out. */
export interface SmppReceiptText {
  id: string | null;
  sub: string | null;
  dlvrd: string | null;
  /** `YYMMDDhhmm[ss]`, SMSC local time, zone unknown. */
  submitDate: string | null;
  /** `YYMMDDhhmm[ss]`, SMSC local time, zone unknown. */
  doneDate: string | null;
  /** Upper-cased state word, e.g. `DELIVRD`, `UNDELIV`, `FAILED`. */
  stat: string | null;
  /** Error code digits as sent (`000`, `0000`, `00`); meaning is provider-specific. */
  err: string | null;
  /** First characters of the original message; `''` when `text:` is present but empty. */
  text: string | null;
}

/** Field names of the receipt text, lower case, inner spaces collapsed. */
type ReceiptKey = 'id' | 'sub' | 'dlvrd' | 'submit date' | 'done date' | 'stat' | 'err' | 'text';
// A key is a known field name followed by ':'; its value runs up to the next key (or the end).
const KEY_PATTERN = /(?:^|\s)(id|sub|dlvrd|submit\s+date|done\s+date|stat|err|text)\s*:/gi;

/**
 * Parses a receipt's `short_message` text. Never throws: a text without an `id:` or `stat:` yields
 * `null` for them, and the caller decides (see `readSmppReceipt`).
 */
export function parseSmppReceiptText(text: string): SmppReceiptText {
  const found = new Map<string, string>();
  const marks: { key: string; start: number; valueStart: number }[] = [];
  for (const m of text.matchAll(KEY_PATTERN)) {
    const key = m[1]!.toLowerCase().replace(/\s+/g, ' ');
    marks.push({ key, start: m.index, valueStart: m.index + m[0].length });
  }
  for (let i = 0; i < marks.length; i += 1) {
    const mark = marks[i]!;
    if (found.has(mark.key)) continue;
    // `text` is free text: it runs to the end even if it contains something like "err:".
    const end = mark.key === 'text' ? text.length : (marks[i + 1]?.start ?? text.length);
    found.set(mark.key, text.slice(mark.valueStart, end));
    if (mark.key === 'text') break;
  }
  const token = (key: ReceiptKey): string | null => {
    const v = found.get(key);
    if (v === undefined) return null;
    const t = v.trim();
    return t === '' ? null : (t.split(/\s+/)[0] ?? null);
  };
  const textValue = found.get('text');
  return {
    id: token('id'),
    sub: token('sub'),
    dlvrd: token('dlvrd'),
    submitDate: token('submit date'),
    doneDate: token('done date'),
    stat: token('stat')?.toUpperCase() ?? null,
    err: token('err'),
    text: textValue === undefined ? null : textValue.replace(/^ /, '').trimEnd(),
  };
}
