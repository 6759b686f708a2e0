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
import { recordReceiptOptOuts } from '../db/provider-opt-out-repository.js';
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
import { SendPacers } from './send-pacer.js';
import { SubmitRecorder } from './submit-recorder.js';
import { heartbeatEvery } from './activity-heartbeat.js';
import type { SendPacer } from './send-pacer.js';
import { PacedSends } from './paced-sends.js';
import { SendConsentGuard } from './send-consent-guard.js';
import { messagesWithoutConsent } from '../db/consent-repository.js';

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

/** Error text of a `quiet_hours` suppression when the campaign has no validity period. */
const NEVER_IN_WINDOW = "the campaign's quiet_hours_window never overlaps the recipient's legal sending window";

/** Most messages claimed and sent per round: consent re-check, claim, provider calls, record. */
const SEND_CHUNK = 200;
/** Fewest messages per round (slow senders). */
const MIN_SEND_CHUNK = 10;
/**
 * Seconds of the senders' traffic claimed per round: claimed messages stay `submitting` until sent, and
 * a crash leaves them to the orphan rule (re-sent through an idempotent provider, failed otherwise), so
 * a 1 MPS sender claims 10, not 200 (200 s of traffic).
 */
const CHUNK_SECONDS = 10;
/** The next round is checked and claimed when the current backlog is down to this much time, ms. */
const PREPARE_AHEAD_MS = 1_000;
/** How often a send activity heartbeats, ms (its heartbeat timeout is in send-batch-workflow.ts). */
const HEARTBEAT_EVERY_MS = 1_000;

/** Messages per round: about CHUNK_SECONDS of the distinct senders' paces together, within bounds. */
function sendChunkSize(pacers: ReadonlyMap<string, SendPacer | undefined>): number {
  let perSecond = 0;
  for (const p of pacers.values()) perSecond += p ? 1000 / p.segmentMs : Infinity;
  return Math.max(MIN_SEND_CHUNK, Math.min(SEND_CHUNK, Math.ceil(perSecond * CHUNK_SECONDS)));
}

/**
 * The batch activities, built from their dependencies (STYLE.md habit 4). Each is idempotent: a
 * retry after a crash converges on the same rows without sending a message twice.
 */
