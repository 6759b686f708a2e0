import type { Db } from './connection.js';
import './consent-keyword-schema.js';

/** How many of each list a profile carries (newest first). */
export const PROFILE_LIST_LIMIT = 50;

/**
 * Everything smsflow knows about one contact, newest first: its consent ledger for every purpose and
 * the current status per purpose, the messages sent to it (campaign messages and auto-replies), its
 * replies (multi-part MOs as one text, with the keyword class and the campaign message they answered),
 * and its user events. Scoped to the account; `limit` per list.
 */
export async function loadContactProfile(db: Db, accountId: string, contactId: string, limit = PROFILE_LIST_LIMIT) {
  const [consentCurrent, consentHistory, messages, replies, events] = await Promise.all([
    db.selectFrom('consent_current').select(['purpose', 'status', 'occurred_at']).where('contact_id', '=', contactId).where('account_id', '=', accountId).orderBy('purpose').execute(),
    db
      .selectFrom('consent_events')
      .select(['id', 'purpose', 'status', 'source', 'occurred_at', 'recorded_at', 'proof'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('messages')
      .select(['id', 'campaign_id', 'reply_to_inbound_id', 'sender', 'body', 'segments', 'status', 'status_reason', 'queued_at', 'submitted_at', 'final_at'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('queued_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('inbound_messages')
      .select(['id', 'to_address', 'body', 'full_body', 'keyword_class', 'keyword', 'attributed_message_id', 'auto_reply_message_id', 'received_at', 'concat_total'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .where('part_of', 'is', null)
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('user_events')
      .select(['id', 'type', 'payload', 'campaign_id', 'message_id', 'occurred_at'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
  ]);
  return { consentCurrent, consentHistory, messages, replies, events };
}
