import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../src/api/api-error.js';
import { importContactsCsv } from '../../src/api/contact-import.js';
import type { ContactImportSummary } from '../../src/api/contact-import.js';
import type { Problem } from '../../src/api/problem.js';
import { suiteTestInstant } from '../helpers/test-clock.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => {
  await t.close();
});

/** A week after the API's clock (the suite's instant): an opt-in from the future. */
const FUTURE = new Date(Date.parse(suiteTestInstant()) + 7 * 86_400_000).toISOString();

/** One good row, then one of each kind of refusal, plus no-consent, opt-out and an undated opt-out. */
const MIXED = [
  'phone,opted_in_at,consent,first_name,country,time_zone', //                       line 1
  '+14155550101,2024-03-01T10:00:00Z,yes,Ada,US,America/Los_Angeles', //            line 2: opted in
  '4.15555E+10,2024-03-01T10:00:00Z,yes,Sci,,', //                                  line 3: scientific notation
  '+14155550103,not a date,yes,Bad,,', //                                           line 4: bad timestamp
  '+14155550104,,no,Nobody,,', //                                                   line 5: no consent
  '+14155550105,2024-03-02T10:00:00Z,opted_out,Olga,,', //                          line 6: opted out
  '(415) 555-0106,2024-03-03,yes,National,,', //                                    line 7: national, default US
  '+14155550107,2024-03-01T10:00:00Z,yes,Zoned,,Mars/Olympus', //                   line 8: bad time zone
  `+14155550108,${FUTURE},yes,Future,,`, //                                          line 9: future opt-in
  '+14155550109,,opted_out,Undated,,', //                                           line 10: undated opt-out
  '+14155550101,2024-03-01T10:00:00Z,yes,Ada,US,America/Los_Angeles', //            line 11: same as line 2
].join('\n');

async function importCsv(csv: string, query = '?default_country=US'): Promise<Response> {
  return t.call('POST', `/v1/contacts/import${query}`, { body: csv });
}

