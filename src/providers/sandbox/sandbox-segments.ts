/**
 * The sandbox provider's own segment count and MO splitting. Deliberately local and simple (the
 * domain's GSM-7/UCS-2 module is the authority for what we bill and throttle); it only needs to look
 * like a provider's `parts` answer.
 *
 * Rule (3GPP TS 23.038 / 23.040): a body made only of GSM-7 default-alphabet characters is GSM-7, each
 * extension character (`^{}\[~]|€` and form feed) costing two septets; 160 septets fit one segment,
 * otherwise 153 per segment (UDH). Any other character makes it UCS-2: 70 UTF-16 units in one segment,
 * otherwise 67 per segment.
 *
 * @module
 */

const GSM7_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
const GSM7_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));

/** Encoding the sandbox picked for a body. */
export type SandboxEncoding = 'GSM-7' | 'UCS-2';

/** Segment count of a body. `units` are septets for GSM-7 and UTF-16 code units for UCS-2. */
export interface SandboxSegmentCount {
  encoding: SandboxEncoding;
  units: number;
  parts: number;
}

function gsmSeptets(char: string): number | null {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return null;
}

function isGsm7(body: string): boolean {
  for (const char of body) if (gsmSeptets(char) === null) return false;
  return true;
}

/** Counts segments of `body` (at least 1, even for an empty body). */
export function countSandboxSegments(body: string): SandboxSegmentCount {
  if (isGsm7(body)) {
    let units = 0;
    for (const char of body) units += gsmSeptets(char) ?? 1;
    return { encoding: 'GSM-7', units, parts: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = body.length;
  return { encoding: 'UCS-2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/**
 * Splits a body into concatenated-SMS parts of at most 153 septets (GSM-7) or 67 UTF-16 units (UCS-2),
 * never cutting a character (surrogate pair or extension escape) in two.
 * @returns one element per part; a single element when the body fits one segment.
 */
export function splitSandboxBody(body: string): string[] {
  const count = countSandboxSegments(body);
  if (count.parts === 1) return [body];
  const gsm = count.encoding === 'GSM-7';
  const limit = gsm ? 153 : 67;
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const char of body) {
    const cost = gsm ? (gsmSeptets(char) ?? 1) : char.length;
    if (used + cost > limit) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += cost;
  }
  if (current !== '') parts.push(current);
  return parts;
}