export function createBatchActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  const composer = new MessageComposer(new TemplateRenderer());
  const clock = deps.now;
  // Shared by every send activity of this worker process (one reservation stream per sender).
  const pacing = new SendPacers(db);

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
     * message id as client reference, and records the outcomes. Chunks are pipelined: the next is
     * checked and claimed while the current one sends (paced-sends.ts), each message paced on its own
     * sender, the connection and the account by this worker's shared pacers (send-pacer.ts).
     * Heartbeats every second on a timer and stops when cancelled (pause/cancel): calls in flight
     * finish, claimed messages not yet called go back to `queued`. Messages left `submitting` by a crashed attempt are re-sent
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
      // From the first moment, on a timer (activity-heartbeat.ts): the heartbeat timeout is short.
      const progress = { done: 0, total: 0 };
      using _heartbeat = heartbeatEvery(ctx, HEARTBEAT_EVERY_MS, () => progress);
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
      let retryLater = 0;
      let retryAfterMs: number | undefined;
      let authFailure: string | undefined;
      let notSentCount = 0;
      let failure: Error | undefined;
      const acceptedProviderIds: string[] = [];
      const gate = await openSendTimeGate(db, input.campaignId, clock());
      // Each message is paced on its own sender (a campaign's messages may carry different senders),
      // plus the connection's and account's caps, by this worker's shared pacers (send-pacer.ts).
      const pacers = await pacing.forSenders({ accountId: connection.accountId, connectionId: campaign.connection_id }, queue.map((m) => m.sender));
      const sends = new PacedSends({ pacers, concurrency: deps.sendConcurrency ?? 32, signal: ctx.cancellationSignal });
      const chunkSize = sendChunkSize(pacers);
      let nextRelease = Number.POSITIVE_INFINITY;
      let deferredCount = 0;
      progress.total = queue.length;
      const chunks: Promise<void>[] = [];

      // Outcomes are written as they come (half a second at most), not per chunk: see submit-recorder.ts.
      const recorder = new SubmitRecorder(db);
      const consentGuard = new SendConsentGuard(db, campaign.purpose);
      recorder.onError = () => sends.stop();

      /** Sends one claimed chunk; its outcomes go to the recorder. */
      const sendChunk = async (toSend: typeof queue, chunkLength: number): Promise<void> => {
        let retry = 0;
        const outcome = await sends.run(toSend, async (m) => {
          const dlt = m.dlt_entity_id && m.dlt_template_id ? { dlt: { entityId: m.dlt_entity_id, templateId: m.dlt_template_id } } : {};
          const msg = { messageId: m.id, from: m.sender, to: m.to_e164, body: m.body, ...dlt };
          const res = router ? await router.send(msg) : await adapter.send({ ...msg, dlrUrl, moUrl });
          switch (res.outcome) {
            case 'accepted':
              acceptedProviderIds.push(res.providerMessageId);
              recorder.record([{ id: m.id, status: 'submitted', providerMessageId: res.providerMessageId, providerStatus: res.providerStatus ?? null }]);
              break;
            case 'rejected':
              recorder.record(
                [{ id: m.id, status: 'rejected', reason: res.reason, errorCode: res.errorCode ?? null, errorText: res.errorText ?? null }],
                // The provider says this number opted out (Twilio 21610, Telnyx 40300…): authoritative
                // evidence for our own ledger (providers.md §9.8), so no campaign tries it again.
                res.reason === 'opted_out' && m.contact_id
                  ? [
                      {
                        accountId: m.account_id,
                        contactId: m.contact_id,
                        phoneE164: m.to_e164,
                        status: 'opted_out',
                        source: 'provider',
                        occurredAt: clock(),
                        proof: { connection_id: connection.id, message_id: m.id, error_code: res.errorCode ?? null },
                        dedupeKey: `provider:${m.id}`,
                      },
                    ]
                  : [],
              );
              break;
            case 'retry':
              retry++;
              recorder.release([m.id]);
              retryAfterMs = Math.max(retryAfterMs ?? 0, res.retryAfterMs ?? 0);
              break;
            case 'auth_failed':
              retry++;
              recorder.release([m.id]);
              authFailure = res.errorText;
              // The credentials are refused: no further call of this attempt can succeed.
              sends.stop();
              break;
          }
        }, (m) => consentGuard.allowed(m.id));
        // Opted out after the claim, caught by the last check before the instant: never sent.
        recorder.record(outcome.vetoed.map((id) => ({ id, status: 'suppressed', reason: 'opted_out', errorText: 'opted out while waiting for its send instant' })));
        // Pause/cancel: claimed but not yet called messages go back to queued, untouched.
        recorder.release(outcome.notSent);
        retryLater += retry;
        notSentCount += outcome.notSent.length;
        progress.done += chunkLength;
        if (outcome.error !== undefined) throw outcome.error;
      };

      try {
        for (let i = 0; i < queue.length; i += chunkSize) {
          if (sends.signal.aborted || failure !== undefined) {
            notSentCount += queue.length - i;
            break;
          }
          const chunk = queue.slice(i, i + chunkSize);
          // Consent at send time, for the campaign's purpose (marketing unless set): the very next send
          // after an opt-out must not go out.
          const notOptedIn = await messagesWithoutConsent(db, chunk.map((m) => m.id), campaign.purpose);
          const records: SubmitRecord[] = [...notOptedIn].map((id) => ({ id, status: 'suppressed', reason: 'opted_out' }));
          // Quiet hours and local-time scheduling, in the recipient's zone, by the injected clock.
          const nowMs = clock().getTime();
          const verdict = await gate.check(chunk.filter((m) => !notOptedIn.has(m.id)).map((m) => m.id), nowMs);
          for (const [id, reason] of verdict.suppress) {
            // Without a validity period only a window that never opens can suppress: say so.
            const errorText = reason === 'quiet_hours' && !Number.isFinite(gate.validUntilMs) ? NEVER_IN_WINDOW : SUPPRESSED_BECAUSE[reason];
            records.push({ id, status: 'suppressed', reason, errorText });
          }
          for (const t of verdict.deferred.values()) nextRelease = Math.min(nextRelease, t);
          deferredCount += verdict.deferred.size;
          // Claim under the account's and campaign's frequency caps, locked per contact (frequency-cap-repository.ts).
          const due = chunk.filter((m) => verdict.due.has(m.id)).map((m) => m.id);
          const claimed = new Set((await claimUnderFrequencyCap(db, input.campaignId, due, clock())).claimed);
          const toSend = chunk.filter((m) => claimed.has(m.id));
          recorder.record(records);
          // Pipelined: this chunk sends while the next one is checked and claimed, once this one's
          // backlog is down to about PREPARE_AHEAD_MS of its senders' time.
          chunks.push(
            sendChunk(toSend, chunk.length).catch((err: unknown) => {
              failure ??= err instanceof Error ? err : new Error(String(err));
              sends.stop();
            }),
          );
          await sends.drained(PREPARE_AHEAD_MS);
        }
      } catch (err) {
        // A check or claim failed: start no further call, let those in flight finish and record them.
        sends.stop();
        await Promise.all(chunks);
        await recorder.flush().catch(() => undefined);
        throw err;
      }
      await Promise.all(chunks);
      await recorder.flush();
      if (failure !== undefined) throw failure;
      if (notSentCount > 0 && ctx.cancellationSignal.aborted) throw new CancelledFailure('send cancelled (pause or cancel)');
      if (authFailure) {
        await db.updateTable('provider_connections').set({ status: 'paused', status_reason: `auth failed: ${authFailure}` }).where('id', '=', connection.id).execute();
        deps.providers.invalidate(connection.id);
        throw ApplicationFailure.create({ message: `provider refused credentials: ${authFailure}`, type: 'provider_auth_failed', nextRetryDelay: '1 minute' });
      }
      if (retryLater > 0) {
        throw ApplicationFailure.create({
          message: `${retryLater} messages to retry (provider asked)`,
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
        await recordReceiptOptOuts(trx, input.updates, clock());
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
