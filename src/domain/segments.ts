/**
 * How many SMS segments a text costs, per 3GPP TS 23.038 (character sets) and TS 23.040 §9.2.3.24.1
 * (concatenated short messages). This is the count we bill, throttle (providers count MPS in segments)
 * and show to users.
 *
 * - GSM-7: every character is in the GSM 7-bit default alphabet (1 septet) or its extension table
 *   (`^ { } \ [ ~ ] |`, `€` and form feed: ESC + char = 2 septets). CR and LF are in the basic table.
 *   160 septets fit one SMS; a concatenated part holds 153 (the 6-octet UDH takes 7 septets) and an
 *   escape pair is never split across parts.
 * - UCS-2 (any other character): counted in UTF-16 code units. 70 fit one SMS; a part holds 67 and a
 *   surrogate pair is never split across parts. In UCS-2, extension characters cost one unit like any
 *   other character.
 *
 * No smart encoding (replacing curly quotes and the like with GSM look-alikes) happens here.
 *
 * @module
 */

/** The data coding a text needs. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

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
  /**
   * The characters that forced UCS-2, in order, with their index as a UTF-16 offset into the text
   * (`text.slice(index)` starts with `char`). Empty for GSM-7.
   */
  nonGsmCharacters: { char: string; index: number }[];
}

/** Single-message and per-part capacity (3GPP TS 23.040 §9.2.3.24.1, 6-octet concatenation UDH). */
const GSM7_SINGLE = 160;
const GSM7_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/**
 * GSM 7-bit default alphabet, 3GPP TS 23.038 §6.2.1 table 1, in code order 0x00–0x7F with the escape
 * (0x1B) left out. Greek capitals are written as escapes so a Latin look-alike cannot slip in.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅå' +
    '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EÆæßÉ' + // Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ (ESC) Æ æ ß É
    ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
    '¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** Extension table, 3GPP TS 23.038 §6.2.1.1 table 2: each costs ESC + code = 2 septets. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/**
 * Measures `text`: encoding, size, characters and the size of each segment.
 *
 * @param text the message body exactly as it will be submitted (no CRLF normalization: CR and LF are
 *   one septet each, so a Windows line break costs 2).
 * @returns see {@link SegmentInfo}; never throws. A lone surrogate counts as one non-GSM UTF-16 unit.
 */
export function measureSegments(text: string): SegmentInfo {
  const septets: number[] = [];
  const nonGsmCharacters: { char: string; index: number }[] = [];
  let index = 0;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets.push(1);
    else if (GSM7_EXTENSION.has(char)) septets.push(2);
    else nonGsmCharacters.push({ char, index });
    index += char.length;
  }
  const characters = septets.length + nonGsmCharacters.length;
  if (nonGsmCharacters.length === 0) {
    return { encoding: 'GSM-7', characters, nonGsmCharacters, ...split(septets, GSM7_SINGLE, GSM7_PART) };
  }
  const codeUnits = Array.from(text, (char) => char.length);
  return { encoding: 'UCS-2', characters, nonGsmCharacters, ...split(codeUnits, UCS2_SINGLE, UCS2_PART) };
}

/**
 * Packs per-character sizes into segments: one if the total fits `single`, otherwise greedily into parts
 * of at most `part`, never splitting a character (escape pair or surrogate pair).
 */
function split(
  sizes: number[],
  single: number,
  part: number,
): Pick<SegmentInfo, 'units' | 'segments' | 'segmentUnits'> {
  const units = sizes.reduce((sum, size) => sum + size, 0);
  if (units <= single) return { units, segments: 1, segmentUnits: [units] };
  const segmentUnits: number[] = [];
  let current = 0;
  for (const size of sizes) {
    if (current + size > part) {
      segmentUnits.push(current);
      current = 0;
    }
    current += size;
  }
  segmentUnits.push(current);
  return { units, segments: segmentUnits.length, segmentUnits };
}
