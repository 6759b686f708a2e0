import { parse } from 'csv-parse/sync';
import { describe, it, expect } from 'vitest';
import { normalizePhoneNumber } from '../../src/domain/phone-number.js';
import type { CountryCode } from '../../src/domain/phone-number.js';
import { loadVectors } from '../helpers/vectors.js';
import type { Vector } from '../helpers/vectors.js';


const vectors = loadVectors('phone-normalization');

interface RawCase {
  raw: string;
  default_region?: CountryCode;
}
const casesOf = (v: Vector): RawCase[] =>
  (v.input.cases as RawCase[] | undefined) ?? [v.input as unknown as RawCase];

/** Asserts the parts of a vector's `expected` that apply to one normalization. */
function expectNormalized(c: RawCase, expected: Record<string, unknown>): void {
  const result = normalizePhoneNumber(c.raw, c.default_region);
  expect(result, `${c.raw} (${c.default_region ?? 'no region'})`).toMatchObject({
    ok: true,
    e164: expected.e164,
  });
  if (!result.ok) return;
  if ('extension' in expected) expect(result.extension).toBe(expected.extension);
  if ('type' in expected) expect(result.type).toBe(expected.type);
  if ('not' in expected) expect(result.e164).not.toBe(expected.not);
}

const runners: Record<string, (v: Vector) => void> = {
  V17: (v) => casesOf(v).forEach((c) => expectNormalized(c, v.expected)),
  V18: (v) => {
    const region = v.input.default_region as CountryCode;
    const national = v.input.national_input as string;
    expectNormalized({ raw: national, default_region: region }, v.expected);
    // The widget's mistake was gluing the calling code onto the national form: that must work too.
    expectNormalized({ raw: `${String(v.input.country_calling_code)} ${national}` }, v.expected);
  },
  V20: (v) => casesOf(v).forEach((c) => expectNormalized(c, v.expected)),
  V21: (v) => casesOf(v).forEach((c) => expectNormalized(c, v.expected)),
  V23: (v) => casesOf(v).forEach((c) => expectNormalized(c, v.expected)),
  V24: (v) => casesOf(v).forEach((c) => expectNormalized(c, v.expected)),
  V27: (v) => {
    const rows = parse<{ name: string; phone: string }>(v.input.csv as string, { columns: true });
    const region = v.input.default_region as CountryCode;
    const expected = v.expected.rows as { name: string; status?: string; reason?: string; e164?: string }[];
    const results = rows.map((row) => ({ name: row.name, result: normalizePhoneNumber(row.phone, region) }));
    expect(results.map((r) => r.name)).toEqual(expected.map((e) => e.name));
    results.forEach(({ result }, i) => {
      const want = expected[i]!;
      if (want.status === 'rejected') {
        expect(result).toEqual({ ok: false, code: 'scientific_notation', reason: want.reason });
      } else {
        expect(result).toMatchObject({ ok: true, e164: want.e164 });
      }
    });
    const emitted = JSON.stringify(results.map((r) => (r.result.ok ? r.result.e164 : null)));
    for (const never of v.expected.never_emit as string[]) expect(emitted).not.toContain(never);
  },
};

describe('normalizePhoneNumber: phone-normalization vectors', () => {
  it('has the vectors to run', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });
  it.each(vectors.map((v) => [v.id, v] as const))('holds for %s', (id, vector) => {
    const runner = runners[id];
    if (!runner) throw new Error(`no runner for vector ${id}: add one`);
    runner(vector);
  });
});

describe('normalizePhoneNumber: rules', () => {
  it('refuses every spelling of scientific notation and never expands it', () => {
    for (const raw of ['4.47401E+11', '4,47401E+11', '1.20156e10', ' 4E+11 ', '4.47401E11']) {
      expect(normalizePhoneNumber(raw, 'GB')).toEqual({
        ok: false,
        code: 'scientific_notation',
        reason: 'phone in scientific notation, digits lost',
      });
    }
  });

  it('accepts formatting characters and the 00 international prefix', () => {
    for (const [raw, region] of [
      ['+1 (201) 555.0123', undefined],
      ['201-555-0123', 'US'],
      ['0044 7400 123456', undefined],
      ['00447400123456', 'US'],
    ] as const) {
      expect(normalizePhoneNumber(raw, region)).toMatchObject({ ok: true });
    }
    expect(normalizePhoneNumber('0044 7400 123456')).toMatchObject({ e164: '+447400123456', country: 'GB' });
  });

  it('reads digits as international when only the default calling code makes them valid (Google rule)', () => {
    // libphonenumber-js keeps these national (and invalid); Google libphonenumber strips the code.
    expect(normalizePhoneNumber('4305351828886', 'AT')).toMatchObject({ ok: true, e164: '+435351828886' });
    expect(normalizePhoneNumber('61246892821', 'CX')).toMatchObject({ ok: true, e164: '+61246892821' });
  });

  it('reads digits carrying another country code as national, not as that country', () => {
    // 1 is not GB's calling code: a US number written without + is not valid in GB.
    expect(normalizePhoneNumber('12015550123', 'GB')).toMatchObject({ ok: false, code: 'too_long' });
  });

  it('names why a number is refused', () => {
    expect(normalizePhoneNumber('07400 123456')).toMatchObject({ ok: false, code: 'missing_country' });
    expect(normalizePhoneNumber('+999 123456')).toMatchObject({ ok: false, code: 'invalid_for_country' });
    expect(normalizePhoneNumber('+1 201 155 0123')).toMatchObject({ ok: false, code: 'invalid_for_country' });
    expect(normalizePhoneNumber('12', 'GB')).toMatchObject({ ok: false, code: 'too_short' });
    expect(normalizePhoneNumber('+44 7400 1234 5678 9012')).toMatchObject({ ok: false, code: 'too_long' });
    expect(normalizePhoneNumber('call me', 'GB')).toMatchObject({ ok: false, code: 'not_a_number' });
    expect(normalizePhoneNumber('', 'GB')).toMatchObject({ ok: false, code: 'not_a_number' });
  });

  it('reports the number type from the full metadata', () => {
    expect(normalizePhoneNumber('+44 20 7946 0018')).toMatchObject({
      ok: true,
      type: 'fixed_line',
      country: 'GB',
    });
    expect(normalizePhoneNumber('+447400123456')).toMatchObject({ ok: true, type: 'mobile' });
  });
});
