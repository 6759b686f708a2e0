/**
 * The GSM 7-bit alphabets of 3GPP TS 23.038: the default alphabet (§6.2.1, table 1), its extension
 * table (§6.2.1.1, table 2) and the national language shift tables of Annex A for Turkish, Spanish
 * and Portuguese. Only membership matters for billing, so each table is the set of characters it
 * encodes; {@link septetCosts} turns a (locking, single shift) pair into a per-UTF-16-unit cost table.
 *
 * @module
 */

/** A national language with shift tables here (3GPP TS 23.038 Annex A; NLI 1, 2, 3). */
export type NationalLanguage = 'tr' | 'es' | 'pt';

/** Every supported {@link NationalLanguage}. */
export const NATIONAL_LANGUAGES: readonly NationalLanguage[] = ['tr', 'es', 'pt'];

/**
 * GSM 7-bit default alphabet, §6.2.1 table 1, code order 0x00–0x7F without ESC (0x1B). Greek capitals
 * are written as escapes so that a Latin look-alike cannot slip in.
 */
export const GSM7_DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Default alphabet extension table, §6.2.1.1 table 2 (reached by ESC: 2 septets each). */
export const GSM7_DEFAULT_EXTENSION = '\f^{}\\[~]|€';

/** Locking shift tables, Annex A.3: replace the default alphabet (1 septet each). Spanish has none. */
const LOCKING: Readonly<Record<NationalLanguage, string | null>> = {
  // A.3.1 Turkish: è ì Ø ø Æ æ ¡ ¿ of the default table become € ı Ğ ğ Ş ş İ ç.
  tr:
    '@£$¥€éùıòÇ\nĞğ\rÅå\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EŞşßÉ' +
    ' !"#¤%&\'()*+,-./0123456789:;<=>?İABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§çabcdefghijklmnopqrstuvwxyzäöñüà',
  es: null,
  // A.3.3 Portuguese.
  pt:
    '@£$¥êéúíóç\nÔô\rÁá\u0394_ªÇÀ∞^\\€Ó|ÂâÊÉ' +
    ' !"#º%&\'()*+,-./0123456789:;<=>?ÍABCDEFGHIJKLMNOPQRSTUVWXYZÃÕÚÜ§~abcdefghijklmnopqrstuvwxyzãõ`üà',
};

/** Single shift tables, Annex A.2: reached by ESC (2 septets each). */
const SINGLE: Readonly<Record<NationalLanguage, string>> = {
  tr: '\f^{}\\[~]|ĞİŞç€ğış', // A.2.1
  es: 'ç\f^{}\\[~]|ÁÍÓÚá€íóú', // A.2.2
  pt: 'êç\fÔôÁá\u03A6\u0393^\u03A9\u03A0\u03A8\u03A3\u0398Ê{}\\[~]|ÀÍÓÚÃÕÂ€íóúãõâ', // A.2.3
};

/** The alphabets of one encoding choice: which tables are shifted to, and their UDH cost. */
export interface ShiftTables {
  /** The locking shift table's language; undefined for the default alphabet. */
  locking?: NationalLanguage;
  /** The single shift table's language; undefined for the default extension table. */
  single?: NationalLanguage;
}

/** Characters of the locking (1 septet) table of `tables`. */
export function lockingCharacters(tables: ShiftTables): string {
  return tables.locking ? (LOCKING[tables.locking] ?? GSM7_DEFAULT) : GSM7_DEFAULT;
}

/** Characters of the single shift (2 septets) table of `tables`. */
export function singleShiftCharacters(tables: ShiftTables): string {
  return tables.single ? SINGLE[tables.single] : GSM7_DEFAULT_EXTENSION;
}

/** Whether `language` has a locking shift table (Spanish does not, TS 23.038 A.3). */
export function hasLockingShift(language: NationalLanguage): boolean {
  return LOCKING[language] !== null;
}

const costCache = new Map<string, Uint8Array>();

/**
 * Septets per UTF-16 code unit for a table pair: 1 (locking table), 2 (ESC + single shift table) or
 * 0 (not encodable). Indexed by `charCodeAt`; every GSM character is in the BMP, so a surrogate is 0.
 * Built once per pair and cached (64 KiB each).
 */
export function septetCosts(tables: ShiftTables): Uint8Array {
  const key = `${tables.locking ?? ''}/${tables.single ?? ''}`;
  let costs = costCache.get(key);
  if (!costs) {
    costs = new Uint8Array(0x10000);
    for (const char of singleShiftCharacters(tables)) costs[char.charCodeAt(0)] = 2;
    // The locking table wins: a character in both costs one septet.
    for (const char of lockingCharacters(tables)) costs[char.charCodeAt(0)] = 1;
    costCache.set(key, costs);
  }
  return costs;
}
