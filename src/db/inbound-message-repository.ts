import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import './consent-keyword-schema.js';
import type { NormalizedMo } from '../providers/provider-adapter.js';

/** Default attribution window of replies, ms (7 days; `REPLY_ATTRIBUTION_WINDOW_HOURS`). */
export const REPLY_ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

/** An inbound message (or part) as logged, with what its workflow needs to be started. */
export interface LoggedInbound {
  id: string;
  accountId: string;
  connectionId: string;
  workflowId: string;
  concat?: { from: string; ref: string; total: number };
  /** Set by {@link insertInboundMessage} only: the known contact of the sender and the stored receive time. */
  stored?: { contactId: string | null; receivedAt: Date };
}

/**
 * Workflow id of an MO: per provider message id, or for a part of a concatenated MO per group
 * (connection, sender, concat reference, part count) so all its parts meet in one workflow.
 */
export function inboundWorkflowId(connectionId: string, mo: Pick<NormalizedMo, 'providerMessageId' | 'from' | 'concat'>): string {
  return mo.concat && mo.concat.total > 1
    ? `inbound/${connectionId}/concat/${mo.from}/${mo.concat.ref}/${mo.concat.total}`
    : `inbound/${connectionId}/${mo.providerMessageId}`;
}

/**
 * Logs one inbound message or part (call inside the transaction that logged its webhook). Keyword
 * handling, consent, auto-reply and attribution are the inboundMessage workflow's job, started after
 * the provider got its 2xx; `workflow_started_at` stays null until then (the sweeper's marker).
 * @returns the row, or undefined when this provider message id was already logged.
 */
export async function insertInboundMessage(trx: Db, accountId: string, connectionId: string, mo: NormalizedMo): Promise<LoggedInbound | undefined> {
  const contact = await trx.selectFrom('contacts').select('id').where('account_id', '=', accountId).where('phone_e164', '=', mo.from).executeTakeFirst();
  const id = randomUUID();
  const concat = mo.concat && mo.concat.total > 1 ? mo.concat : undefined;
  const workflowId = inboundWorkflowId(connectionId, mo);
  const row = await trx
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
      concat_ref: concat?.ref ?? null,
      concat_index: concat?.index ?? null,
      concat_total: concat?.total ?? null,
      workflow_id: workflowId,
      ...(mo.receivedAt ? { received_at: mo.receivedAt } : {}),
    })
    .onConflict((oc) => oc.columns(['connection_id', 'provider_message_id']).doNothing())
    .returning(['id', 'received_at'])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id,
    accountId,
    connectionId,
    workflowId,
    ...(concat ? { concat: { from: mo.from, ref: concat.ref, total: concat.total } } : {}),
    stored: { contactId: contact?.id ?? null, receivedAt: row.received_at },
  };
}

/** Inbound messages whose workflow was never started (older than `minAgeMs`), oldest first. */
export async function unstartedInbound(db: Db, minAgeMs: number, limit: number): Promise<LoggedInbound[]> {
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['id', 'account_id', 'connection_id', 'workflow_id', 'from_e164', 'concat_ref', 'concat_total'])
    .where('workflow_started_at', 'is', null)
    .where('workflow_id', 'is not', null)
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${minAgeMs / 1000})`)
    .orderBy('received_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    connectionId: r.connection_id,
    workflowId: r.workflow_id!,
    ...(r.concat_ref && r.concat_total ? { concat: { from: r.from_e164, ref: r.concat_ref, total: r.concat_total } } : {}),
  }));
}

/** Marks inbound messages whose workflow is started (or already was). */
export async function markInboundStarted(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('inbound_messages').set({ workflow_started_at: sql`now()` }).where('id', 'in', ids).where('workflow_started_at', 'is', null).execute();
}

/** Parts of a concat group not yet joined into a message, by part index (first arrival per index). */
export async function pendingConcatParts(db: Db, connectionId: string, group: { from: string; ref: string; total: number }) {
  return db
    .selectFrom('inbound_messages')
    .select(['id', 'concat_index', 'body', 'received_at'])
    .where('connection_id', '=', connectionId)
    .where('from_e164', '=', group.from)
    .where('concat_ref', '=', group.ref)
    .where('concat_total', '=', group.total)
    .where('part_of', 'is', null)
    .where('processed_at', 'is', null)
    .where('full_body', 'is', null)
    .orderBy('concat_index')
    .orderBy('received_at')
    .execute();
}

/**
 * Joins parts into the first one: `full_body` on the head (lowest index), `part_of` on the others.
 * Idempotent: parts already joined are not selected again by {@link pendingConcatParts}.
 */
export async function joinConcatParts(db: Db, headId: string, otherIds: string[], fullBody: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('inbound_messages').set({ full_body: fullBody }).where('id', '=', headId).execute();
    if (otherIds.length > 0) await trx.updateTable('inbound_messages').set({ part_of: headId }).where('id', 'in', otherIds).execute();
  });
}

/** The last campaign message sent to `phone` in the account after `since`, for attribution. */
export async function lastCampaignMessageTo(db: Db, accountId: string, phone: string, since: Date) {
  return db
    .selectFrom('messages')
    .select(['id', 'campaign_id'])
    .where('account_id', '=', accountId)
    .where('to_e164', '=', phone)
    .where('campaign_id', 'is not', null)
    .where('submitted_at', '>', since)
    .orderBy('submitted_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
