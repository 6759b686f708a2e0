/**
 * How many SMS segments a text costs, per 3GPP TS 23.038 (character sets) and TS 23.040 §9.2.3.24
 * (user data header, concatenation). This is the count we bill, throttle (providers count MPS in
 * segments) and show to users.
 *
 * - GSM-7: every character is in the GSM 7-bit default alphabet (1 septet) or its extension table
 *   (`^ { } \ [ ~ ] |`, `€` and form feed: ESC + char = 2 septets). CR and LF are in the basic table.
 *   160 septets fit one SMS; a concatenated part holds 153 (the 6-octet UDH takes 7 septets) and an
 *   escape pair is never split across parts.
 * - National language shift tables (TS 23.038 Annex A, opt-in per call): a locking shift table replaces
 *   the default alphabet, a single shift table replaces the extension table. Each one in use costs a
 *   3-octet information element (TS 23.040 §9.2.3.24.15/16) in the UDH of every part, so capacity drops
 *   to 155/149 septets with one table and 152/146 with both (single/part).
 * - UCS-2 (any other character): counted in UTF-16 code units. 70 fit one SMS; a part holds 67 and a
 *   surrogate pair is never split across parts. In UCS-2, extension characters cost one unit like any
 *   other character.
 *
 * Smart encoding (curly quotes → straight ones...) is a separate text transform: see smart-encoding.ts.
 *
 * @module
 */
import { hasLockingShift, septetCosts } from './gsm7-alphabet.js';
import type { NationalLanguage, ShiftTables } from './gsm7-alphabet.js';

/** The data coding a text needs. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** A character that forced UCS-2. */
export interface NonGsmCharacter {
  /** The character (a surrogate pair is one character). */
  char: string;
  /** Its Unicode code point. */
  codePoint: number;
  /** UTF-16 offset into the text (`text.slice(index)` starts with `char`). */
  index: number;
}

/** The segment breakdown of a text, from {@link measureSegments}. */
export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Total size: septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** Unicode code points in the text (what a user would call characters, before grapheme joining). */
  characters: number;
  /** SMS segments billed; 1 for the empty text. */
  segments: number;
  /** Size of each segment in `units`; its length equals `segments` and it sums to `units`. */
  segmentUnits: number[];
  /** UTF-16 offset where each segment starts (`[0]` for one segment): `text.slice(o[i], o[i+1])`. */
  segmentOffsets: number[];
  /** The characters that forced UCS-2, in text order. Empty for GSM-7. */
  nonGsmCharacters: NonGsmCharacter[];
  /** GSM-7 only, when national language tables were needed: which ones (their UDH IEs are counted). */
  shiftTables?: ShiftTables;
}

/** Options of {@link measureSegments}. */
export interface MeasureOptions {
  /**
   * Also consider this language's national shift tables (only where the provider and handsets support
   * them) and pick the cheapest encoding. Default: the default alphabet only.
   */
  nationalLanguage?: NationalLanguage;
}

/** Octets of user data in one SMS (TS 23.040 §9.2.3.16: 140 octets, 160 septets). */
const USER_DATA_OCTETS = 140;
/** UDHL (1) + concatenation IE with an 8-bit reference (5), TS 23.040 §9.2.3.24.1. */
const CONCAT_UDH_OCTETS = 6;
/** National language single/locking shift IE: IEI + length + NLI (TS 23.040 §9.2.3.24.15/16). */
const SHIFT_IE_OCTETS = 3;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** Septets that fit beside a UDH of `udhOctets` (fill bits pad the UDH to a septet boundary). */
function septetCapacity(udhOctets: number): number {
  return udhOctets === 0 ? 160 : Math.floor(((USER_DATA_OCTETS - udhOctets) * 8) / 7);
}

const DEFAULT_TABLES: ShiftTables = {};

/**
 * Measures `text`: encoding, size, characters and the size and start of each segment. GSM-7 fast
 * path: one pass over UTF-16 units with a 64 KiB cost table, no allocation per character.
 *
 * @param text the message body exactly as it will be submitted (no CRLF normalization: CR and LF are
 *   one septet each, so a Windows line break costs 2).
 * @param options see {@link MeasureOptions}.
 * @returns see {@link SegmentInfo}; never throws. A lone surrogate counts as one non-GSM UTF-16 unit.
 */
