/**
 * Cuts an outbound text into `submit_sm` parts: data_coding 0 (SMSC default alphabet, GSM 03.38) when
 * every character is GSM-7, else 8 (UCS-2 big-endian), and UDH-concatenated parts when it does not fit
 * one SMS (3GPP TS 23.038 / TS 23.040 §9.2.3.24.1). Segment boundaries come from
 * `measureSegments` (src/domain/segments.ts), so what we bill is what we send.
 *
 * The texts stay strings: node-smpp encodes `short_message` itself from `data_coding` — 0 through its
 * GSM 03.38 table as one unpacked septet per octet (the SMPP convention; the SMSC packs for the air
 * interface), 8 as UTF-16BE — and prefixes the UDH we give it, setting the UDHI esm_class bit.
 *
 * @module
 */
import { measureSegments } from '../../domain/segments.js';
import { concatUdh } from './smpp-udh.js';

/** SMPP v3.4 §5.2.19 data_coding values we send. */
export const DATA_CODING_SMSC_DEFAULT = 0x00;
/** UCS-2 (ISO/IEC 10646), big-endian UTF-16 on the wire. */
export const DATA_CODING_UCS2 = 0x08;

/** One `submit_sm` worth of text. */
export interface SmppPart {
  /** Concatenation UDH (6 octets, IE 0x00) for multi-part messages; absent for a single SMS. */
  udh?: Buffer;
  /** This part's text. */
  text: string;
}

/** The parts of one message. */
export interface SmppMessagePlan {
  dataCoding: typeof DATA_CODING_SMSC_DEFAULT | typeof DATA_CODING_UCS2;
  parts: SmppPart[];
}

/**
 * Splits `text` into parts.
 * @param ref 8-bit concatenation reference shared by the parts (only its low 8 bits are used); pick a
 *   different one per message to the same recipient.
 */
export function splitSmppMessage(text: string, ref: number): SmppMessagePlan {
  const info = measureSegments(text);
  const dataCoding = info.encoding === 'GSM-7' ? DATA_CODING_SMSC_DEFAULT : DATA_CODING_UCS2;
  if (info.segments <= 1) return { dataCoding, parts: [{ text }] };
  const texts: string[] = [];
  let current = '';
  let used = 0;
  let segment = 0;
  for (const char of text) {
    // A character's size in this text's unit: septets (1 or 2 with escape) or UTF-16 code units.
    const size = info.encoding === 'GSM-7' ? measureSegments(char).units : char.length;
    if (used + size > (info.segmentUnits[segment] ?? Infinity)) {
      texts.push(current);
      current = '';
      used = 0;
      segment += 1;
    }
    current += char;
    used += size;
  }
  texts.push(current);
  return { dataCoding, parts: texts.map((t, i) => ({ udh: concatUdh(ref, texts.length, i + 1), text: t })) };
}
