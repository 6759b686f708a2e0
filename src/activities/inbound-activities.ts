import { randomUUID } from 'node:crypto';
import { appendConsentEvents } from '../db/consent-repository.js';
import { keywordConsentEvents } from '../db/keyword-consent.js';
import { joinConcatParts, lastCampaignMessageTo, pendingConcatParts } from '../db/inbound-message-repository.js';
import { loadKeywordSettings } from '../db/keyword-settings-repository.js';
import { classifyWithSettings } from '../domain/keyword-matcher.js';
import type { KeywordClassification } from '../domain/keyword-matcher.js';
import { renderKeywordReply } from '../domain/keyword-pack.js';
import type { KeywordCategory } from '../domain/keyword-pack.js';
import type { ActivityDeps } from './activity-deps.js';
import { sendAutoReplyOnce } from './auto-reply-sender.js';


const E164 = /^\+[1-9][0-9]{6,14}$/;

/** User event type per classification (on the contact's timeline). */
const EVENT_TYPE: Record<KeywordClassification, string> = { OPT_OUT: 'sms_opt_out', OPT_IN: 'sms_opt_in', HELP: 'sms_help', NONE: 'sms_reply' };

/** The activities of the inboundMessage workflow, built from their dependencies. Each is idempotent. */
export function createInboundActivities(deps: ActivityDeps) {
  const { db } = deps;
  const now = deps.now;
  const load = (id: string) => db.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  return {
    /**
     * Joins a multi-part MO (parts grouped by sender + concat reference + part count, ordered by part
     * index, not arrival; vector V64) once every part is logged, or with `force` whatever arrived.
     * @returns `complete` false while parts are missing; else the head part's id (the message's id).
     */
    async assembleInboundMessage(input: { inboundMessageId: string; concat?: { from: string; ref: string; total: number }; force: boolean }): Promise<{ complete: boolean; forced: boolean; headId?: string; parts: number }> {
      const trigger = await load(input.inboundMessageId);
      if (!input.concat) return { complete: true, forced: false, headId: trigger.id, parts: 1 };
      if (trigger.part_of || trigger.full_body !== null) return { complete: true, forced: false, headId: trigger.part_of ?? trigger.id, parts: trigger.concat_total ?? 1 };
      const parts = await pendingConcatParts(db, trigger.connection_id, input.concat);
      const byIndex = new Map<number, (typeof parts)[number]>();
      for (const p of parts) if (!byIndex.has(p.concat_index!)) byIndex.set(p.concat_index!, p);
      if (byIndex.size < input.concat.total && !input.force) return { complete: false, forced: false, parts: byIndex.size };
      const ordered = [...byIndex.values()];
      const head = ordered[0] ?? { id: trigger.id, body: trigger.body };
      await joinConcatParts(db, head.id, parts.filter((p) => p.id !== head.id).map((p) => p.id), ordered.map((p) => p.body).join('') || trigger.body);
      return { complete: true, forced: byIndex.size < input.concat.total, headId: head.id, parts: byIndex.size };
    },

    /** Classifies the (reassembled) MO with the keyword packs of its account and receiving sender. */
    async classifyInboundMessage(input: { inboundMessageId: string }): Promise<{ classification: KeywordClassification; category?: KeywordCategory; keyword?: string; locale?: string; from: string; to: string; body: string }> {
      const mo = await load(input.inboundMessageId);
      const body = mo.full_body ?? mo.body;
      const settings = await loadKeywordSettings(db, mo.account_id, mo.to_address);
      const match = classifyWithSettings(body, settings);
      await db.updateTable('inbound_messages').set({ keyword_class: match.category ?? null, keyword: match.keyword ?? null }).where('id', '=', mo.id).execute();
      return {
        classification: match.classification,
        ...(match.category ? { category: match.category } : {}),
        ...(match.keyword ? { keyword: match.keyword } : {}),
        ...(match.locale ? { locale: match.locale } : {}),
        from: mo.from_e164,
        to: mo.to_address,
        body,
      };
    },

    /**
     * Appends the opt-out or opt-in to the consent ledger for every purpose, dated when the MO was
     * received (on the business clock), with the keyword and message ids as proof; creates the contact
     * for a number we did not know, so a later import of an older opt-in cannot override the STOP (the
     * latest event wins).
     * Effective for the very next send (consent is re-checked per send chunk).
     */
    async recordInboundConsent(input: { inboundMessageId: string; category: 'opt_out' | 'opt_in'; keyword: string }): Promise<{ contactId: string | null }> {
      const mo = await load(input.inboundMessageId);
      let contactId = mo.contact_id;
      if (!contactId) {
        const existing = await db.selectFrom('contacts').select('id').where('account_id', '=', mo.account_id).where('phone_e164', '=', mo.from_e164).executeTakeFirst();
        contactId = existing?.id ?? null;
        if (!contactId && E164.test(mo.from_e164)) {
          const created = await db
            .insertInto('contacts')
            .values({ id: randomUUID(), account_id: mo.account_id, phone_e164: mo.from_e164, attributes: '{}' })
            .onConflict((oc) => oc.columns(['account_id', 'phone_e164']).doUpdateSet({ updated_at: now() }))
            .returning('id')
            .executeTakeFirstOrThrow();
          contactId = created.id;
        }
        if (contactId) await db.updateTable('inbound_messages').set({ contact_id: contactId }).where('id', '=', mo.id).execute();
      }
      if (!contactId) return { contactId: null };
      await appendConsentEvents(db, keywordConsentEvents(mo, contactId, input.category, input.keyword, now));
      return { contactId };
    },

    /** Sends the category's auto-reply in the keyword's language, once (see sendAutoReplyOnce). */
    async sendInboundAutoReply(input: { inboundMessageId: string; category: KeywordCategory; locale: string }): Promise<{ sent: boolean; messageId: string }> {
      const mo = await load(input.inboundMessageId);
      const settings = await loadKeywordSettings(db, mo.account_id, mo.to_address);
      const pack = settings.packs.find((p) => p.locale === input.locale) ?? settings.packs[0]!;
      const body = renderKeywordReply(pack.replies[input.category], { brand: settings.brandName, helpContact: settings.helpContact });
      const result = await sendAutoReplyOnce(deps, {
        accountId: mo.account_id,
        connectionId: mo.connection_id,
        inboundMessageId: mo.id,
        contactId: mo.contact_id,
        from: mo.to_address,
        to: mo.from_e164,
        body,
      });
      await db.updateTable('inbound_messages').set({ auto_reply_message_id: result.messageId }).where('id', '=', mo.id).execute();
      return result;
    },

    /**
     * Records the reply on the contact's timeline (`sms_opt_out`, `sms_opt_in`, `sms_help` or
     * `sms_reply`), attributed to the last campaign message sent to the number within the window, and
     * marks the MO processed; once only.
     */
    async recordInboundReply(input: { inboundMessageId: string; classification: KeywordClassification; attributionWindowMs: number }): Promise<{ attributedMessageId: string | null }> {
      return db.transaction().execute(async (trx) => {
        const mo = await trx.updateTable('inbound_messages').set({ processed_at: now() }).where('id', '=', input.inboundMessageId).where('processed_at', 'is', null).returningAll().executeTakeFirst();
        if (!mo) {
          const done = await trx.selectFrom('inbound_messages').select('attributed_message_id').where('id', '=', input.inboundMessageId).executeTakeFirstOrThrow();
          return { attributedMessageId: done.attributed_message_id };
        }
        const last = await lastCampaignMessageTo(trx, mo.account_id, mo.from_e164, new Date(mo.received_at.getTime() - input.attributionWindowMs));
        const contact = mo.contact_id ?? (await trx.selectFrom('contacts').select('id').where('account_id', '=', mo.account_id).where('phone_e164', '=', mo.from_e164).executeTakeFirst())?.id ?? null;
        await trx.updateTable('inbound_messages').set({ attributed_message_id: last?.id ?? null, contact_id: contact }).where('id', '=', mo.id).execute();
        await trx
          .insertInto('user_events')
          .values({
            account_id: mo.account_id,
            contact_id: contact,
            type: EVENT_TYPE[input.classification],
            payload: JSON.stringify({ inbound_message_id: mo.id, body: mo.full_body ?? mo.body, from: mo.from_e164, to: mo.to_address, keyword: mo.keyword }),
            campaign_id: last?.campaign_id ?? null,
            message_id: last?.id ?? null,
            occurred_at: mo.received_at,
          })
          .execute();
        return { attributedMessageId: last?.id ?? null };
      });
    },
  };
}