export function measureSegments(text: string, options: MeasureOptions = {}): SegmentInfo {
  const base = measureGsm(text, DEFAULT_TABLES);
  const language = options.nationalLanguage;
  if (language === undefined) return base ?? measureUcs2(text);
  let best = base;
  const candidates: ShiftTables[] = [{ single: language }];
  if (hasLockingShift(language)) candidates.push({ locking: language }, { locking: language, single: language });
  for (const tables of candidates) {
    const info = measureGsm(text, tables);
    // Fewer segments wins; on a tie the simpler encoding (fewer IEs, tried first) stays.
    if (info && (!best || info.segments < best.segments)) best = info;
  }
  return best ?? measureUcs2(text);
}

/** GSM-7 measurement with one table pair; null at the first character the pair cannot encode. */
function measureGsm(text: string, tables: ShiftTables): SegmentInfo | null {
  const costs = septetCosts(tables);
  const ieOctets = (tables.locking ? SHIFT_IE_OCTETS : 0) + (tables.single ? SHIFT_IE_OCTETS : 0);
  const single = septetCapacity(ieOctets === 0 ? 0 : 1 + ieOctets);
  const part = septetCapacity(CONCAT_UDH_OCTETS + ieOctets);
  const parts: number[] = [];
  const offsets: number[] = [0];
  let total = 0;
  let current = 0;
  const n = text.length;
  for (let i = 0; i < n; i += 1) {
    const code = text.charCodeAt(i);
    const cost = costs[code]!;
    if (cost === 0) return null;
    total += cost;
    if (current + cost > part) {
      parts.push(current);
      offsets.push(i);
      current = 0;
    }
    current += cost;
  }
  parts.push(current);
  const fitsOne = total <= single;
  return {
    encoding: 'GSM-7',
    units: total,
    characters: n,
    segments: fitsOne ? 1 : parts.length,
    segmentUnits: fitsOne ? [total] : parts,
    segmentOffsets: fitsOne ? [0] : offsets,
    nonGsmCharacters: [],
    ...(ieOctets > 0 ? { shiftTables: tables } : {}),
  };
}

/**
 * UCS-2 measurement: UTF-16 units, a surrogate pair (2 units) never split across parts. The list of
 * culprits is computed on first read (an own enumerable property, memoized): counting a long Cyrillic
 * text must not allocate one object per character when nobody looks at them.
 */
function measureUcs2(text: string): SegmentInfo {
  const parts: number[] = [];
  const offsets: number[] = [0];
  let current = 0;
  let characters = 0;
  const n = text.length;
  for (let i = 0; i < n; i += 1) {
    const code = text.charCodeAt(i);
    let size = 1;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) size = 2;
    }
    characters += 1;
    if (current + size > UCS2_PART) {
      parts.push(current);
      offsets.push(i);
      current = 0;
    }
    current += size;
    i += size - 1;
  }
  parts.push(current);
  const fitsOne = n <= UCS2_SINGLE;
  const info = {
    encoding: 'UCS-2' as const,
    units: n,
    characters,
    segments: fitsOne ? 1 : parts.length,
    segmentUnits: fitsOne ? [n] : parts,
    segmentOffsets: fitsOne ? [0] : offsets,
  };
  let culprits: NonGsmCharacter[] | undefined;
  return Object.defineProperty(info, 'nonGsmCharacters', {
    enumerable: true,
    get: () => (culprits ??= nonGsmCharacters(text)),
  }) as SegmentInfo;
}

/** The characters of `text` outside the GSM 7-bit default alphabet and its extension table, in order. */
export function nonGsmCharacters(text: string): NonGsmCharacter[] {
  const costs = septetCosts(DEFAULT_TABLES);
  const out: NonGsmCharacter[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (costs[text.charCodeAt(i)] !== 0) continue;
    const codePoint = text.codePointAt(i)!;
    const wide = codePoint > 0xffff;
    out.push({ char: wide ? text.slice(i, i + 2) : text[i]!, codePoint, index: i });
    if (wide) i += 1;
  }
  return out;
}

/** The text of each segment of `text` as measured by `info` (for previews). */
export function segmentTexts(text: string, info: SegmentInfo): string[] {
  return info.segmentOffsets.map((start, i) => text.slice(start, info.segmentOffsets[i + 1] ?? text.length));
}
