import { describe, it, expect } from 'vitest';
import { measureSegments, segmentTexts } from '../../src/domain/segments.js';
import { smartEncode } from '../../src/domain/smart-encoding.js';
import type { SegmentInfo } from '../../src/domain/segments.js';
import { lockingCharacters, singleShiftCharacters } from '../../src/domain/gsm7-alphabet.js';
import { loadVectors } from '../helpers/vectors.js';

interface SegmentCase {
  text: string;
  smart_encoding?: boolean;
}
interface SegmentExpectation {
  encoding: string;
  septets?: number;
  code_units?: number;
  code_points?: number;
  graphemes?: number;
  segments: number;
  segment_units?: number[];
  segment_septets?: number[];
  body_after?: string;
}
interface Vector {
  id: string;
  kind: string;
  input: SegmentCase | { cases: SegmentCase[] };
  expected: SegmentExpectation | SegmentExpectation[];
}

const vectors = loadVectors('encoding-segments') as unknown as Vector[];

/** One named case per text of every `encoding-segments` vector. */
const cases = vectors.flatMap((v) => {
  const inputs = 'cases' in v.input ? v.input.cases : [v.input];
  const expected = Array.isArray(v.expected) ? v.expected : [v.expected];
  return inputs.map((input, i) => ({
    name: inputs.length > 1 ? `${v.id}[${i}]` : v.id,
    input,
    expected: expected[i]!,
  }));
});

function expectMatches(info: SegmentInfo, text: string, expected: SegmentExpectation): void {
  expect(info.encoding).toBe(expected.encoding);
  expect(info.segments).toBe(expected.segments);
  const units = expected.septets ?? expected.code_units;
  if (units !== undefined) expect(info.units).toBe(units);
  if (expected.code_points !== undefined) expect(info.characters).toBe(expected.code_points);
  const perSegment = expected.segment_septets ?? expected.segment_units;
  if (perSegment !== undefined) expect(info.segmentUnits).toEqual(perSegment);
  if (expected.graphemes !== undefined) {
    expect([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)]).toHaveLength(
      expected.graphemes,
    );
  }
}

describe('measureSegments: encoding-segments vectors', () => {
  it('has the vectors to run', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
  for (const { name, input, expected } of cases) {
    it(`${name}: ${expected.encoding}, ${expected.segments} segment(s)${input.smart_encoding ? ' (smart encoding)' : ''}`, () => {
      const text = input.smart_encoding ? smartEncode(input.text).text : input.text;
      if (expected.body_after !== undefined) expect(text).toBe(expected.body_after);
      expectMatches(measureSegments(text), text, expected);
    });
  }
});

describe('measureSegments: rules', () => {
  it('counts the empty text as one segment of zero units', () => {
    expect(measureSegments('')).toEqual({
      encoding: 'GSM-7',
      units: 0,
      characters: 0,
      segments: 1,
      segmentUnits: [0],
      segmentOffsets: [0],
      nonGsmCharacters: [],
    });
  });

  it('fits 160 septets in one segment and splits 161 into 153 + 8', () => {
    expect(measureSegments('a'.repeat(160)).segmentUnits).toEqual([160]);
    expect(measureSegments('a'.repeat(161)).segmentUnits).toEqual([153, 8]);
  });

  it('never splits an escape pair: an extension character at septet 153 moves to the next part', () => {
    const info = measureSegments('a'.repeat(152) + '€' + 'a'.repeat(10));
    expect(info.units).toBe(164);
    expect(info.segmentUnits).toEqual([152, 12]);
  });

  it('never splits a surrogate pair: an emoji at unit 67 moves to the next part', () => {
    const info = measureSegments('ж'.repeat(66) + '😘' + 'ж'.repeat(10));
    expect(info.units).toBe(78);
    expect(info.segmentUnits).toEqual([66, 12]);
  });

  it('costs 2 septets for each extension character, 1 for CR and LF', () => {
    expect(measureSegments('^{}\\[~]|€\f').units).toBe(20);
    expect(measureSegments('\r\n').units).toBe(2);
  });

  it('accepts every character of the GSM 03.38 basic table and only those', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect([...basic]).toHaveLength(127);
    expect(measureSegments(basic)).toMatchObject({ encoding: 'GSM-7', units: 127 });
    for (const outsider of ['ç', 'á', '’', '`', '\t', '\u2126' /* Ohm sign, not Ω */, 'A\u0301']) {
      expect(measureSegments(outsider).encoding).toBe('UCS-2');
    }
  });

  it('lists the characters that forced UCS-2 with their UTF-16 offset', () => {
    const text = 'Hi 😘 we’ll';
    const info = measureSegments(text);
    expect(info.nonGsmCharacters).toEqual([
      { char: '😘', codePoint: 0x1f618, index: 3 },
      { char: '’', codePoint: 0x2019, index: 8 },
    ]);
    for (const { char, index } of info.nonGsmCharacters)
      expect(text.slice(index).startsWith(char)).toBe(true);
  });
});

