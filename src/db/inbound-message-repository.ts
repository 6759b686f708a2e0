import { randomUUID } from 'node:crypto';
import type { Db } from './connection.js';
import { appendConsentEvents } from './consent-repository.js';
import { classifyReply } from '../domain/reply-keyword.js';
import type { NormalizedMo } from '../providers/provider-adapter.js';

/** Replies are attributed to the last campaign message sent to the number within this window, ms. */
export const REPLY_ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * Records one inbound message (call inside the transaction that logged its webhook):
 * - an opt-out keyword (STOP, BAJA, ARRET… see classifyReply) appends `opted_out` to the consent
 *   ledger, effective for the very next send (consent is re-checked per send chunk); an opt-in
 *   keyword (START, UNSTOP…) appends `opted_in`. A STOP from a number we have no contact for creates
 *   the contact, so a later import of an older opt-in cannot override it (the latest event wins);
 * - the reply is attributed to the last campaign message sent to that number within
 *   {@link REPLY_ATTRIBUTION_WINDOW_MS};
 * - a user event (`sms_opt_out`, `sms_opt_in`, `sms_help` or `sms_reply`) is added to the contact.
 * Auto-replies (STOP confirmation, HELP text) are the inbound-message workflow's job, not this one's.
 * @returns the inbound message id and its keyword class.
 */
export async function recordInboundMessage(
  trx: Db,
  accountId: string,
  connectionId: string,
  mo: NormalizedMo,
  now: Date = new Date(),
): Promise<{ id: string; keywordClass: string | null }> {
  const keyword = classifyReply(mo.body);
  let contact = await trx.selectFrom('contacts').select('id').where('account_id', '=', accountId).where('phone_e164', '=', mo.from).executeTakeFirst();
  if (!contact && keyword?.class === 'opt_out' && E164.test(mo.from)) {
    contact = await trx
      .insertInto('contacts')
      .values({ id: randomUUID(), account_id: accountId, phone_e164: mo.from, attributes: '{}' })
      .onConflict((oc) => oc.columns(['account_id', 'phone_e164']).doUpdateSet({ updated_at: now }))
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  const last = await trx
    .selectFrom('messages')
    .select(['id', 'campaign_id'])
    .where('account_id', '=', accountId)
    .where('to_e164', '=', mo.from)
    .where('submitted_at', '>', new Date(now.getTime() - REPLY_ATTRIBUTION_WINDOW_MS))
    .orderBy('submitted_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const id = randomUUID();
  await trx
    .insertInto('inbound_messages')
    .values({
      id,
      account_id: accountId,
      connection_id: connectionId,
      provider_message_id: mo.providerMessageId,
      from_e164: mo.from,
      to_address: mo.to,
      body: mo.body,
      contact_id: contact?.id ?? null,
      keyword_class: keyword?.class ?? null,
      attributed_message_id: last?.id ?? null,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'provider_message_id']).doNothing())
    .execute();
  if (contact && (keyword?.class === 'opt_out' || keyword?.class === 'opt_in')) {
    await appendConsentEvents(trx, [
      {
        accountId,
        contactId: contact.id,
        phoneE164: mo.from,
        status: keyword.class === 'opt_out' ? 'opted_out' : 'opted_in',
        source: 'keyword',
        occurredAt: now,
        proof: { keyword: keyword.keyword, inbound_message_id: id, provider_message_id: mo.providerMessageId, connection_id: connectionId, to: mo.to },
        dedupeKey: `keyword:${connectionId}:${mo.providerMessageId}`,
      },
    ]);
  }
  await trx
    .insertInto('user_events')
    .values({
      account_id: accountId,
      contact_id: contact?.id ?? null,
      type: keyword ? `sms_${keyword.class}` : 'sms_reply',
      payload: JSON.stringify({ inbound_message_id: id, body: mo.body, from: mo.from, to: mo.to }),
      campaign_id: last?.campaign_id ?? null,
      message_id: last?.id ?? null,
    })
    .execute();
  return { id, keywordClass: keyword?.class ?? null };
}
