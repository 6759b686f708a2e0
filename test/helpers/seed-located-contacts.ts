import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/connection.js';
import type { TestStack } from './test-stack.js';

/**
 * Inserts contacts with the given numbers (country US unless given, time zone as given, none by
 * default so the area code decides), opted in a day before the stack's clock, for tests of quiet hours
 * and scheduling.
 * @returns the contact ids, in order.
 */
export async function seedLocatedContacts(
  stack: Pick<TestStack, 'db' | 'accountId' | 'clock'>,
  numbers: string[],
  options: { country?: string; timeZone?: string | null } = {},
): Promise<string[]> {
  const { db, accountId } = stack;
  const rows = numbers.map((phone) => ({ id: randomUUID(), phone }));
  await db
    .insertInto('contacts')
    .values(rows.map((r) => ({ id: r.id, account_id: accountId, phone_e164: r.phone, country: options.country ?? 'US', time_zone: options.timeZone ?? null, attributes: JSON.stringify({ first_name: 'Sam' }) })))
    .execute();
  await db
    .insertInto('consent_events')
    .values(rows.map((r) => ({ account_id: accountId, contact_id: r.id, phone_e164: r.phone, status: 'opted_in' as const, source: 'test_seed', occurred_at: new Date(stack.clock().getTime() - 86_400_000), proof: '{}', dedupe_key: `seed:${r.phone}` })))
    .execute();
  return rows.map((r) => r.id);
}

/** `n` numbers in one NANP area code: `+1<npa>555xxxx`. */
export function numbersInAreaCode(npa: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `+1${npa}555${String(1000 + from + i).padStart(4, '0')}`);
}

/**
 * Opts the stack's sandbox connection into quiet hours (`config.quiet_hours = true`): sandbox
 * connections skip them otherwise, since the loopback provider never reaches a handset.
 */
export async function enforceQuietHoursOnSandbox(db: Db, connectionId: string): Promise<void> {
  await db
    .updateTable('provider_connections')
    .set((eb) => ({ config: eb.fn<Record<string, unknown>>('jsonb_set', [eb.ref('config'), eb.val('{quiet_hours}'), eb.val('true')]) }))
    .where('id', '=', connectionId)
    .execute();
}
