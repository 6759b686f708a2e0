import { describe, expect, it } from 'vitest';
import { measureSegments } from '../../src/domain/segments.js';
import { MoReassembler } from '../../src/providers/smpp/smpp-mo-reassembler.js';
import { DATA_CODING_SMSC_DEFAULT, DATA_CODING_UCS2, splitSmppMessage } from '../../src/providers/smpp/smpp-message-split.js';
import { concatUdh, parseUdh, UdhFormatError } from '../../src/providers/smpp/smpp-udh.js';
import { loadVectors } from '../helpers/vectors.js';

describe('UDH concatenation (inbound-concat vectors)', () => {
  for (const v of loadVectors('inbound-concat').filter((x) => x.id === 'V64')) {
    it(`${v.id}: reads ref, total and part number from IE 0x00`, () => {
      expect((v.input.esm_class as number) & 0x40).toBe(0x40);
      const udh = parseUdh(Buffer.from(v.input.udh_hex as string, 'hex'));
      expect(udh.length).toBe(v.expected.udh_length);
      expect(udh.concat).toEqual({ ref: v.expected.concat_ref, total: v.expected.total_parts, index: v.expected.part_number });
    });
  }

  it('reads the 16-bit reference of IE 0x08 and skips other IEs', () => {
    expect(parseUdh(Buffer.from('0a2402010008041234030201', 'hex'))).toEqual({ length: 11, concat: { ref: 0x1234, total: 3, index: 2 } });
  });

  it('refuses a header longer than the data, ignores a part number above the total', () => {
    expect(() => parseUdh(Buffer.from('0500030102', 'hex'))).toThrow(UdhFormatError);
    expect(parseUdh(Buffer.from('050003010203', 'hex')).concat).toBeUndefined();
  });

  it('round-trips what concatUdh builds', () => {
    expect(parseUdh(concatUdh(300, 4, 4)).concat).toEqual({ ref: 44, total: 4, index: 4 });
  });

  it('reassembles parts by sender + reference in part order, whatever the arrival order', () => {
    const r = new MoReassembler(60_000);
    const base = { from: '12015550123', to: '15555550100', total: 3 };
    expect(r.add({ ...base, ref: 56, index: 3, text: 'C' }, 0)).toBeNull();
    expect(r.add({ ...base, from: '12015550999', ref: 56, index: 1, text: 'x' }, 1)).toBeNull();
    expect(r.add({ ...base, ref: 56, index: 1, text: 'A' }, 2)).toBeNull();
    expect(r.add({ ...base, ref: 56, index: 1, text: 'A' }, 3)).toBeNull(); // a re-delivered part
    expect(r.add({ ...base, ref: 56, index: 2, text: 'B' }, 4)).toEqual({ from: base.from, to: base.to, ref: 56, total: 3, text: 'ABC' });
    expect(r.pending).toBe(1);
    r.expire(70_000);
    expect(r.pending).toBe(0);
  });
});

describe('outbound parts', () => {
  it('keeps a short GSM-7 text whole with data_coding 0', () => {
    expect(splitSmppMessage('Hi Ann, your code is 1234', 7)).toEqual({ dataCoding: DATA_CODING_SMSC_DEFAULT, parts: [{ text: 'Hi Ann, your code is 1234' }] });
  });

  it('splits long GSM-7 text at 153 septets, never splitting an escape pair', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(100);
    const plan = splitSmppMessage(text, 9);
    expect(plan.dataCoding).toBe(DATA_CODING_SMSC_DEFAULT);
    expect(plan.parts.map((p) => p.text)).toEqual(['a'.repeat(152), '€' + 'b'.repeat(100)]);
    expect(plan.parts.map((p) => parseUdh(p.udh!).concat)).toEqual([
      { ref: 9, total: 2, index: 1 },
      { ref: 9, total: 2, index: 2 },
    ]);
    expect(plan.parts.length).toBe(measureSegments(text).segments);
  });

  it('uses UCS-2 for non-GSM text and 67-unit parts, never splitting a surrogate pair', () => {
    const text = 'я'.repeat(66) + '😀' + 'я'.repeat(10);
    const plan = splitSmppMessage(text, 1);
    expect(plan.dataCoding).toBe(DATA_CODING_UCS2);
    expect(plan.parts.map((p) => p.text)).toEqual(['я'.repeat(66), '😀' + 'я'.repeat(10)]);
  });
});
