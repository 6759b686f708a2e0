import { sql } from 'kysely';
import type { Db } from '../src/db/connection.js';

/**
 * Inserts `count` contacts of `accountId` with a current marketing opt-in, in two set-based
 * statements (contacts, then the consent ledger whose trigger fills `consent_current`), far faster
 * than the CSV import this benchmark does not measure. Numbers are unique loopback-only test
 * numbers `+1 202 1xx xxxx` from `firstIndex` on (like `test/helpers/test-stack.ts`); each contact
 * gets `first_name = Name<i>`.
 * @param firstIndex offset of the first number, so several audiences in one database do not collide.
 * @returns the number of contacts inserted.
 */
export async function seedAudience(db: Db, accountId: string, count: number, firstIndex = 0): Promise<number> {
  if (firstIndex + count > 8_999_999) throw new RangeError('seedAudience: at most 8,999,999 numbers in +1 202 1xx xxxx');
  const contacts = await sql`
    INSERT INTO contacts (id, account_id, phone_e164, country, time_zone, attributes)
    SELECT gen_random_uuid(), ${accountId}::uuid, '+1202' || lpad((1000000 + i)::text, 7, '0'), 'US',
           'America/New_York', jsonb_build_object('first_name', 'Name' || i)
    FROM generate_series(${firstIndex}::int, ${firstIndex + count - 1}::int) AS i`.execute(db);
  await sql`
    INSERT INTO consent_events (account_id, contact_id, phone_e164, status, source, occurred_at, proof, dedupe_key)
    SELECT account_id, id, phone_e164, 'opted_in', 'bench_seed', now() - interval '1 day', '{}'::jsonb,
           'seed:' || phone_e164
    FROM contacts WHERE account_id = ${accountId}::uuid`.execute(db);
  await sql`ANALYZE contacts`.execute(db);
  await sql`ANALYZE consent_current`.execute(db);
  return Number(contacts.numAffectedRows ?? 0n);
}
