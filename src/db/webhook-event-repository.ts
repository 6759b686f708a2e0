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
 * Re-attempts correlation of unmatched DLRs older than `minAgeMs` (the send was being recorded when
 * they arrived) and returns every matched-but-unsignalled DLR older than `minAgeMs`, oldest first.
 */
export async function pendingDlrs(db: Db, minAgeMs: number, limit: number): Promise<PendingDlr[]> {
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
    .where('signalled_at', 'is', null)
    .where('message_id', 'is not', null)
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${minAgeMs / 1000})`)
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

/** Marks events as delivered to their workflow (or applied directly). */
export async function markSignalled(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhook_events').set({ signalled_at: new Date() }).where('id', 'in', ids).execute();
}
