import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { NormalizedDlr } from '../providers/provider-adapter.js';
import type { DlrSignalEvent } from '../workflows/send-batch-workflow.js';

/** A parsed callback ready to be logged. */
export interface NewWebhookEvent {
  connectionId: string;
  accountId: string;
  kind: 'dlr' | 'mo';
  dedupeKey: string;
  providerMessageId: string | null;
  messageId: string | null;
  workflowId: string | null;
  normalized: Record<string, unknown>;
  rawBody: string;
  contentType: string | null;
  /** Logged as already handled: the receipt changes nothing for its message (see dlrCouldChange). */
  handled?: boolean;
}

/** A logged DLR event that still has to reach its workflow. */
export interface PendingDlr {
  id: string;
  messageId: string;
  workflowId: string;
  normalized: NormalizedDlr;
}

/**
 * Appends callbacks to the webhook log, skipping duplicates (same connection, kind and provider
 * dedupe key). Only after this has committed may the webhook answer 2xx.
 * @returns the rows inserted now (duplicates are absent), with their ids.
 */
export async function insertWebhookEvents(db: Db, events: NewWebhookEvent[]): Promise<{ id: string; dedupeKey: string }[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto('webhook_events')
    .values(
      events.map((e) => ({
        connection_id: e.connectionId,
        account_id: e.accountId,
        kind: e.kind,
        dedupe_key: e.dedupeKey,
        provider_message_id: e.providerMessageId,
        message_id: e.messageId,
        workflow_id: e.workflowId,
        normalized: JSON.stringify(e.normalized),
        raw_body: e.rawBody,
        content_type: e.contentType,
        signalled_at: e.handled ? sql<Date>`now()` : null,
        applied_at: e.handled ? sql<Date>`now()` : null,
      })),
    )
    .onConflict((oc) => oc.columns(['connection_id', 'kind', 'dedupe_key']).doNothing())
    .returning(['id', 'dedupe_key'])
    .execute();
  return rows.map((r) => ({ id: r.id, dedupeKey: r.dedupe_key }));
}

/** Converts a logged DLR into the signal payload of its batch workflow. */
export function toDlrSignalEvent(id: string, messageId: string, n: NormalizedDlr): DlrSignalEvent {
  return {
    eventId: id,
    messageId,
    status: n.status,
    ...(n.reason ? { reason: n.reason } : {}),
    ...(n.part ? { part: n.part } : {}),
    ...(n.providerErrorCode ? { errorCode: n.providerErrorCode } : {}),
    ...(n.providerErrorText ? { errorText: n.providerErrorText } : {}),
    providerStatus: n.providerStatus,
  };
}

/**
 * Matches DLRs that arrived before their message's provider id was recorded (providers.md §9.5,
 * vector V50) to the messages now carrying those ids, marking them signalled: the caller applies them.
 */
export async function matchParkedDlrs(db: Db, connectionId: string, providerIds: string[]): Promise<DlrSignalEvent[]> {
  if (providerIds.length === 0) return [];
  const rows = await sql<{ id: string; message_id: string; normalized: NormalizedDlr }>`
    UPDATE webhook_events e SET message_id = m.id, workflow_id = m.batch_workflow_id, signalled_at = now()
    FROM messages m
    WHERE e.connection_id = ${connectionId} AND e.kind = 'dlr' AND e.message_id IS NULL
      AND e.provider_message_id = ANY(${providerIds}::text[])
      AND m.connection_id = e.connection_id AND m.provider_message_id = e.provider_message_id
    RETURNING e.id, m.id AS message_id, e.normalized`.execute(db);
  return rows.rows.map((r) => toDlrSignalEvent(String(r.id), r.message_id, r.normalized));
}

/**
 * What the sweeper must (re-)deliver, oldest first, at most `limit`:
 * - DLRs never signalled, older than `minAgeMs` (after first re-attempting correlation of unmatched
 *   ones: their send was being recorded when they arrived);
 * - DLRs signalled more than `redeliverAfterMs` ago whose state never reached PostgreSQL (the batch
 *   closed right after accepting the signal). Re-delivery is safe: workflows dedupe on the event id.
 */
export async function pendingDlrs(db: Db, minAgeMs: number, limit: number, redeliverAfterMs = 60_000): Promise<PendingDlr[]> {
  await sql`
    UPDATE webhook_events e SET message_id = m.id, workflow_id = m.batch_workflow_id
    FROM messages m
    WHERE e.kind = 'dlr' AND e.message_id IS NULL AND e.signalled_at IS NULL
      AND e.received_at < now() - make_interval(secs => ${minAgeMs / 1000})
      AND m.connection_id = e.connection_id AND m.provider_message_id = e.provider_message_id`.execute(db);
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id', 'message_id', 'workflow_id', 'normalized'])
    .where('kind', '=', 'dlr')
    .where('message_id', 'is not', null)
    .where('applied_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('signalled_at', 'is', null), eb('received_at', '<', sql<Date>`now() - make_interval(secs => ${minAgeMs / 1000})`)]),
        eb('signalled_at', '<', sql<Date>`now() - make_interval(secs => ${redeliverAfterMs / 1000})`),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id!,
    workflowId: r.workflow_id ?? '',
    normalized: r.normalized as unknown as NormalizedDlr,
  }));
}

/** Marks events as accepted by their workflow; with `applied`, also as persisted in the messages table. */
export async function markSignalled(db: Db, ids: string[], applied = false): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_events')
    .set({ signalled_at: sql`now()`, ...(applied ? { applied_at: sql`now()` } : {}) })
    .where('id', 'in', ids)
    .execute();
}

/** Marks events whose resulting message state is now in PostgreSQL (or that changed nothing). */
export async function markApplied(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhook_events').set({ applied_at: sql`now()` }).where('id', 'in', ids).where('applied_at', 'is', null).execute();
}
