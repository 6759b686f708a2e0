/**
 * User Data Header concatenation information elements (3GPP TS 23.040 §9.2.3.24.1 and §9.2.3.24.8):
 * IEI 0x00 with an 8-bit reference (`05 00 03 ref total seq`) and IEI 0x08 with a 16-bit reference
 * (`06 08 04 refHi refLo total seq`). In SMPP the UDH leads `short_message` when esm_class has the UDHI
 * bit 0x40 (SMPP v3.4 §5.2.12). node-smpp neither builds nor reassembles these (providers.md §8.5).
 *
 * @module
 */

/** esm_class bit: `short_message` starts with a UDH (SMPP v3.4 §5.2.12). */
export const ESM_CLASS_UDHI = 0x40;

/** Concatenation info of one part. */
export interface ConcatInfo {
  /** Reference shared by all parts of one message (8- or 16-bit value). */
  ref: number;
  /** Number of parts, 1–255. */
  total: number;
  /** 1-based part number. */
  index: number;
}

/** A parsed UDH. */
export interface ParsedUdh {
  /** Octets the UDH takes, including its own length octet (UDHL + 1). */
  length: number;
  /** Concatenation info, when an IE 0x00 or 0x08 is present and well-formed. */
  concat?: ConcatInfo;
}

/** Thrown when a UDH's length octets run past the data. */
export class UdhFormatError extends Error {
  /** Stable error code. */
  readonly code = 'udh_invalid';
  override readonly name = 'UdhFormatError';
}

/**
 * Parses the UDH at the start of `data` (a `short_message` with the UDHI bit set).
 * @throws {UdhFormatError} when the header length or an IE length exceeds the data.
 */
export function parseUdh(data: Uint8Array): ParsedUdh {
  const udhl = data[0];
  if (udhl === undefined || udhl + 1 > data.length) throw new UdhFormatError(`UDH length ${udhl ?? 'missing'} exceeds ${data.length} octets`);
  const result: ParsedUdh = { length: udhl + 1 };
  let at = 1;
  while (at + 1 < udhl + 1) {
    const iei = data[at]!;
    const len = data[at + 1]!;
    const body = data.subarray(at + 2, at + 2 + len);
    if (at + 2 + len > udhl + 1) throw new UdhFormatError(`UDH IE 0x${iei.toString(16)} length ${len} exceeds the header`);
    if (iei === 0x00 && len === 3) result.concat = { ref: body[0]!, total: body[1]!, index: body[2]! };
    if (iei === 0x08 && len === 4) result.concat = { ref: (body[0]! << 8) | body[1]!, total: body[2]!, index: body[3]! };
    at += 2 + len;
  }
  // A part number of 0 or above the total is invalid per TS 23.040; treat the part as standalone.
  if (result.concat && (result.concat.index < 1 || result.concat.index > result.concat.total)) delete result.concat;
  return result;
}

/** The 6-octet UDH (IE 0x00, 8-bit reference) of part `index` of `total`. */
export function concatUdh(ref: number, total: number, index: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, index]);
}
