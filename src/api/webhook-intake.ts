/**
 * "Persist, then dispatch" for provider events, whatever carried them: an HTTP webhook (see
 * webhook-routes.ts) or an SMPP bind (`deliver_sm`). Events are appended to `webhook_events`
 * (deduplicated on the provider's ids) and, only once committed, DLRs are handed to the dispatcher;
 * the caller acknowledges the provider (HTTP 2xx, `deliver_sm_resp`) after these return, so nothing
 * acknowledged is lost: the dispatcher's sweeper re-sends anything committed but never signalled.
 *
 * @module
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import { appendConsentEvents } from '../db/consent-repository.js';
import { keywordConsentEvents } from '../db/keyword-consent.js';
import { loadKeywordSettings } from '../db/keyword-settings-repository.js';
import { classifyWithSettings } from '../domain/keyword-matcher.js';
import { insertInboundMessage } from '../db/inbound-message-repository.js';
import type { LoggedInbound } from '../db/inbound-message-repository.js';
import { findMessagesForDlr } from '../db/message-repository.js';
import { insertWebhookEvents } from '../db/webhook-event-repository.js';
import type { PendingDlr } from '../db/webhook-event-repository.js';
import { dlrCouldChange } from '../domain/dlr-event.js';
import type { NormalizedDlr, NormalizedMo } from '../providers/provider-adapter.js';

/** The connection an event arrived on. */
export interface IntakeConnection {
  id: string;
  accountId: string;
}

/** The raw form of what arrived, kept in the log for audit. */
export interface IntakeRaw {
  rawBody: string;
  contentType: string | null;
}

/** Where committed DLRs go next (the {@link DlrDispatcher}). */
export interface DlrSink {
  enqueue(events: PendingDlr[]): void;
}

/** Counts answered to the provider. */
export interface IntakeResult {
  received: number;
  duplicates: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Logs DLRs and queues those that can change their message for a signal to its batch workflow. A
 * receipt that cannot change its message (a repeat, an intermediate after a final) is logged as
 * handled; one whose message is not known yet is logged unmatched and matched later (parked, §9.5).
 */
export async function persistDlrs(db: Db, sink: DlrSink, connection: IntakeConnection, dlrs: NormalizedDlr[], raw: IntakeRaw): Promise<IntakeResult> {
  const messages = await findMessagesForDlr(
    db,
    connection.id,
    dlrs.map((d) => d.ourMessageId).filter((id): id is string => !!id && UUID.test(id)),
    dlrs.map((d) => d.providerMessageId),
  );
  const byOurId = new Map(messages.map((m) => [m.id, m]));
  const byProviderId = new Map(messages.filter((m) => m.provider_message_id).map((m) => [m.provider_message_id!, m]));
  const rows = dlrs.map((d) => {
    const m = (d.ourMessageId ? byOurId.get(d.ourMessageId) : undefined) ?? byProviderId.get(d.providerMessageId);
    return { dlr: d, message: m, handled: m !== undefined && !dlrCouldChange(m.status, d) };
  });
  const inserted = await insertWebhookEvents(
    db,
    rows.map(({ dlr, message, handled }) => ({
      connectionId: connection.id,
      accountId: connection.accountId,
      kind: 'dlr' as const,
      dedupeKey: dlr.dedupeKey,
      providerMessageId: dlr.providerMessageId,
      messageId: message?.id ?? null,
      workflowId: message?.batch_workflow_id ?? null,
      normalized: { ...dlr },
      rawBody: raw.rawBody,
      contentType: raw.contentType,
      handled,
    })),
  );
  const insertedKeys = new Map(inserted.map((i) => [i.dedupeKey, i.id]));
  const pending: PendingDlr[] = [];
  for (const { dlr, message, handled } of rows) {
    const id = insertedKeys.get(dlr.dedupeKey);
    if (id && message && !handled) pending.push({ id, messageId: message.id, workflowId: message.batch_workflow_id ?? '', normalized: dlr });
  }
  sink.enqueue(pending);
  return { received: dlrs.length, duplicates: dlrs.length - inserted.length };
}

/**
 * Logs inbound messages (webhook log + `inbound_messages`) in one transaction. Keyword handling,
 * consent, auto-replies and attribution belong to the `inboundMessage` workflow, which the caller
 * starts for `logged` after answering (the API's starter), or the sweeper starts later (SMPP binds).
 *
 * One exception, for the promise "never send to an opted-out number": a single-part MO from a known
 * contact that classifies as an opt-out (STOP, BAJA, …, with the account's and sender's packs) is
 * written to the consent ledger in the same transaction, before the provider gets its 2xx, so the very
 * next send chunk of any campaign sees it. The workflow later writes the identical rows (same dedupe
 * keys, {@link keywordConsentEvents}), which are then no-ops. Multi-part MOs and unknown numbers wait
 * for the workflow (reassembly; a number we never texted has nothing in flight). That STOP is dated by
 * `clock` (see keywordConsentEvents).
 */
export async function persistMos(
  db: Db,
  clock: Clock,
  connection: IntakeConnection,
  mos: NormalizedMo[],
  raw: IntakeRaw,
): Promise<IntakeResult & { logged: LoggedInbound[] }> {
  let duplicates = 0;
  const logged: LoggedInbound[] = [];
  const packs = new Map<string, Awaited<ReturnType<typeof loadKeywordSettings>>>();
  await db.transaction().execute(async (trx) => {
    for (const mo of mos) {
      const [event] = await insertWebhookEvents(trx, [
        {
          connectionId: connection.id,
          accountId: connection.accountId,
          kind: 'mo',
          dedupeKey: mo.dedupeKey,
          providerMessageId: mo.providerMessageId,
          messageId: null,
          workflowId: null,
          normalized: { ...mo },
          rawBody: raw.rawBody,
          contentType: raw.contentType,
        },
      ]);
      const inbound = event ? await insertInboundMessage(trx, connection.accountId, connection.id, mo) : undefined;
      if (!inbound) {
        duplicates += 1;
        continue;
      }
      logged.push(inbound);
      if (inbound.concat || !inbound.stored?.contactId) continue;
      const key = `${connection.accountId}\u0000${mo.to}`;
      const settings = packs.get(key) ?? (await loadKeywordSettings(trx, connection.accountId, mo.to));
      packs.set(key, settings);
      const match = classifyWithSettings(mo.body, settings);
      if (match.classification !== 'OPT_OUT') continue;
      const stored = { id: inbound.id, account_id: connection.accountId, connection_id: connection.id, provider_message_id: mo.providerMessageId, from_e164: mo.from, to_address: mo.to, received_at: inbound.stored.receivedAt };
      await appendConsentEvents(trx, keywordConsentEvents(stored, inbound.stored.contactId, 'opt_out', match.keyword ?? '', clock));
    }
  });
  return { received: mos.length, duplicates, logged };
}
