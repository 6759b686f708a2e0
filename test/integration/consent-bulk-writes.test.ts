import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentCsvRecord } from '../../src/consent/consent-csv.js';
import { writeConsentRecords } from '../../src/consent/consent-row-writer.js';
import type { ConsentImportContext } from '../../src/consent/consent-row-writer.js';
import { createAccount } from '../../src/db/account-repository.js';
import type { Db } from '../../src/db/connection.js';
import { appendConsentEvent, consentDedupeKey, consentHistory, currentConsent } from '../../src/db/consent-repository.js';
import { createTestDatabase } from '../helpers/test-database.js';

let db: Db;
let drop: () => Promise<void>;
let ctx: ConsentImportContext;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  const { account } = await createAccount(db, 'bulk');
  ctx = { accountId: account.id, importId: randomUUID(), importedAt: new Date('2025-06-01T00:00:00Z'), proof: { file_name: 'f.csv' } };
});
afterAll(async () => {
  await drop();
});

function row(line: number, phoneE164: string, consent: 'opted_in' | 'opted_out', at?: string): ConsentCsvRecord {
  const base = { line, ok: true as const, phoneE164, country: 'US' as const, attributes: { n: String(line) } };
  return consent === 'opted_in' ? { ...base, consent, optedInAt: new Date(at!) } : { ...base, consent, ...(at ? { optedInAt: new Date(at) } : {}) };
}

async function contactId(phone: string): Promise<string> {
  const c = await db.selectFrom('contacts').select('id').where('account_id', '=', ctx.accountId).where('phone_e164', '=', phone).executeTakeFirstOrThrow();
  return c.id;
}

describe('set-based consent writes (one statement per chunk, statement-level consent_current)', () => {
  it('applies the latest occurred_at among several events of one contact in the same statement', async () => {
    const phone = '+12025550101';
    const counts = await db.transaction().execute((trx) =>
      writeConsentRecords(trx, ctx, [
        row(2, phone, 'opted_in', '2025-01-01T00:00:00Z'),
        row(3, phone, 'opted_out', '2025-03-01T00:00:00Z'),
        row(4, phone, 'opted_in', '2025-02-01T00:00:00Z'),
      ]),
    );
    expect(counts).toEqual({ imported: 1, opted_in: 2, opted_out: 1, duplicates: 0 });
    const id = await contactId(phone);
    expect(await currentConsent(db, id)).toEqual({ status: 'opted_out', occurred_at: new Date('2025-03-01T00:00:00Z') });
    const history = await consentHistory(db, ctx.accountId, id);
    expect(history.map((h) => [h.status, h.proof['line']])).toEqual([['opted_out', 3], ['opted_in', 4], ['opted_in', 2]]);
    expect(history[0]!.proof).toEqual({ import_id: ctx.importId, line: 3, file_name: 'f.csv' });
    expect(attributesOf(await db.selectFrom('contacts').select('attributes').where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ n: '4' });
  });

  it('an older opt-in in a later chunk does not resubscribe; a newer one does', async () => {
    const phone = '+12025550101';
    const id = await contactId(phone);
    await db.transaction().execute((trx) => writeConsentRecords(trx, ctx, [row(5, phone, 'opted_in', '2024-12-01T00:00:00Z')]));
    expect((await currentConsent(db, id))?.status).toBe('opted_out');
    await db.transaction().execute((trx) => writeConsentRecords(trx, ctx, [row(6, phone, 'opted_in', '2025-04-01T00:00:00Z')]));
    expect(await currentConsent(db, id)).toEqual({ status: 'opted_in', occurred_at: new Date('2025-04-01T00:00:00Z') });
  });

  it('same occurred_at in one statement: the later ledger row wins, as with the per-row trigger', async () => {
    const phone = '+12025550102';
    await db.transaction().execute((trx) =>
      writeConsentRecords(trx, ctx, [row(7, phone, 'opted_in', '2025-05-01T00:00:00Z'), row(8, phone, 'opted_out', '2025-05-01T00:00:00Z')]),
    );
    expect((await currentConsent(db, await contactId(phone)))?.status).toBe('opted_out');
  });

  it('writing the same rows again appends nothing and rewrites no contact; an undated opt-out is recorded once', async () => {
    const rows = [row(9, '+12025550103', 'opted_in', '2025-01-05T00:00:00Z'), row(10, '+12025550104', 'opted_out'), row(11, '+12025550103', 'opted_in', '2025-01-05T00:00:00Z')];
    const first = await db.transaction().execute((trx) => writeConsentRecords(trx, ctx, rows));
    expect(first).toEqual({ imported: 2, opted_in: 1, opted_out: 1, duplicates: 1 });
    const before = await db.selectFrom('contacts').select(['id', 'updated_at']).where('account_id', '=', ctx.accountId).orderBy('id').execute();
    const ledgerBefore = await ledgerSize();
    const again = await db.transaction().execute((trx) => writeConsentRecords(trx, { ...ctx, importedAt: new Date('2025-07-01T00:00:00Z') }, rows));
    expect(again).toEqual({ imported: 0, opted_in: 0, opted_out: 0, duplicates: 3 });
    expect(await ledgerSize()).toBe(ledgerBefore);
    expect(await db.selectFrom('contacts').select(['id', 'updated_at']).where('account_id', '=', ctx.accountId).orderBy('id').execute()).toEqual(before);
    const undated = await consentHistory(db, ctx.accountId, await contactId('+12025550104'));
    expect(undated).toHaveLength(1);
    expect(undated[0]!.occurred_at).toEqual(ctx.importedAt);
    expect(undated[0]!.proof['occurred_at_assumed']).toBe('import_time');
  });

  it('single events (API, keywords) still project, and the ledger stays append-only', async () => {
    const phone = '+12025550103';
    const id = await contactId(phone);
    const at = new Date('2025-08-01T00:00:00Z');
    await appendConsentEvent(db, { accountId: ctx.accountId, contactId: id, phoneE164: phone, status: 'opted_out', source: 'keyword', occurredAt: at, proof: {}, dedupeKey: consentDedupeKey(phone, 'opted_out', at) });
    expect(await currentConsent(db, id)).toEqual({ status: 'opted_out', occurred_at: at });
    await expect(sql`UPDATE consent_events SET status = 'opted_in' WHERE contact_id = ${id}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM consent_events WHERE contact_id = ${id}`.execute(db)).rejects.toThrow(/append-only/);
  });
});

function attributesOf(row: { attributes: unknown }): unknown {
  return typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes;
}

async function ledgerSize(): Promise<number> {
  const r = await db.selectFrom('consent_events').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', ctx.accountId).executeTakeFirstOrThrow();
  return Number(r.n);
}
