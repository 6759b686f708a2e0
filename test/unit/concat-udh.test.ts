import { describe, expect, it } from 'vitest';
import { ESM_CLASS_UDHI, parseConcatUdhHex } from '../../src/domain/concat-udh.js';
import { loadVectors } from '../helpers/vectors.js';

describe('inbound-concat vectors', () => {
  const vectors = loadVectors('inbound-concat');
  it('covers V64', () => expect(vectors.map((v) => v.id)).toEqual(['V64']));
  for (const v of vectors) {
    it(`${v.id}: reads reference, count and part number from the UDH`, () => {
      const input = v.input as { esm_class: number; udh_hex: string };
      const expected = v.expected as { concat_ref: number; total_parts: number; part_number: number; udh_length: number };
      expect(input.esm_class & ESM_CLASS_UDHI).toBe(ESM_CLASS_UDHI);
      expect(parseConcatUdhHex(input.udh_hex)).toEqual({ ref: expected.concat_ref, total: expected.total_parts, index: expected.part_number, udhLength: expected.udh_length });
    });
  }
});

describe('parseConcatUdhHex', () => {
  it('reads a 16-bit reference (IE 0x08)', () => {
    expect(parseConcatUdhHex('06080412340302')).toEqual({ ref: 0x1234, total: 3, index: 2, udhLength: 7 });
    // Octets after the UDH are the part's text, not header.
    expect(parseConcatUdhHex('0608041234030248')).toEqual({ ref: 0x1234, total: 3, index: 2, udhLength: 7 });
  });
  it('skips other information elements and refuses truncated or impossible headers', () => {
    // Application port addressing (IE 0x05) before the concatenation element.
    expect(parseConcatUdhHex('0A050415820000' + '0003AA0201')).toEqual({ ref: 0xaa, total: 2, index: 1, udhLength: 11 });
    expect(parseConcatUdhHex('050003380506')).toBeNull(); // part 6 of 5
    expect(parseConcatUdhHex('05000338')).toBeNull(); // truncated
    expect(parseConcatUdhHex('0605041582000048')).toBeNull(); // no concatenation element
    expect(parseConcatUdhHex('zz')).toBeNull();
  });
});
