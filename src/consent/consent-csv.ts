/**
 * Streams a consent CSV (the file a customer exports from Excel, a CRM or a form tool) into validated
 * rows, one at a time, so a million-row import keeps a flat memory profile (benchmarks.md S6).
 *
 * What real files do, and what this does about it:
 * - Excel "CSV UTF-8" starts with a BOM (vector V29): dropped. Bytes are decoded as UTF-8.
 * - European Excel writes `;` because `,` is the decimal separator (V30): the delimiter is the one of
 *   `,` `;` tab `|` that gives the first lines a consistent field count ({@link detectDelimiter}).
 * - CRLF, LF and lone CR line breaks all count as one line; quoted fields may span lines (their line
 *   breaks come out as LF). `line` in every row is the physical line where its record starts.
 * - Headers are matched case-insensitively with aliases; spaces and dashes count as `_`.
 * - Phone numbers go through {@link normalizePhoneNumber}; spreadsheet scientific notation is refused.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { normalizePhoneNumber } from '../domain/phone-number.js';
import type { CountryCode } from '../domain/phone-number.js';

/** The field delimiters {@link detectDelimiter} chooses from. */
export type CsvDelimiter = ',' | ';' | '\t' | '|';

/** What a row says about consent: opted in, opted out, or explicitly no consent (`no`/`false`/`0`). */
export type ConsentValue = 'opted_in' | 'opted_out' | 'none';

/** Columns we understand; every other column becomes a contact attribute. */
export type ConsentCsvField = 'phone' | 'opted_in_at' | 'consent' | 'country' | 'time_zone';

/** A valid row. */
export type ConsentCsvRecord = {
  /** 1-based physical line where the record starts; the header is line 1. */
  line: number;
  ok: true;
  /** E.164, e.g. `+447400123456`. */
  phoneE164: string;
  /** The number's country, or the row's `country` column for non-geographic numbers. */
  country?: CountryCode;
  /** IANA time zone from the `time_zone` column, validated. */
  timeZone?: string;
  /** Other columns, keyed by their normalized header (`First Name` → `first_name`), values trimmed. */
  attributes: Record<string, string>;
} & (
  | { consent: 'opted_in'; optedInAt: Date }
  /** The row's timestamp when it has a parseable one; an opt-out is kept even without it. */
  | { consent: 'opted_out' | 'none'; optedInAt?: Date }
);

/** A row that cannot be imported; the rest of the file still is. */
export interface ConsentCsvRowError {
  line: number;
  ok: false;
  /** The first offending field; `columns` when the row has more non-empty fields than the header. */
  field: ConsentCsvField | 'columns';
  reason: string;
  /** The row as read, keyed by the header as written (BOM stripped, trimmed). */
  raw: Record<string, string>;
}

/** One row of {@link parseConsentCsv}. */
export type ConsentCsvRow = ConsentCsvRecord | ConsentCsvRowError;

/** Options of {@link parseConsentCsv}. */
export interface ConsentCsvOptions {
  /** Country for phone numbers written without a country code, unless the row has a `country`. */
  defaultCountry?: CountryCode;
}

/** The header has no phone column (or the file is empty): nothing in it can be imported. */
export class CsvHeaderError extends Error {
  override readonly name = 'CsvHeaderError';
  readonly code = 'csv_missing_phone_column';
  constructor(
    message: string,
    /** The header fields as read. */
    readonly headers: string[],
  ) {
    super(message);
  }
}

const ALIASES: Readonly<Record<ConsentCsvField, readonly string[]>> = {
  phone: ['phone', 'phone_number', 'msisdn', 'mobile', 'number'],
  opted_in_at: ['opted_in_at', 'optin_date', 'consent_at', 'timestamp'],
  consent: ['status', 'opted_in', 'consent'],
  country: ['country'],
  time_zone: ['time_zone', 'timezone'],
};
const CONSENT_VALUES: Readonly<Record<string, ConsentValue>> = {
  yes: 'opted_in',
  y: 'opted_in',
  true: 'opted_in',
  '1': 'opted_in',
  opted_in: 'opted_in',
  no: 'none',
  n: 'none',
  false: 'none',
  '0': 'none',
  opted_out: 'opted_out',
};
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const SAMPLE_LINES = 20;
const SAMPLE_CHARS = 64 * 1024;

/**
 * Picks the delimiter that splits the sample's records into a consistent number of fields (at least 2),
 * counting fields quote-aware (RFC 4180). Ties go to more fields, then to the order `,` `;` tab `|`.
 *
 * @param sample the file's first lines; a final record left open inside quotes is ignored.
 * @returns `,` when no candidate gives the header at least two fields.
 */
