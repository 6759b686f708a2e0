import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { FailureReason } from '../domain/message-status.js';
import type { NewMessage } from '../db/database.js';
import {
  flushStates,
  insertMessages,
  messageStatesInRange,
  recordSubmits,
  releaseMessages,
  suppressUnsentInRange,
  unsentMessagesInRange,
} from '../db/message-repository.js';
import type { MessageStateRow, StateUpdate, SubmitRecord } from '../db/message-repository.js';
import { markApplied, matchParkedDlrs } from '../db/webhook-event-repository.js';
import { appendConsentEvents } from '../db/consent-repository.js';
import { recordReceiptOptOuts } from '../db/provider-opt-out-repository.js';
import type { NewConsentEvent } from '../db/consent-repository.js';
import type { DlrSignalEvent } from '../workflows/send-batch-workflow.js';
import type { ActivityDeps } from './activity-deps.js';
import { createConnectionRouter } from './connection-router.js';
import { TemplateRenderer } from './template-renderer.js';
import { MessageComposer } from './message-composer.js';
import { loadCampaignComposition } from './campaign-composition.js';
import type { CampaignComposition } from './campaign-composition.js';
import { openSenderPicker } from './sender-picker.js';
import { insertShortLinks } from '../db/short-link-repository.js';
import type { NewShortLink } from '../db/short-link-repository.js';
import { openSendTimeGate } from './send-time-gate.js';
import { claimUnderFrequencyCap } from '../db/frequency-cap-repository.js';
import { openSendPacer, waitUntil } from './send-pacer.js';

/** A message's state as the batch workflow tracks it. */
export type BatchMessageState = MessageStateRow;

/** Range of a campaign's audience snapshot handled by one batch. */
export interface BatchRange {
  campaignId: string;
  seqFrom: number;
  seqTo: number;
}

/** What one send attempt answers its batch workflow. */
export interface SendMessagesResult {
  messages: BatchMessageState[];
  parkedDlrs: DlrSignalEvent[];
  /**
   * Set when messages stay queued because they are due later (quiet hours, local-time scheduling):
   * wait this long (ms, by the activities' clock) before calling again.
   */
  nextReleaseInMs?: number;
  /** How many messages are deferred. */
  deferred?: number;
}

/** Error text of messages the send-time gate suppresses. */
const SUPPRESSED_BECAUSE = {
  quiet_hours: 'quiet hours would end after the campaign validity period',
  expired: 'its local send time would come after the campaign validity period',
} as const;

/** Messages claimed and sent per round: consent re-check, claim, provider calls, record. */
const SEND_CHUNK = 200;

/**
 * The batch activities, built from their dependencies (STYLE.md habit 4). Each is idempotent: a
 * retry after a crash converges on the same rows without sending a message twice.
 */