async function ledgerCount(): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM consent_events WHERE account_id = ${t.alice.id}`.execute(t.db);
  return r.rows[0]?.n ?? 0;
}

describe('POST /v1/contacts/import', () => {
  let first: ContactImportSummary;

  it('imports the good rows and lists each bad row with its line, field and reason', async () => {
    const res = await importCsv(MIXED);
    expect(res.status).toBe(200);
    first = await json<ContactImportSummary>(res);
    expect(first).toMatchObject({
      rows: 10,
      imported: 5, // 0101, 0104, 0105, 0106, 0109; line 11 repeats line 2 in the same chunk
      opted_in: 2,
      opted_out: 2,
      duplicates: 1,
      skipped_no_consent: 1,
      error_count: 4,
    });
    expect(first.errors).toEqual([
      { line: 3, field: 'phone', reason: 'phone in scientific notation, digits lost' },
      { line: 4, field: 'opted_in_at', reason: 'unreadable timestamp "not a date"' },
      { line: 8, field: 'time_zone', reason: 'unknown time zone "Mars/Olympus"' },
      { line: 9, field: 'opted_in_at', reason: 'timestamp is in the future' },
    ]);
    expect(first.file_sha256).toBe(createHash('sha256').update(MIXED).digest('hex'));
  });

  it('never creates a contact from a refused row, and keeps attributes, country and time zone', async () => {
    const contacts = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', t.alice.id)
      .orderBy('phone_e164')
      .execute();
    expect(contacts.map((c) => c.phone_e164)).toEqual([
      '+14155550101',
      '+14155550104',
      '+14155550105',
      '+14155550106',
      '+14155550109',
    ]);
    expect(contacts[0]).toMatchObject({
      country: 'US',
      time_zone: 'America/Los_Angeles',
      attributes: { first_name: 'Ada' },
    });
    expect(contacts.some((c) => JSON.stringify(c.attributes).includes('Sci'))).toBe(false);
  });

  it('appends ledger rows with the row as proof; a no-consent row gets none', async () => {
    const events = await t.db
      .selectFrom('consent_events')
      .selectAll()
      .where('account_id', '=', t.alice.id)
      .orderBy('phone_e164')
      .execute();
    expect(events.map((e) => [e.phone_e164, e.status, e.source])).toEqual([
      ['+14155550101', 'opted_in', 'csv_import'],
      ['+14155550105', 'opted_out', 'csv_import'],
      ['+14155550106', 'opted_in', 'csv_import'],
      ['+14155550109', 'opted_out', 'csv_import'],
    ]);
    expect(events[0]?.occurred_at.toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(events[0]?.proof).toMatchObject({
      line: 2,
      import_id: first.import_id,
      api_key_prefix: t.alice.apiKey.slice(0, 12),
    });
    expect(events[3]?.proof).toMatchObject({ line: 10, occurred_at_assumed: 'import_time' });
    const current = await t.db
      .selectFrom('consent_current')
      .select(['status'])
      .where('account_id', '=', t.alice.id)
      .execute();
    expect(current).toHaveLength(4);
    const audit = await t.db
      .selectFrom('user_events')
      .selectAll()
      .where('type', '=', 'consent_import')
      .execute();
    expect(audit[0]?.payload).toMatchObject({
      import_id: first.import_id,
      file_sha256: first.file_sha256,
      opted_in: 2,
    });
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await ledgerCount();
    const contactsBefore = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', t.alice.id)
      .orderBy('id')
      .execute();
    const again = await json<ContactImportSummary>(await importCsv(MIXED));
    expect(again).toMatchObject({
      rows: 10,
      imported: 0,
      opted_in: 0,
      opted_out: 0,
      duplicates: 5,
      skipped_no_consent: 1,
      error_count: 4,
    });
    expect(await ledgerCount()).toBe(before);
    const contactsAfter = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', t.alice.id)
      .orderBy('id')
      .execute();
    expect(contactsAfter).toEqual(contactsBefore);
  });

  it('merges attributes and keeps country and time zone when a later file omits them', async () => {
    const res = await importCsv('phone,opted_in_at,plan\n+14155550101,2024-03-01T10:00:00Z,gold\n');
    expect(await json(res)).toMatchObject({ rows: 1, imported: 1, duplicates: 1 });
    const contact = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('phone_e164', '=', '+14155550101')
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({
      country: 'US',
      time_zone: 'America/Los_Angeles',
      attributes: { first_name: 'Ada', plan: 'gold' },
    });
  });

  it('refuses a file without a phone column with a 422 naming the field', async () => {
    const before = await ledgerCount();
    const res = await importCsv('mobile_no,opted_in_at\n+14155550199,2024-01-01\n');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await json<Problem>(res);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.[0]?.field).toBe('phone');
    expect(problem.errors?.[0]?.reason).toContain('no phone column');
    expect(await ledgerCount()).toBe(before);
  });

  it('refuses an empty body and a non-CSV media type', async () => {
    expect((await importCsv('')).status).toBe(422);
    const asJson = await t.call('POST', '/v1/contacts/import', { body: { phone: '+14155550101' } });
    expect(asJson.status).toBe(415);
    expect((await json<Problem>(asJson)).code).toBe('unsupported_media_type');
  });

  it('refuses an unknown default_country', async () => {
    const res = await importCsv('phone\n4155550101\n', '?default_country=XX');
    expect(res.status).toBe(422);
    expect((await json<Problem>(res)).errors?.[0]?.field).toBe('default_country');
  });

  it('answers 413 when Content-Length announces more than 50 MB', async () => {
    const res = await t.call('POST', '/v1/contacts/import', {
      body: 'phone\n',
      headers: { 'content-length': String(51 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect((await json<Problem>(res)).code).toBe('payload_too_large');
  });

  it('stops a streamed body at the byte limit', async () => {
    const body = new Blob(['phone,opted_in_at\n', '+14155550150,2024-01-01\n'.repeat(20)]).stream();
    await expect(
      importContactsCsv(t.db, body, {
        accountId: t.alice.id,
        proof: { api_key_prefix: 'test' },
        maxBytes: 100,
        now: t.clock,
      }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('imports a file larger than one chunk, semicolon-separated with CRLF and a BOM', async () => {
    const lines = ['\uFEFFphone;opted_in_at;segment'];
    for (let i = 0; i < 2500; i += 1)
      lines.push(`+44740010${String(i).padStart(4, '0')};2024-05-01T00:00:00Z;s${i % 3}`);
    lines.push('+447400100000;2024-05-01T00:00:00Z;s0'); // a repeat of the first row, in another chunk
    const summary = await json<ContactImportSummary>(await importCsv(lines.join('\r\n'), ''));
    expect(summary).toMatchObject({
      rows: 2501,
      imported: 2500,
      opted_in: 2500,
      duplicates: 1,
      error_count: 0,
    });
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM contacts WHERE phone_e164 LIKE '+4474001%'`.execute(t.db);
    expect(n.rows[0]?.n).toBe(2500);
  });
  it('keeps the good rows read before an unclosed quote and reports the fault', async () => {
    const csv = 'phone,first_name,opted_in_at\n+12015550231,Ann,2025-01-01T00:00:00Z\n+12015550232,Bob,2025-01-01T00:00:00Z\n+12015550233,"Unterm,2025-01-01T00:00:00Z\n+12015550234,Dan,2025-01-01T00:00:00Z\n';
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    const summary = await json<ContactImportSummary>(res);
    expect(summary).toMatchObject({ rows: 2, imported: 2, error_count: 1 });
    expect(summary.errors[0]).toMatchObject({ field: 'file' });
    expect(summary.errors[0]!.reason).toContain('CSV_QUOTE_NOT_CLOSED');
    const phones = await t.db.selectFrom('contacts').select('phone_e164').where('phone_e164', 'in', ['+12015550231', '+12015550232', '+12015550234']).execute();
    expect(phones.map((p) => p.phone_e164).sort()).toEqual(['+12015550231', '+12015550232']);
  });
});
