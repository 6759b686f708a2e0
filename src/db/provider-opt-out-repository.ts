/**
 * Opt-outs a provider reports only in a delivery receipt: Plivo `ErrorCode` 200, Twilio 21610 through a
 * Messaging Service, Vonage `err-code` 9 with Opt-Out Assist, Telnyx 40300, Infobip REJECTED_DND /
 * REJECTED_DESTINATION, MessageBird "opted out" (providers.md §9.8: authoritative evidence for our own
 * ledger). The send-time path (a synchronous refusal) records the same event with the same dedupe key
 * `provider:<message id>`, so a refusal seen both ways is one ledger entry.
 *
 * @module
 */
import type { Db } from './connection.js';
import { appendConsentEvents } from './consent-repository.js';

/**
 * Appends an `opted_out` consent event (source `provider`) for every update that moves a message to
 * `rejected` with reason `opted_out`, dated `at` (the business clock's instant the receipt is applied).
 * Run it in the transaction that writes those states.
 * @returns how many ledger entries were new.
 */
export async function recordReceiptOptOuts(db: Db, updates: ReadonlyArray<{ id: string; status: string; reason: string | null }>, at: Date): Promise<number> {
  const ids = updates.filter((u) => u.status === 'rejected' && u.reason === 'opted_out').map((u) => u.id);
  if (ids.length === 0) return 0;
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'account_id', 'contact_id', 'to_e164', 'connection_id', 'error_code'])
    .where('id', 'in', ids)
    .where('contact_id', 'is not', null)
    .execute();
  const added = await appendConsentEvents(
    db,
    rows.map((r) => ({
      accountId: r.account_id,
      contactId: r.contact_id!,
      phoneE164: r.to_e164,
      status: 'opted_out' as const,
      source: 'provider',
      occurredAt: at,
      proof: { connection_id: r.connection_id, message_id: r.id, error_code: r.error_code, via: 'dlr' },
      dedupeKey: `provider:${r.id}`,
    })),
  );
  return added.length;
}