/**
 * An independent reference: encode to real GSM 03.38 septet codes (ESC 0x1B + code for the extension
 * table) or UTF-16 units, then cut fixed-size parts and step back one when the cut would separate an
 * escape from its character or a high surrogate from its low one.
 */
const GSM_BY_CODE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION_BY_CODE = new Map<string, number>([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);
const ESC = 0x1b;

function referenceSegments(text: string): { encoding: string; units: number; segments: number } {
  const septets: number[] = [];
  for (const char of text) {
    const code = char === '\u001b' ? -1 : GSM_BY_CODE.indexOf(char);
    const extension = EXTENSION_BY_CODE.get(char);
    if (code >= 0) septets.push(code);
    else if (extension !== undefined) septets.push(ESC, extension);
    else return referenceUcs2(text);
  }
  return { encoding: 'GSM-7', units: septets.length, segments: cut(septets, 160, 153, (s) => s === ESC) };
}

function referenceUcs2(text: string) {
  const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
  const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
  return { encoding: 'UCS-2', units: units.length, segments: cut(units, 70, 67, isHigh) };
}

function cut(units: number[], single: number, part: number, splitsAfter: (unit: number) => boolean): number {
  if (units.length <= single) return 1;
  let segments = 0;
  for (let start = 0; start < units.length; segments += 1) {
    let end = Math.min(start + part, units.length);
    if (end < units.length && splitsAfter(units[end - 1]!)) end -= 1;
    start = end;
  }
  return segments;
}

describe('measureSegments: property test against an independent reference', () => {
  const basic = [...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà'];
  const extension = [...EXTENSION_BY_CODE.keys()];
  const nonGsm = ['ç', 'á', '’', '“', 'Ж', '中', '\u0301', '😘', '🐳', '\t', '\u001b'];

  /** mulberry32: small, seeded, good enough to spread lengths around the part boundaries. */
  function prng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('agrees on encoding, units and segment count for 4,000 random texts', () => {
    const random = prng(20240601);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    for (let n = 0; n < 4000; n += 1) {
      const length = Math.floor(random() * 420);
      const extensionRate = random() * 0.3;
      const nonGsmRate = n % 2 === 0 ? 0 : random() * 0.05;
      let text = '';
      for (let i = 0; i < length; i += 1) {
        const r = random();
        text +=
          r < nonGsmRate ? pick(nonGsm) : r < nonGsmRate + extensionRate ? pick(extension) : pick(basic);
      }
      const info = measureSegments(text);
      const reference = referenceSegments(text);
      expect(
        { encoding: info.encoding, units: info.units, segments: info.segments },
        JSON.stringify(text),
      ).toEqual(reference);
      expect(info.segmentUnits.reduce((a, b) => a + b, 0)).toBe(info.units);
    }
  });
});

describe('measureSegments: national language shift tables (3GPP TS 23.038 Annex A)', () => {
  it('keeps the default alphabet (no UDH cost) when it suffices', () => {
    const info = measureSegments('a'.repeat(160), { nationalLanguage: 'tr' });
    expect(info).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(info.shiftTables).toBeUndefined();
  });

  it('encodes Turkish with the locking shift table: 155 septets fit one segment, 149 per part', () => {
    expect(measureSegments('ş'.repeat(155)).encoding).toBe('UCS-2');
    const one = measureSegments('ş'.repeat(155), { nationalLanguage: 'tr' });
    expect(one).toMatchObject({ encoding: 'GSM-7', units: 155, segments: 1, shiftTables: { locking: 'tr' } });
    const two = measureSegments('ş'.repeat(156), { nationalLanguage: 'tr' });
    expect(two).toMatchObject({ units: 156, segmentUnits: [149, 7] });
  });

  it('uses both Portuguese tables at 152/146 septets when a single-shift-only character appears', () => {
    // 'ã' is in the Portuguese locking table (1 septet), 'Φ' in its single shift table but not its
    // locking one: locking + single costs 1 per ã, where default + single would cost 2.
    const info = measureSegments('ã'.repeat(150) + 'Φ', { nationalLanguage: 'pt' });
    expect(info).toMatchObject({ encoding: 'GSM-7', units: 152, segments: 1, shiftTables: { locking: 'pt', single: 'pt' } });
    expect(measureSegments('ã'.repeat(151) + 'Φ', { nationalLanguage: 'pt' }).segmentUnits).toEqual([146, 7]);
  });

  it('encodes Spanish accents with the single shift table (Spanish has no locking table)', () => {
    const info = measureSegments('Canción para ti', { nationalLanguage: 'es' });
    expect(info).toMatchObject({ encoding: 'GSM-7', units: 16, segments: 1, shiftTables: { single: 'es' } });
    expect(measureSegments('Canción para ti').encoding).toBe('UCS-2');
  });

  it('prefers the table pair with fewer segments; on a tie, the single shift table', () => {
    const short = measureSegments('Promoção de verão: não perca!', { nationalLanguage: 'pt' });
    expect(short).toMatchObject({ encoding: 'GSM-7', units: 33, segments: 1, shiftTables: { single: 'pt' } });
    const long = measureSegments('Promoção de verão: não perca! '.repeat(5), { nationalLanguage: 'pt' });
    expect(long).toMatchObject({ encoding: 'GSM-7', units: 150, segments: 1, shiftTables: { locking: 'pt' } });
  });

  it('has 127 characters in every locking shift table (128 codes less ESC)', () => {
    for (const locking of [undefined, 'tr', 'pt'] as const) {
      expect(new Set(lockingCharacters(locking ? { locking } : {})).size).toBe(127);
    }
  });

  it('falls back to UCS-2 and lists the culprits when no table has a character', () => {
    const info = measureSegments('şeker 😘', { nationalLanguage: 'tr' });
    expect(info.encoding).toBe('UCS-2');
    expect(info.nonGsmCharacters.map((c) => c.char)).toEqual(['ş', '😘']);
  });

  it('returns each segment text, never cutting an escape pair', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const info = measureSegments(text);
    expect(segmentTexts(text, info)).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)]);
  });
});

