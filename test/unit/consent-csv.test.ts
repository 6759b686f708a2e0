import { describe, it, expect } from 'vitest';
import { CsvHeaderError, detectDelimiter, parseConsentCsv } from '../../src/consent/consent-csv.js';
import type { ConsentCsvOptions, ConsentCsvRow } from '../../src/consent/consent-csv.js';
import { loadVectors } from '../helpers/vectors.js';
import type { Vector } from '../helpers/vectors.js';


const allVectors = loadVectors();
const vector = (id: string): Vector => {
  const found = allVectors.find((v) => v.id === id);
  if (!found) throw new Error(`vector ${id} not found`);
  return found;
};

async function collect(
  input: AsyncIterable<Buffer | string> | string,
  options: ConsentCsvOptions = {},
): Promise<ConsentCsvRow[]> {
  const rows: ConsentCsvRow[] = [];
  for await (const row of parseConsentCsv(input, options)) rows.push(row);
  return rows;
}

async function* chunked<T>(parts: T[]): AsyncGenerator<T> {
  for (const part of parts) yield await Promise.resolve(part);
}

describe('parseConsentCsv: csv-import vectors', () => {
  it('runs every csv-import vector', () => {
    expect(allVectors.filter((v) => v.kind === 'csv-import').map((v) => v.id)).toEqual(['V29', 'V30']);
  });

  it('V29: strips the UTF-8 BOM so the first header is found, from bytes split inside the BOM', async () => {
    const v = vector('V29');
    const bytes = Buffer.from(v.input.csv as string, 'utf8');
    expect(bytes.subarray(0, 3).toString('hex').toUpperCase()).toBe(v.input.bytes_hex_prefix);
    for (const input of [
      v.input.csv as string,
      chunked([bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)]),
    ]) {
      const rows = await collect(input);
      // The vector's file has no timestamp column, so its row is refused on that, not on the phone.
      expect(rows).toMatchObject([
        { line: 2, ok: false, field: 'opted_in_at', reason: 'no opt-in timestamp' },
      ]);
      const raw = (rows[0] as Extract<ConsentCsvRow, { ok: false }>).raw;
      expect(Object.keys(raw)).toEqual(v.expected.headers);
      expect([raw]).toEqual(v.expected.records);
    }
  });

  it('V30: detects ";" from a consistent field count and keeps "1.234,50" and "April 15, 2023" whole', async () => {
    const v = vector('V30');
    const csv = v.input.csv as string;
    expect(detectDelimiter(csv)).toBe(v.expected.delimiter);
    const rows = await collect(csv, { defaultCountry: 'US' });
    const raws = rows.map((row) => (row.ok ? undefined : row.raw));
    expect(raws).toEqual(v.expected.records);
    for (const raw of raws) expect(Object.keys(raw ?? {})).toHaveLength(v.expected.columns as number);
    // Its `status` column holds "pending", which says nothing about consent: refused on that field.
    expect(rows.map((row) => (row.ok ? 'ok' : row.field))).toEqual(['consent', 'consent']);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['phone,name\n+1,Ana\n', ','],
    ['phone\tname\n+1\tAna\n', '\t'],
    ['phone|name|note\n+1|Ana|a, b; c\n', '|'],
    ['phone;note\n+1;"a, b, c"\n+2;"x,\ny"\n', ';'],
    ['phone\n+1\n', ','],
  ])('picks the delimiter of %j', (sample, expected) => {
    expect(detectDelimiter(sample)).toBe(expected);
  });

  it('ignores a last record cut inside quotes', () => {
    expect(detectDelimiter('phone;note\n+1;x\n+2;"open, quoted, and cut')).toBe(';');
  });
});

const HEADER = 'phone,opted_in_at,first_name\n';

