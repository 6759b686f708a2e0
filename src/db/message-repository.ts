import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { MessageRow, NewMessage } from './database.js';
import type { FailureReason, MessageStatus } from '../domain/message-status.js';

/** A message's state as the batch workflow tracks it. */
export interface MessageStateRow {
  id: string;
  status: MessageStatus;
  reason: FailureReason | null;
  segments: number;
}

/**
 * Inserts messages, skipping any that exist for the same campaign and contact (idempotent). A message
 * inserted `suppressed` is final at once: `final_at` is stamped by the database, like every final_at.
 */
export async function insertMessages(db: Db, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => (r.status === 'suppressed' && r.final_at === undefined ? { ...r, final_at: sql<Date>`now()` } : r));
  await db.insertInto('messages').values(values).onConflict((oc) => oc.columns(['campaign_id', 'contact_id']).doNothing()).execute();
}

/** States of the messages of a recipient range of a campaign. */
export async function messageStatesInRange(db: Db, campaignId: string, seqFrom: number, seqTo: number): Promise<MessageStateRow[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'status', 'status_reason', 'segments'])
    .where('campaign_id', '=', campaignId)
    .where('recipient_seq', '>=', seqFrom)
    .where('recipient_seq', '<=', seqTo)
    .orderBy('recipient_seq')
    .execute();
  return rows.map((r) => ({ id: r.id, status: r.status, reason: r.status_reason as FailureReason | null, segments: r.segments }));
}

/** Messages of a range still to be sent (`queued`, or `submitting` left by a crashed attempt). */
export async function unsentMessagesInRange(db: Db, campaignId: string, seqFrom: number, seqTo: number): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('recipient_seq', '>=', seqFrom)
    .where('recipient_seq', '<=', seqTo)
    .where('status', 'in', ['queued', 'submitting'])
    .orderBy('recipient_seq')
    .execute();
}

/**
 * Claims messages for sending: `queued → submitting`, only for rows still queued, in one
 * statement. A message is claimed before its provider call, so a retried activity never sends it
 * again unless the provider call is known not to have happened (see releaseMessages). `at` (the
 * business clock's instant) stamps `submitting_at`, which frequency caps count by.
 * @returns the ids actually claimed.
 */
export async function claimMessages(db: Db, ids: string[], at: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('messages')
    .set({ status: 'submitting', submitting_at: at, updated_at: sql`now()`, submit_attempts: sql`submit_attempts + 1` })
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** `submitting → queued` for messages whose provider call certainly did not happen or was refused as retryable. */
export async function releaseMessages(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('messages').set({ status: 'queued', updated_at: sql`now()` }).where('id', 'in', ids).where('status', '=', 'submitting').execute();
}

/** One outcome of a provider call, to record. */
export interface SubmitRecord {
  id: string;
  status: 'submitted' | 'rejected' | 'failed' | 'suppressed';
  providerMessageId?: string | null;
  reason?: string | null;
  errorCode?: string | null;
  errorText?: string | null;
  providerStatus?: string | null;
}

/**
 * Records provider call outcomes in one statement (UNNEST). Monotonic: a row already moved further
 * by a DLR flush keeps its status, but still gets its provider id and submitted_at.
 */
export async function recordSubmits(db: Db, records: SubmitRecord[]): Promise<void> {
  if (records.length === 0) return;
  const col = <K extends keyof SubmitRecord>(k: K) => records.map((r) => (r[k] ?? null) as SubmitRecord[K] | null);
  await sql`
    UPDATE messages m SET
      status = CASE WHEN message_status_rank(u.status) > message_status_rank(m.status) THEN u.status ELSE m.status END,
      status_reason = CASE WHEN message_status_rank(u.status) > message_status_rank(m.status) THEN u.reason ELSE m.status_reason END,
      provider_message_id = coalesce(u.provider_id, m.provider_message_id),
      provider_status = coalesce(m.provider_status, u.provider_status),
      error_code = coalesce(m.error_code, u.error_code),
      error_text = coalesce(m.error_text, u.error_text),
      submitted_at = CASE WHEN u.status = 'submitted' THEN coalesce(m.submitted_at, now()) ELSE m.submitted_at END,
      final_at = CASE WHEN u.status <> 'submitted' THEN coalesce(m.final_at, now()) ELSE m.final_at END,
      updated_at = now()
    FROM unnest(${col('id')}::uuid[], ${col('status')}::text[], ${col('providerMessageId')}::text[], ${col('reason')}::text[],
                ${col('errorCode')}::text[], ${col('errorText')}::text[], ${col('providerStatus')}::text[])
      AS u(id, status, provider_id, reason, error_code, error_text, provider_status)
    WHERE m.id = u.id`.execute(db);
}

/** A state change decided by the batch workflow's message machine. */
export interface StateUpdate {
  id: string;
  status: MessageStatus;
  reason: string | null;
  errorCode: string | null;
  providerStatus: string | null;
}

/**
 * Writes state changes in one statement, never lowering a message's rank (providers.md §9.3):
 * `unknown` may be replaced by a strong final, a final never by anything else.
 * @returns rows changed.
 */
export async function flushStates(db: Db, updates: StateUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  const result = await sql`
    UPDATE messages m SET
      status = u.status,
      status_reason = coalesce(u.reason, m.status_reason),
      error_code = coalesce(u.error_code, m.error_code),
      provider_status = coalesce(u.provider_status, m.provider_status),
      delivered_at = CASE WHEN u.status = 'delivered' THEN coalesce(m.delivered_at, now()) ELSE m.delivered_at END,
      final_at = CASE WHEN message_status_rank(u.status) >= 3 THEN now() ELSE m.final_at END,
      updated_at = now()
    FROM unnest(${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => u.status)}::text[],
                ${updates.map((u) => u.reason)}::text[], ${updates.map((u) => u.errorCode)}::text[],
                ${updates.map((u) => u.providerStatus)}::text[])
      AS u(id, status, reason, error_code, provider_status)
    WHERE m.id = u.id
      AND (message_status_rank(u.status) > message_status_rank(m.status)
           OR (m.status = 'unknown' AND message_status_rank(u.status) = 4))`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Marks still-unsent messages of a range `suppressed` with `reason` (cancel). */
export async function suppressUnsentInRange(db: Db, campaignId: string, seqFrom: number, seqTo: number, reason: string): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'suppressed', status_reason: reason, final_at: sql`now()`, updated_at: sql`now()` })
    .where('campaign_id', '=', campaignId)
    .where('recipient_seq', '>=', seqFrom)
    .where('recipient_seq', '<=', seqTo)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Finds messages by our id or by the provider's id on a connection (DLR correlation, providers.md §9.5). */
export async function findMessagesForDlr(
  db: Db,
  connectionId: string,
  ourIds: string[],
  providerIds: string[],
): Promise<Pick<MessageRow, 'id' | 'provider_message_id' | 'batch_workflow_id' | 'status'>[]> {
  if (ourIds.length === 0 && providerIds.length === 0) return [];
  return db
    .selectFrom('messages')
    .select(['id', 'provider_message_id', 'batch_workflow_id', 'status'])
    .where('connection_id', '=', connectionId)
    .where((eb) =>
      eb.or([
        ...(ourIds.length ? [eb('id', 'in', ourIds)] : []),
        ...(providerIds.length ? [eb('provider_message_id', 'in', providerIds)] : []),
      ]),
    )
    .execute();
}