export function detectDelimiter(sample: string): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; share: number; fields: number } = {
    delimiter: ',',
    share: 0,
    fields: 0,
  };
  for (const delimiter of CANDIDATES) {
    const counts = fieldCounts(sample, delimiter);
    const fields = counts[0] ?? 0;
    if (fields < 2) continue;
    const share = counts.filter((count) => count === fields).length / counts.length;
    if (share > best.share || (share === best.share && fields > best.fields))
      best = { delimiter, share, fields };
  }
  return best.delimiter;
}

function fieldCounts(sample: string, delimiter: string): number[] {
  const counts: number[] = [];
  let fields = 1;
  let inQuotes = false;
  let atFieldStart = true;
  let blank = true;
  for (let i = 0; i < sample.length; i += 1) {
    const char = sample[i];
    if (inQuotes) {
      if (char === '"' && sample[i + 1] === '"') i += 1;
      else if (char === '"') inQuotes = false;
    } else if (char === '\n' || char === '\r') {
      if (!blank) counts.push(fields);
      fields = 1;
      atFieldStart = true;
      blank = true;
    } else {
      blank = false;
      inQuotes = char === '"' && atFieldStart;
      if (char === delimiter) fields += 1;
      atFieldStart = char === delimiter;
    }
  }
  if (!blank && !inQuotes) counts.push(fields);
  return counts;
}

/**
 * Parses a consent CSV into rows, streaming.
 *
 * Each data row becomes either a {@link ConsentCsvRecord} or a {@link ConsentCsvRowError} naming the
 * first bad field: `phone` (empty or not a valid number), `country` (not an ISO 3166 code libphonenumber
 * knows), `consent` (a value other than yes/no/true/false/1/0/opted_in/opted_out), `opted_in_at`
 * (missing or unparseable while consent is `opted_in`, which is the default without a consent column or
 * value), `time_zone` (not an IANA zone). Blank rows are skipped.
 * Timestamps: ISO 8601 date-times (zone-less means UTC), plain dates (UTC midnight), epoch seconds
 * (9–11 digits) or milliseconds (12–14 digits).
 *
 * @param input the file as a string or as chunks (Buffers are decoded as UTF-8).
 * @throws CsvHeaderError when the header has no phone column or the file is empty.
 * @throws CsvError (csv-parse, with its `code`, e.g. `CSV_QUOTE_NOT_CLOSED`) when the file is not CSV.
 */