describe('parseConsentCsv: rows', () => {
  it('reads a good row with its attributes', async () => {
    expect(await collect(HEADER + '+44 7400 123456,2024-03-01T10:00:00Z,Ana\n')).toEqual([
      {
        line: 2,
        ok: true,
        phoneE164: '+447400123456',
        country: 'GB',
        consent: 'opted_in',
        optedInAt: new Date('2024-03-01T10:00:00Z'),
        attributes: { first_name: 'Ana' },
      },
    ]);
  });

  it('refuses scientific-notation phones and never emits an expanded number', async () => {
    const v = vector('V27');
    // The vector's CSV plus a timestamp column, so that only the phone decides each row.
    const csv = (v.input.csv as string)
      .split('\r\n')
      .map((line, i) => (line === '' ? line : i === 0 ? `${line},opted_in_at` : `${line},2024-01-01`))
      .join('\r\n');
    const rows = await collect(csv, { defaultCountry: v.input.default_region as 'GB' });
    expect(rows.map((r) => (r.ok ? r.phoneE164 : `${r.field}: ${r.reason}`))).toEqual([
      'phone: phone in scientific notation, digits lost',
      'phone: phone in scientific notation, digits lost',
      '+447400123456',
    ]);
    const emitted = JSON.stringify(rows.filter((r) => r.ok));
    for (const never of v.expected.never_emit as string[]) expect(emitted).not.toContain(never);
  });

  it('yields every good row before an unclosed quote, then throws the parse error', async () => {
    const csv = 'phone,first_name,opted_in_at\n+12015550131,Ann,2025-01-01T00:00:00Z\n+12015550132,Bob,2025-01-01T00:00:00Z\n+12015550133,"Unterm,2025-01-01T00:00:00Z\n+12015550134,Dan,2025-01-01T00:00:00Z\n';
    const rows: ConsentCsvRow[] = [];
    await expect(
      (async () => {
        for await (const row of parseConsentCsv(csv, {})) rows.push(row);
      })(),
    ).rejects.toMatchObject({ code: 'CSV_QUOTE_NOT_CLOSED' });
    expect(rows.map((r) => (r.ok ? [r.line, r.phoneE164] : [r.line, r.reason]))).toEqual([
      [2, '+12015550131'],
      [3, '+12015550132'],
    ]);
  });

  it('keeps line numbers right across quoted line breaks, blank lines, CRLF and lone CR', async () => {
    const lines = [
      'phone,opted_in_at,note',
      '+12015550123,2024-01-01,"first line',
      'second line"',
      '',
      '+12015550124,2024-01-01,plain',
      '+12015550125,2024-01-01,"a',
      '',
      'b"',
      '+12015550126,2024-01-01,last',
    ];
    for (const eol of ['\n', '\r\n', '\r']) {
      const rows = await collect(lines.join(eol) + eol);
      expect(rows.map((r) => [r.line, r.ok && r.attributes.note])).toEqual([
        [2, 'first line\nsecond line'],
        [5, 'plain'],
        [6, 'a\n\nb'],
        [9, 'last'],
      ]);
    }
  });

  it('gives the same rows whatever the chunking, including multi-byte characters split across Buffers', async () => {
    const csv =
      'Phone;Consent_At;Name\r\n+33 6 12 34 56 78;2024-05-01;"Zoë\r\nÉlise"\r\n+33612345679;2024-05-02;Ana 😘\r\n';
    const expected = await collect(csv);
    expect(expected).toHaveLength(2);
    const bytes = Buffer.from(csv, 'utf8');
    for (let size = 1; size <= 7; size += 1) {
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
      expect(await collect(chunked(parts))).toEqual(expected);
    }
    expect(await collect(chunked([...csv]))).toEqual(expected);
  });

  it('reports bad rows next to good ones, each with its line and first bad field', async () => {
    const csv = [
      'MSISDN,Consent_At,Status,Country,Time Zone,Plan',
      '07400 123456,2024-01-01T09:00:00,yes,GB,Europe/London,gold',
      'not a phone,2024-01-01,yes,GB,,',
      '+447400123457,,yes,,,',
      '+447400123458,yesterday,,,,',
      '+447400123459,2024-01-01,maybe,,,',
      '+447400123460,2024-01-01,yes,,Mars/Base,',
      '+447400123461,2024-01-01,yes,XX,,',
      '+447400123462,2024-01-01,yes,,,,extra',
      '+447400123463,1700000000,1,,,silver',
    ].join('\n');
    const rows = await collect(csv, { defaultCountry: 'US' });
    expect(rows.map((r) => [r.line, r.ok ? r.phoneE164 : r.field])).toEqual([
      [2, '+447400123456'],
      [3, 'phone'],
      [4, 'opted_in_at'],
      [5, 'opted_in_at'],
      [6, 'consent'],
      [7, 'time_zone'],
      [8, 'country'],
      [9, 'columns'],
      [10, '+447400123463'],
    ]);
    expect(rows[0]).toMatchObject({ timeZone: 'Europe/London', attributes: { plan: 'gold' } });
    expect(rows[2]).toMatchObject({ raw: { MSISDN: '+447400123457', Consent_At: '', 'Time Zone': '' } });
  });

  it('needs no timestamp when consent is no, and keeps an opt-out even without one', async () => {
    const csv =
      'phone,opted_in,timestamp\n+12015550123,no,\n+12015550124,false,garbage\n+12015550125,opted_out,\n+12015550126,Opted-Out,2024-02-02\n';
    const rows = await collect(csv);
    expect(rows.map((r) => r.ok && [r.consent, r.optedInAt?.toISOString()])).toEqual([
      ['none', undefined],
      ['none', undefined],
      ['opted_out', undefined],
      ['opted_out', '2024-02-02T00:00:00.000Z'],
    ]);
  });

  it.each([
    ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01 10:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00.25+02:00', '2024-03-01T08:00:00.250Z'],
    ['2024-03-01T10:00:00-0530', '2024-03-01T15:30:00.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['1709287200', '2024-03-01T10:00:00.000Z'],
    ['1709287200000', '2024-03-01T10:00:00.000Z'],
  ])('reads the timestamp %s as %s', async (text, iso) => {
    const [row] = await collect(`phone,opted_in_at\n+12015550123,${text}\n`);
    expect(row?.ok && row.optedInAt?.toISOString()).toBe(iso);
  });

  it.each(['2024-02-30', '2024-13-01', '2024-03-01T24:00:00', '03/01/2024', 'April 15, 2023', '4.47E+11'])(
    'refuses the timestamp %s',
    async (text) => {
      const [row] = await collect(`phone,opted_in_at\n+12015550123,"${text}"\n`);
      expect(row).toMatchObject({ ok: false, field: 'opted_in_at' });
    },
  );

  it('uses the row country for numbers written without a country code', async () => {
    const rows = await collect('phone,opted_in_at,country\n06 12 34 56 78,2024-01-01,fr\n', {
      defaultCountry: 'US',
    });
    expect(rows[0]).toMatchObject({ ok: true, phoneE164: '+33612345678', country: 'FR' });
  });

  it('throws CsvHeaderError when there is no phone column, and for an empty file', async () => {
    await expect(collect('name,opted_in_at\nAna,2024-01-01\n')).rejects.toMatchObject({
      name: 'CsvHeaderError',
      code: 'csv_missing_phone_column',
      headers: ['name', 'opted_in_at'],
    });
    await expect(collect('')).rejects.toBeInstanceOf(CsvHeaderError);
  });

  it('passes on an error of the input stream', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield await Promise.resolve('phone,opted_in_at\n+12015550123,2024-01-01\n');
      throw new Error('connection reset');
    }
    await expect(collect(failing())).rejects.toThrow('connection reset');
  });

  it('stops reading the input when the consumer stops early', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      yield 'phone,opted_in_at\n';
      for (;;) {
        pulled += 1;
        yield await Promise.resolve('+12015550123,2024-01-01\n'.repeat(100));
      }
    }
    for await (const row of parseConsentCsv(endless(), {})) {
      expect(row.ok).toBe(true);
      break;
    }
    expect(pulled).toBeLessThan(1000);
  });
});