describe('measureSegments with national tables: property test against a straightforward reference', () => {
  /**
   * Reference: for each admissible table pair, encode to a septet list (ESC + code for the single shift
   * table), compute capacity from the UDH in bits, cut parts stepping back over a split ESC pair; keep
   * the fewest segments.
   */
  function reference(text: string, lang: 'tr' | 'es' | 'pt'): { encoding: string; segments: number } {
    const pairs: { locking?: 'tr' | 'es' | 'pt'; single?: 'tr' | 'es' | 'pt' }[] = [{}, { single: lang }];
    if (lang !== 'es') pairs.push({ locking: lang }, { locking: lang, single: lang });
    let best: number | undefined;
    for (const pair of pairs) {
      const locking = lockingCharacters(pair);
      const single = singleShiftCharacters(pair);
      const septets: number[] = [];
      let ok = true;
      for (const ch of text) {
        if (locking.includes(ch)) septets.push(1);
        else if (single.includes(ch)) septets.push(0x1b, 2);
        else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const ies = (pair.locking ? 3 : 0) + (pair.single ? 3 : 0);
      const singleCap = ies === 0 ? 160 : Math.floor(((140 - 1 - ies) * 8) / 7);
      const partCap = Math.floor(((140 - 6 - ies) * 8) / 7);
      let segments = 1;
      if (septets.length > singleCap) {
        segments = 0;
        for (let start = 0; start < septets.length; segments += 1) {
          let end = Math.min(start + partCap, septets.length);
          if (end < septets.length && septets[end - 1] === 0x1b) end -= 1;
          start = end;
        }
      }
      if (best === undefined || segments < best) best = segments;
    }
    if (best !== undefined) return { encoding: 'GSM-7', segments: best };
    return { encoding: 'UCS-2', segments: referenceUcs2(text).segments };
  }

  it('agrees on encoding and segment count for 3,000 random Turkish/Spanish/Portuguese texts', () => {
    let a = 777;
    const random = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const langs = ['tr', 'es', 'pt'] as const;
    const pools = {
      tr: [...'abc XYZ019.,!?@£$èìØøÆæ¡¿ÇçĞğİıŞş€^{}\\[~]|'],
      es: [...'abc XYZ019.,!?@£$ÇçÁÍÓÚáíóúñÑ€^{}\\[~]|'],
      pt: [...'abc XYZ019.,!?@£$ÇçêÊÔôÁáÃÕãõÂâÀÍÓÚíóúª∞º`€^{}\\[~]|ΦΓ'],
    };
    const outsiders = ['😘', 'ж', '’'];
    for (let n = 0; n < 3000; n += 1) {
      const lang = langs[n % 3]!;
      const pool = pools[lang];
      const length = Math.floor(random() * 400);
      const outsiderRate = n % 2 === 0 ? 0 : random() * 0.02;
      let text = '';
      for (let i = 0; i < length; i += 1) {
        text += random() < outsiderRate ? outsiders[Math.floor(random() * outsiders.length)]! : pool[Math.floor(random() * pool.length)]!;
      }
      const info = measureSegments(text, { nationalLanguage: lang });
      expect({ encoding: info.encoding, segments: info.segments }, `${lang} ${JSON.stringify(text)}`).toEqual(reference(text, lang));
      expect(info.segmentUnits.reduce((x, y) => x + y, 0)).toBe(info.units);
    }
  });
});