export function createBatchActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  const composer = new MessageComposer(new TemplateRenderer());
  const clock = deps.now ?? (() => new Date());

  return {
    /**
     * Renders and inserts the messages of a recipient range, once: unique on (campaign, contact),
     * so a retry inserts nothing new. Recipients without current opt-in are `suppressed`
     * (`no_consent`/`opted_out`); a template that cannot be filled is `suppressed` (`missing_field`).
     * A campaign with a sender pool gives each message its own sender (sender-picker.ts); a recipient
     * no pool sender serves is `suppressed` (`no_sender`).
     * @returns the range's message states.
     */
    async prepareBatch(input: BatchRange & { batchWorkflowId: string }): Promise<BatchMessageState[]> {
      const campaign = await db.selectFrom('campaigns').selectAll().where('id', '=', input.campaignId).executeTakeFirstOrThrow();
      const variants = new Map(
        (await db.selectFrom('campaign_variants').selectAll().where('campaign_id', '=', input.campaignId).execute()).map((v) => [v.key, v]),
      );
      const recipients = await db
        .selectFrom('campaign_recipients as r')
        .innerJoin('contacts as c', 'c.id', 'r.contact_id')
        .leftJoin('consent_current as cc', (j) => j.onRef('cc.contact_id', '=', 'r.contact_id').on('cc.purpose', '=', campaign.purpose))
        .leftJoin('messages as m', (j) => j.onRef('m.campaign_id', '=', 'r.campaign_id').onRef('m.contact_id', '=', 'r.contact_id'))
        .select(['r.seq', 'r.contact_id', 'r.variant_key', 'c.phone_e164', 'c.country', 'c.time_zone', 'c.attributes', 'cc.status as consent', 'm.id as existing'])
        .where('r.campaign_id', '=', input.campaignId)
        .where('r.seq', '>=', input.seqFrom)
        .where('r.seq', '<=', input.seqTo)
        .execute();
      // A pool campaign chooses each recipient's sender (sender-picker.ts); sticky only for messages that go out.
      const picker = await openSenderPicker(db, campaign);
      const picks = await picker?.pick(
        recipients.filter((r) => !r.existing).map((r) => ({ contactId: r.contact_id, e164: r.phone_e164, country: r.country, sticky: r.consent === 'opted_in' })),
      );
      // One composition per sender: DLT headers are checked against the message's own sender.
      const compositions = new Map<string, Promise<CampaignComposition>>();
      const compositionFor = (sender: string) => {
        if (!compositions.has(sender)) compositions.set(sender, loadCampaignComposition(db, composer, campaign.account_id, [...variants.values()], `${deps.publicBaseUrl}/l`, sender));
        return compositions.get(sender)!;
      };
      const rows: NewMessage[] = [];
      const links: NewShortLink[] = [];
      for (const r of recipients) {
        if (r.existing) continue;
        const variant = variants.get(r.variant_key);
        if (!variant) throw ApplicationFailure.nonRetryable(`variant ${r.variant_key} missing`, 'variant_missing');
        const pick = picks?.get(r.contact_id);
        const sender = campaign.sender ?? (pick?.ok ? pick.sender.address : '');
        const attributes = r.attributes;
        const rendered = (await compositionFor(sender)).compose(variant, {
          ...attributes,
          contact: { phone: r.phone_e164, country: r.country, time_zone: r.time_zone, attributes },
          campaign: { id: campaign.id, name: campaign.name, ...campaign.fields },
        });
        const { text, segments: seg } = rendered;
        let status: NewMessage['status'] = 'queued';
        let reason: FailureReason | null = null;
        if (r.consent !== 'opted_in') [status, reason] = ['suppressed', r.consent === 'opted_out' ? 'opted_out' : 'no_consent'];
        else if (pick && !pick.ok) [status, reason] = ['suppressed', 'no_sender'];
        else if (!rendered.ok) [status, reason] = ['suppressed', rendered.reason];
        const id = randomUUID();
        if (status === 'queued') links.push(...rendered.links.map((l) => ({ ...l, messageId: id, campaignId: campaign.id, accountId: campaign.account_id })));
        rows.push({
          id,
          account_id: campaign.account_id,
          campaign_id: campaign.id,
          recipient_seq: r.seq,
          batch_workflow_id: input.batchWorkflowId,
          contact_id: r.contact_id,
          variant_key: r.variant_key,
          connection_id: campaign.connection_id,
          sender,
          to_e164: r.phone_e164,
          body: text,
          encoding: seg.encoding,
          segments: seg.segments,
          status,
          status_reason: reason,
          error_text: reason === 'no_sender' && pick && !pick.ok ? pick.reason : rendered.ok ? null : rendered.detail,
          dlt_entity_id: rendered.dlt?.entityId ?? null,
          dlt_template_id: rendered.dlt?.templateId ?? null,
          ...(status === 'suppressed' ? { final_at: new Date() } : {}),
        });
      }
      await insertMessages(db, rows);
      await insertShortLinks(db, links);
      return messageStatesInRange(db, input.campaignId, input.seqFrom, input.seqTo);
    },

    /**
     * Sends the range's unsent messages through the campaign's provider connection. Per chunk:
     * re-checks consent (an opt-out that arrived after the batch was prepared suppresses the
     * message), claims (`queued → submitting`) before any provider call, calls the provider with our
     * message id as client reference, and records the outcomes. Heartbeats after each chunk and
     * stops when cancelled (pause/cancel). Messages left `submitting` by a crashed attempt are re-sent
     * only through a provider that deduplicates on our client reference; otherwise they fail as
     * `provider_error` rather than risk a second copy.
     * Quiet hours and local-time scheduling are checked per chunk at send time (send-time-gate.ts):
     * a message due later stays `queued` and the answer says when to call again; one that cannot go
     * before the campaign's validity ends is `suppressed` (`quiet_hours`).
     * @throws ApplicationFailure (retryable, `provider_retry`) when the provider asked to retry some
     *   messages: they are back in `queued` and the next attempt sends only them.
     */
    async sendMessages(input: BatchRange & { batchWorkflowId: string }): Promise<SendMessagesResult> {
      const ctx = Context.current();
      const campaign = await db
        .selectFrom('campaigns')
        .select(['connection_id', 'sender', 'account_id', 'purpose'])
        .where('id', '=', input.campaignId)
        .executeTakeFirstOrThrow();
      const { adapter, connection } = await deps.providers.get(campaign.connection_id);
      const dlrUrl = `${deps.publicBaseUrl}/v1/webhooks/${connection.id}/dlr`;
      const moUrl = `${deps.publicBaseUrl}/v1/webhooks/${connection.id}/mo`;
      // Country routes and failover (connection-router.ts); undefined when the account has no routes.
      const router = await createConnectionRouter(deps, { id: input.campaignId, accountId: campaign.account_id, connectionId: connection.id });
      const unsent = await unsentMessagesInRange(db, input.campaignId, input.seqFrom, input.seqTo);

      // Left `submitting` by a crashed attempt: the provider may or may not have the message.
      const orphaned = unsent.filter((m) => m.status === 'submitting').map((m) => m.id);
      if (orphaned.length > 0) {
        if (adapter.idempotentClientReference) await releaseMessages(db, orphaned);
        else
          await recordSubmits(db, orphaned.map((id) => ({ id, status: 'failed', reason: 'provider_error', errorText: 'send outcome unknown: worker stopped during the provider call' })));
        logger.warn({ campaignId: input.campaignId, orphaned: orphaned.length }, 'messages left submitting by an earlier attempt');
      }
      const queue = adapter.idempotentClientReference ? unsent : unsent.filter((m) => m.status === 'queued');
      const acceptedProviderIds: string[] = [];
      const retryLater: string[] = [];
      const providerOptOuts: NewConsentEvent[] = [];
      let retryAfterMs: number | undefined;
      let done = 0;
      const gate = await openSendTimeGate(db, input.campaignId, clock());
      const pacer = await openSendPacer(db, { account_id: connection.accountId, connection_id: campaign.connection_id, sender: campaign.sender ?? '' });
      let nextRelease = Number.POSITIVE_INFINITY;
      let deferredCount = 0;

      for (let i = 0; i < queue.length; i += SEND_CHUNK) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('send cancelled (pause or cancel)');
        const chunk = queue.slice(i, i + SEND_CHUNK);
        // Consent at send time, for the campaign's purpose (marketing unless set): the very next send
        // after an opt-out must not go out.
        const notOptedIn = new Set(
          (
            await db
              .selectFrom('messages as m')
              .leftJoin('consent_current as cc', (j) => j.onRef('cc.contact_id', '=', 'm.contact_id').on('cc.purpose', '=', campaign.purpose))
              .select(['m.id', 'cc.status'])
              .where('m.id', 'in', chunk.map((m) => m.id))
              .where((eb) => eb.or([eb('cc.status', 'is', null), eb('cc.status', '<>', 'opted_in')]))
              .execute()
          ).map((r) => r.id),
        );
        const records: SubmitRecord[] = [...notOptedIn].map((id) => ({ id, status: 'suppressed', reason: 'opted_out' }));
        // Quiet hours and local-time scheduling, in the recipient's zone, by the injected clock.
        const nowMs = clock().getTime();
        const verdict = await gate.check(chunk.filter((m) => !notOptedIn.has(m.id)).map((m) => m.id), nowMs);
        for (const [id, reason] of verdict.suppress) records.push({ id, status: 'suppressed', reason, errorText: SUPPRESSED_BECAUSE[reason] });
        for (const t of verdict.deferred.values()) nextRelease = Math.min(nextRelease, t);
        deferredCount += verdict.deferred.size;
        // Claim under the account's and campaign's frequency caps, locked per contact (frequency-cap-repository.ts).
        const claimed = new Set((await claimUnderFrequencyCap(db, input.campaignId, chunk.filter((m) => verdict.due.has(m.id)).map((m) => m.id))).claimed);
        const toSend = chunk.filter((m) => claimed.has(m.id));
        let authFailure: string | undefined;
        const notSent: string[] = [];
        // Sender/connection/account MPS: instants reserved in PostgreSQL for a group at a time (about
        // half a second of traffic), shared with every other worker; each send waits for its instant.
        // A send woken too late (event-loop stall) gives its instant up and is re-reserved: sending it
        // anyway would bunch it with the next instants and overrun a 1 s window.
        const pending = [...toSend];
        while (pending.length > 0) {
          if (ctx.cancellationSignal.aborted) {
            notSent.push(...pending.splice(0).map((m) => m.id));
            break;
          }
          const group = pending.splice(0, pacer.groupSize);
          const instants = pacer.paced ? await pacer.reserve(group.map((m) => Math.max(1, m.segments)), clock().getTime()) : [];
          const sendAt = new Map(group.map((m, k) => [m.id, instants[k]]));
          const late: typeof group = [];
          await mapLimit(group, deps.sendConcurrency ?? 32, async (m) => {
            const at = sendAt.get(m.id);
            if (at !== undefined) {
              await waitUntil(at, clock, ctx.cancellationSignal);
              if (!ctx.cancellationSignal.aborted && clock().getTime() - at > pacer.lateAfterMs) {
                late.push(m);
                return;
              }
            }
            // Pause/cancel: claimed but not yet called messages go back to queued, untouched.
            if (ctx.cancellationSignal.aborted) {
              notSent.push(m.id);
              return;
            }
            ctx.heartbeat({ done });
            const dlt = m.dlt_entity_id && m.dlt_template_id ? { dlt: { entityId: m.dlt_entity_id, templateId: m.dlt_template_id } } : {};
            const msg = { messageId: m.id, from: m.sender, to: m.to_e164, body: m.body, ...dlt };
            const res = router ? await router.send(msg) : await adapter.send({ ...msg, dlrUrl, moUrl });
            switch (res.outcome) {
              case 'accepted':
                acceptedProviderIds.push(res.providerMessageId);
                records.push({ id: m.id, status: 'submitted', providerMessageId: res.providerMessageId, providerStatus: res.providerStatus ?? null });
                break;
              case 'rejected':
                records.push({ id: m.id, status: 'rejected', reason: res.reason, errorCode: res.errorCode ?? null, errorText: res.errorText ?? null });
                // The provider says this number opted out (Twilio 21610, Telnyx 40300…): authoritative
                // evidence for our own ledger (providers.md §9.8), so no campaign tries it again.
                if (res.reason === 'opted_out' && m.contact_id) {
                  providerOptOuts.push({
                    accountId: m.account_id,
                    contactId: m.contact_id,
                    phoneE164: m.to_e164,
                    status: 'opted_out',
                    source: 'provider',
                    occurredAt: new Date(),
                    proof: { connection_id: connection.id, message_id: m.id, error_code: res.errorCode ?? null },
                    dedupeKey: `provider:${m.id}`,
                  });
                }
                break;
              case 'retry':
                retryLater.push(m.id);
                retryAfterMs = Math.max(retryAfterMs ?? 0, res.retryAfterMs ?? 0);
                break;
              case 'auth_failed':
                retryLater.push(m.id);
                authFailure = res.errorText;
                break;
            }
          });
          pending.unshift(...late);
        }
        await recordSubmits(db, records);
        await appendConsentEvents(db, providerOptOuts.splice(0));
        await releaseMessages(db, [...retryLater, ...notSent]);
        done += chunk.length;
        ctx.heartbeat({ done, total: queue.length });
        if (notSent.length > 0) throw new CancelledFailure('send cancelled (pause or cancel)');
        if (authFailure) {
          await db.updateTable('provider_connections').set({ status: 'paused', status_reason: `auth failed: ${authFailure}` }).where('id', '=', connection.id).execute();
          deps.providers.invalidate(connection.id);
          throw ApplicationFailure.create({ message: `provider refused credentials: ${authFailure}`, type: 'provider_auth_failed', nextRetryDelay: '1 minute' });
        }
      }
      if (retryLater.length > 0) {
        throw ApplicationFailure.create({
          message: `${retryLater.length} messages to retry (provider asked)`,
          type: 'provider_retry',
          ...(retryAfterMs ? { nextRetryDelay: retryAfterMs } : {}),
        });
      }
      const parked = await matchParkedDlrs(db, connection.id, acceptedProviderIds);
      const result: SendMessagesResult = { messages: await messageStatesInRange(db, input.campaignId, input.seqFrom, input.seqTo), parkedDlrs: parked };
      if (deferredCount > 0) {
        result.deferred = deferredCount;
        result.nextReleaseInMs = Math.max(0, nextRelease - clock().getTime());
      }
      return result;
    },

    /** Re-reads the range's message states (after a cancelled send). */
    async loadBatchStates(input: BatchRange): Promise<BatchMessageState[]> {
      return messageStatesInRange(db, input.campaignId, input.seqFrom, input.seqTo);
    },

    /**
     * Writes state changes decided by the workflow (monotonic, see flushStates) and, in the same
     * transaction, marks the receipts they came from as applied.
     */
    async flushMessageStates(input: { updates: StateUpdate[]; appliedEventIds?: string[] }): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const n = await flushStates(trx, input.updates);
        await recordReceiptOptOuts(trx, input.updates);
        await markApplied(trx, input.appliedEventIds ?? []);
        return n;
      });
    },

    /** Marks the range's still-queued messages `suppressed` with `reason` (cancel). */
    async suppressQueued(input: BatchRange & { reason: FailureReason }): Promise<number> {
      return suppressUnsentInRange(db, input.campaignId, input.seqFrom, input.seqTo, input.reason);
    },
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(lanes);
}

