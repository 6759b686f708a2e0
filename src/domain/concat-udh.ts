/**
 * Reads the concatenation information element of an SMS User Data Header (3GPP TS 23.040 §9.2.3.24):
 * a multi-part MO arrives from SMPP/SMSC links as parts whose UDH carries a reference, the part count and
 * the part number (SMPP 3.4 §5.2.12: `esm_class` bit 0x40 = UDHI, a UDH is present). Parts are grouped by
 * sender + reference and ordered by part number, never by arrival (vector V64); node-smpp leaves this to
 * the application.
 *
 * @module
 */

/** The concatenation fields of one part. */
export interface ConcatUdh {
  /** Reference shared by all parts of one message: 8-bit (IE 0x00) or 16-bit (IE 0x08). */
  ref: number;
  /** Number of parts, 1–255. */
  total: number;
  /** This part's number, 1-based. */
  index: number;
  /** Length of the whole UDH in octets, including its length octet (UDHL + 1). */
  udhLength: number;
}

/** SMPP `esm_class` UDHI bit: the short message starts with a UDH. */
export const ESM_CLASS_UDHI = 0x40;

/**
 * Parses a UDH given as octets (starting with the UDHL octet) and returns its concatenation element.
 * @returns null when there is no valid concatenation element (other IEs only, truncated header,
 *   part number 0 or above the count).
 */
export function parseConcatUdh(udh: Uint8Array): ConcatUdh | null {
  const udhl = udh[0];
  if (udhl === undefined || udh.length < udhl + 1) return null;
  let i = 1;
  while (i + 1 < udhl + 1) {
    const iei = udh[i]!;
    const len = udh[i + 1]!;
    const data = udh.subarray(i + 2, i + 2 + len);
    if (data.length < len) return null;
    if (iei === 0x00 && len === 3) return check({ ref: data[0]!, total: data[1]!, index: data[2]!, udhLength: udhl + 1 });
    if (iei === 0x08 && len === 4) return check({ ref: (data[0]! << 8) | data[1]!, total: data[2]!, index: data[3]!, udhLength: udhl + 1 });
    i += 2 + len;
  }
  return null;
}

/** {@link parseConcatUdh} for a hex string (`050003380502`). @returns null also for malformed hex. */
export function parseConcatUdhHex(hex: string): ConcatUdh | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return null;
  const octets = new Uint8Array(hex.length / 2);
  for (let k = 0; k < octets.length; k++) octets[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return parseConcatUdh(octets);
}

function check(c: ConcatUdh): ConcatUdh | null {
  return c.total >= 1 && c.index >= 1 && c.index <= c.total ? c : null;
}
