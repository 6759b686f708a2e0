import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { claimMessages, recordSubmits, releaseMessages } from '../db/message-repository.js';
import { measureSegments } from '../domain/segments.js';
import type { ActivityDeps } from './activity-deps.js';

/** One auto-reply to send: the answer to one inbound message. */
export interface AutoReply {
  accountId: string;
  connectionId: string;
  inboundMessageId: string;
  contactId: string | null;
  /** Our number that received the MO: the reply goes out from it. */
  from: string;
  /** The handset, E.164. */
  to: string;
  body: string;
}

/**
 * Sends an auto-reply at most once. The reply is an outbound message row unique on the MO it answers
 * (`messages.reply_to_inbound_id`), claimed `queued → submitting` before the provider call, so a retried
 * activity finds it submitted and does not send again; one left `submitting` by a crash is re-sent only
 * through a provider that deduplicates on our client reference. It bypasses the campaign consent check on
 * purpose: a STOP confirmation must reach the number that has just opted out (compliance.md §c2, the
 * Rock #7049 trap), and it is the one message that number gets. The claim is stamped by `deps.now`.
 * @returns whether the provider accepted the reply (now or on an earlier attempt) and its message id.
 * @throws ApplicationFailure (retryable) when the provider asked to retry or refused our credentials.
 */
export async function sendAutoReplyOnce(deps: Pick<ActivityDeps, 'db' | 'providers' | 'publicBaseUrl' | 'now'>, reply: AutoReply): Promise<{ sent: boolean; messageId: string }> {
  const { db, providers, publicBaseUrl } = deps;
  const seg = measureSegments(reply.body);
  await db
    .insertInto('messages')
    .values({
      id: randomUUID(),
      account_id: reply.accountId,
      connection_id: reply.connectionId,
      contact_id: reply.contactId,
      sender: reply.from,
      to_e164: reply.to,
      body: reply.body,
      encoding: seg.encoding,
      segments: seg.segments,
      status: 'queued',
      reply_to_inbound_id: reply.inboundMessageId,
    })
    .onConflict((oc) => oc.column('reply_to_inbound_id').where('reply_to_inbound_id', 'is not', null).doNothing())
    .execute();
  const message = await db.selectFrom('messages').select(['id', 'status']).where('reply_to_inbound_id', '=', reply.inboundMessageId).executeTakeFirstOrThrow();
  const { adapter, connection } = await providers.get(reply.connectionId);
  if (message.status === 'submitting' && !adapter.idempotentClientReference) {
    await recordSubmits(db, [{ id: message.id, status: 'failed', reason: 'provider_error', errorText: 'send outcome unknown: worker stopped during the provider call' }]);
    return { sent: false, messageId: message.id };
  }
  if (message.status !== 'queued' && message.status !== 'submitting') {
    return { sent: ['submitted', 'delivered', 'undelivered', 'expired', 'unknown'].includes(message.status), messageId: message.id };
  }
  if (message.status === 'queued' && (await claimMessages(db, [message.id], deps.now())).length === 0) {
    // Claimed by a concurrent attempt between our read and our claim: that attempt sends it.
    return { sent: false, messageId: message.id };
  }
  const res = await adapter.send({
    messageId: message.id,
    from: reply.from,
    to: reply.to,
    body: reply.body,
    dlrUrl: `${publicBaseUrl}/v1/webhooks/${connection.id}/dlr`,
    moUrl: `${publicBaseUrl}/v1/webhooks/${connection.id}/mo`,
  });
  switch (res.outcome) {
    case 'accepted':
      await recordSubmits(db, [{ id: message.id, status: 'submitted', providerMessageId: res.providerMessageId, providerStatus: res.providerStatus ?? null }]);
      return { sent: true, messageId: message.id };
    case 'rejected':
      await recordSubmits(db, [{ id: message.id, status: 'rejected', reason: res.reason, errorCode: res.errorCode ?? null, errorText: res.errorText ?? null }]);
      return { sent: false, messageId: message.id };
    case 'retry':
    case 'auth_failed':
      await releaseMessages(db, [message.id]);
      throw ApplicationFailure.create({
        message: `auto-reply not accepted yet: ${res.outcome === 'retry' ? (res.errorText ?? 'provider asked to retry') : res.errorText}`,
        type: res.outcome === 'retry' ? 'provider_retry' : 'provider_auth_failed',
        ...(res.outcome === 'retry' && res.retryAfterMs ? { nextRetryDelay: res.retryAfterMs } : {}),
      });
  }
}