export async function* parseConsentCsv(
  input: AsyncIterable<Buffer | string> | string,
  options: ConsentCsvOptions,
): AsyncGenerator<ConsentCsvRow> {
  const texts = decodeText(input);
  const sample: string[] = [];
  let sampleLines = 0;
  let sampleChars = 0;
  let exhausted = false;
  while (!exhausted && sampleLines < SAMPLE_LINES && sampleChars < SAMPLE_CHARS) {
    const next = await texts.next();
    if (next.done) exhausted = true;
    else {
      sample.push(next.value);
      sampleLines += countLines(next.value);
      sampleChars += next.value.length;
    }
  }
  const sampled = sample.join('');
  const delimiter = detectDelimiter(exhausted ? sampled : sampled.slice(0, sampled.lastIndexOf('\n') + 1));

  const parser = parse({
    delimiter,
    record_delimiter: '\n',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const source = Readable.from(replay(sample, texts));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let reader: RowReader | undefined;
  try {
    for await (const { record, info } of recordsThenError(parser)) {
      // `info.lines` is the line where the record ends; its quoted line breaks are the lines before.
      const line = info.lines - record.reduce((sum, field) => sum + countLines(field), 0);
      if (!reader) reader = new RowReader(record, options.defaultCountry);
      else if (record.some((field) => field.trim() !== '')) yield reader.read(record, line);
    }
  } finally {
    source.destroy();
  }
  if (!reader) throw new CsvHeaderError('the file is empty: no header row', []);
}

/** One parsed record with csv-parse's `info`. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * The parser's records in order, then its error if it fails. Async-iterating the stream directly
 * would throw at once and drop the records it had already parsed (a small file with an unclosed
 * quote on line 4 would lose lines 2 and 3); here every good row before the fault is yielded first.
 * Backpressure: the parser pauses while 2,000 records wait.
 */
async function* recordsThenError(parser: Parser): AsyncGenerator<ParsedRecord> {
  let queue: ParsedRecord[] = [];
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('data', (r: ParsedRecord) => {
    queue.push(r);
    if (queue.length >= 2_000) parser.pause();
    notify();
  });
  parser.on('error', (err: Error) => {
    failure = err;
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  for (;;) {
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (!failure && !ended) parser.resume();
      yield* batch;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** Maps one file's header to fields and reads its rows. */
class RowReader {
  private readonly headers: string[];
  private readonly columns: Partial<Record<ConsentCsvField, number>> = {};
  private readonly attributes: [name: string, index: number][] = [];
  private readonly zones = new Map<string, boolean>();

  constructor(
    header: string[],
    private readonly defaultCountry: CountryCode | undefined,
  ) {
    this.headers = header.map((name) => name.trim());
    this.headers.forEach((name, index) => {
      const key = name.toLowerCase().replace(/[\s-]+/g, '_');
      const field = (Object.keys(ALIASES) as ConsentCsvField[]).find((f) => ALIASES[f].includes(key));
      if (field && this.columns[field] === undefined) this.columns[field] = index;
      else this.attributes.push([key, index]);
    });
    if (this.columns.phone === undefined) {
      throw new CsvHeaderError(
        `no phone column (expected one of: ${ALIASES.phone.join(', ')})`,
        this.headers,
      );
    }
  }

  read(record: string[], line: number): ConsentCsvRow {
    const value = (field: ConsentCsvField) => {
      const index = this.columns[field];
      return index === undefined ? '' : (record[index] ?? '').trim();
    };
    const fail = (field: ConsentCsvRowError['field'], reason: string): ConsentCsvRowError => ({
      line,
      ok: false,
      field,
      reason,
      raw: Object.fromEntries(this.headers.map((name, i) => [name, record[i] ?? ''])),
    });

    if (record.slice(this.headers.length).some((extra) => extra.trim() !== '')) {
      return fail('columns', `row has ${record.length} fields, the header has ${this.headers.length}`);
    }
    const countryValue = value('country').toUpperCase();
    if (countryValue && !isSupportedCountry(countryValue))
      return fail('country', `unknown country code "${countryValue}"`);
    const rowCountry = countryValue ? (countryValue as CountryCode) : undefined;

    const phoneValue = value('phone');
    if (!phoneValue) return fail('phone', 'phone is empty');
    const phone = normalizePhoneNumber(phoneValue, rowCountry ?? this.defaultCountry);
    if (!phone.ok) return fail('phone', phone.reason);

    const timeZone = value('time_zone');
    if (timeZone && !this.isTimeZone(timeZone)) return fail('time_zone', `unknown time zone "${timeZone}"`);

    const consentText = value('consent');
    const consent =
      consentText === '' ? 'opted_in' : CONSENT_VALUES[consentText.toLowerCase().replace(/[\s-]+/g, '_')];
    if (!consent) return fail('consent', `unrecognized consent value "${consentText}"`);

    const row = {
      line,
      ok: true as const,
      phoneE164: phone.e164,
      attributes: Object.fromEntries(this.attributes.map(([name, i]) => [name, (record[i] ?? '').trim()])),
      ...(phone.country || rowCountry ? { country: phone.country ?? rowCountry } : {}),
      ...(timeZone ? { timeZone } : {}),
    };
    const timestamp = value('opted_in_at');
    const optedInAt = parseTimestamp(timestamp);
    if (consent !== 'opted_in') return { ...row, consent, ...(optedInAt ? { optedInAt } : {}) };
    if (!optedInAt) {
      return fail('opted_in_at', timestamp ? `unreadable timestamp "${timestamp}"` : 'no opt-in timestamp');
    }
    return { ...row, consent, optedInAt };
  }

  private isTimeZone(zone: string): boolean {
    let known = this.zones.get(zone);
    if (known === undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        known = true;
      } catch {
        known = false;
      }
      this.zones.set(zone, known);
    }
    return known;
  }
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2})?)?)?$/i;

/** Reads a timestamp (see {@link parseConsentCsv}); `undefined` for anything else or an impossible date. */
function parseTimestamp(text: string): Date | undefined {
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000);
  if (/^\d{12,14}$/.test(text)) return new Date(Number(text));
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) =>
    Number(match[group] ?? 0),
  ) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day)
    return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const [sign, offsetHours, offsetMinutes] = [match[9], match[10], match[11]];
  if (!sign) return utc; // `Z` or no zone: UTC
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0)) * (sign === '-' ? -1 : 1);
  return new Date(utc.getTime() - offset * 60_000);
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  return lines;
}

/**
 * Decodes the input to text with only LF line breaks: CRLF and lone CR become LF (a CR at the end of a
 * chunk waits for the next one), and a leading BOM is dropped.
 */
async function* decodeText(input: AsyncIterable<Buffer | string> | string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM from bytes
  let pendingCr = false;
  let first = true;
  const chunks: AsyncIterable<Buffer | string> | Iterable<string> =
    typeof input === 'string' ? [input] : input;
  for await (const chunk of chunks) {
    let text: string =
      (pendingCr ? '\r' : '') +
      (typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true }));
    if (first && text !== '') {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    if (text !== '') yield text.replace(/\r\n?/g, '\n');
  }
  const rest = decoder.decode() + (pendingCr ? '\n' : '');
  if (rest !== '') yield rest.replace(/\r\n?/g, '\n');
}

async function* replay(head: string[], rest: AsyncGenerator<string>): AsyncGenerator<string> {
  yield* head;
  yield* rest;
}
