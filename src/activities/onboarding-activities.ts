/**
 * The side effects of the `onboarding` workflow: provider checks, the test message and its receipt,
 * consent and two-way evidence, the test campaign's record and preview, account stats.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { insertCampaign } from '../db/campaign-record-repository.js';
import { claimMessages, flushStates, recordSubmits } from '../db/message-repository.js';
import {
  accountMessageStats,
  consentOfPhone,
  countOptedInContacts,
  firstSegmentContact,
  insertOnboardingEvent,
  registerTestNumber,
  userEventOfInbound,
} from '../db/onboarding-repository.js';
import { markApplied } from '../db/webhook-event-repository.js';
import { storedMessageState, toDlrEvent } from '../domain/dlr-event.js';
import { applyMessageEvent } from '../domain/message-machine.js';
import type { FailureReason, MessageStatus } from '../domain/message-status.js';
import { measureSegments } from '../domain/segments.js';
import type { DlrSignalEvent } from '../workflows/send-batch-workflow.js';
import type { ActivityDeps } from './activity-deps.js';
import { ConnectionNotFoundError } from './provider-resolver.js';
import { TemplateRenderer } from './template-renderer.js';
import { saveKeywordSettings } from '../db/keyword-settings-repository.js';
import { toInboundKeywordPacks } from '../domain/onboarding-keyword-pack.js';
import type { KeywordPack as OnboardingKeywordPack } from '../domain/onboarding-keyword-pack.js';
import type { KeywordSettingsRow } from '../domain/keyword-settings.js';

/** What the test-connection activity found; `reason` is the provider's precise failure, never a secret. */
export type ConnectionCheck =
  | { ok: true; provider: string; connectionId: string; webhooks: { dlr: string; mo: string } }
  | { ok: false; reason: string };

/** The test campaign as prepared: its record, audience size and a rendered preview of its first message. */
export interface TestCampaignPreview {
  campaignId: string;
  workflowId: string;
  audienceSize: number;
  preview: { to: string; text: string; characters: number; encoding: string; segments: number; units: number; fields: Record<string, string> } | null;
}

const LIQUID_VAR = /\{\{\s*([A-Za-z_][\w.]*)/g;

/** The onboarding activities, built from their dependencies. */
export function createOnboardingActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  const renderer = new TemplateRenderer();
  const webhooks = (connectionId: string) => ({
    dlr: `${deps.publicBaseUrl}/v1/webhooks/${connectionId}/dlr`,
    mo: `${deps.publicBaseUrl}/v1/webhooks/${connectionId}/mo`,
  });

  return {
    /** Loads the account's connection and calls the provider (adapter.testConnection). Never throws for a provider answer. */
    async testOnboardingConnection(input: { accountId: string; connectionId: string }): Promise<ConnectionCheck> {
      try {
        const { connection, adapter } = await deps.providers.get(input.connectionId);
        if (connection.accountId !== input.accountId) return { ok: false, reason: `connection ${input.connectionId} does not exist in this account` };
        if (connection.status !== 'active') return { ok: false, reason: `connection is ${connection.status}` };
        const result = await adapter.testConnection();
        if (!result.ok) return { ok: false, reason: `${connection.provider}: ${result.reason}` };
        return { ok: true, provider: connection.provider, connectionId: connection.id, webhooks: webhooks(connection.id) };
      } catch (err) {
        if (err instanceof ConnectionNotFoundError) return { ok: false, reason: `connection ${input.connectionId} does not exist` };
        throw err;
      }
    },

    /**
     * Sends the onboarding test message once (message `messageId`, chosen by the workflow so a retry
     * reuses it), owned by `workflowId`: the DLR webhook's dispatcher then signals that workflow
     * (`dlrEvents`), exactly as it signals a campaign batch.
     */
    async sendOnboardingTestMessage(input: { accountId: string; connectionId: string; workflowId: string; messageId: string; from: string; to: string; body: string }): Promise<{ status: MessageStatus; providerMessageId?: string; error?: string }> {
      const { adapter, connection } = await deps.providers.get(input.connectionId);
      const seg = measureSegments(input.body);
      // Keyed on the workflow-chosen id: a retried activity inserts nothing new.
      await db
        .insertInto('messages')
        .values({ id: input.messageId, account_id: input.accountId, campaign_id: null, batch_workflow_id: input.workflowId, connection_id: connection.id, sender: input.from, to_e164: input.to, body: input.body, encoding: seg.encoding, segments: seg.segments, status: 'queued', status_reason: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const claimed = await claimMessages(db, [input.messageId], deps.now());
      if (claimed.length === 0) {
        const row = await db.selectFrom('messages').select(['status', 'provider_message_id']).where('id', '=', input.messageId).executeTakeFirstOrThrow();
        // Already sent by an earlier attempt; or left `submitting` by a crash: re-send only where the
        // provider deduplicates on our client reference, never risk a second copy otherwise.
        if (row.status !== 'submitting') return { status: row.status, ...(row.provider_message_id ? { providerMessageId: row.provider_message_id } : {}) };
        if (!adapter.idempotentClientReference) return { status: 'unknown', error: 'the previous send attempt was interrupted and this provider cannot deduplicate a re-send' };
      }
      const hooks = webhooks(connection.id);
      const res = await adapter.send({ messageId: input.messageId, from: input.from, to: input.to, body: input.body, dlrUrl: hooks.dlr, moUrl: hooks.mo });
      await insertOnboardingEvent(db, input.accountId, 'test_message_sent', { message_id: input.messageId, to: input.to, outcome: res.outcome });
      switch (res.outcome) {
        case 'accepted':
          await recordSubmits(db, [{ id: input.messageId, status: 'submitted', providerMessageId: res.providerMessageId, providerStatus: res.providerStatus ?? null }]);
          return { status: 'submitted', providerMessageId: res.providerMessageId };
        case 'rejected':
          await recordSubmits(db, [{ id: input.messageId, status: 'rejected', reason: res.reason, errorCode: res.errorCode ?? null, errorText: res.errorText ?? null }]);
          return { status: 'rejected', error: `provider refused the test message: ${res.errorText ?? res.reason}` };
        case 'auth_failed':
          await recordSubmits(db, [{ id: input.messageId, status: 'failed', reason: 'provider_error', errorText: res.errorText }]);
          return { status: 'failed', error: `provider refused the credentials: ${res.errorText}` };
        case 'retry':
          await db.updateTable('messages').set({ status: 'queued' }).where('id', '=', input.messageId).where('status', '=', 'submitting').execute();
          throw ApplicationFailure.retryable(`provider asked to retry: ${res.errorText ?? ''}`, 'provider_retry');
      }
    },

    /** Applies receipts of the test message with the message machine and marks them applied. @returns the stored status. */
    async applyOnboardingDlrs(input: { messageId: string; events: DlrSignalEvent[] }): Promise<{ status: MessageStatus; reason: string | null }> {
      const row = await db.selectFrom('messages').select(['status', 'status_reason', 'segments']).where('id', '=', input.messageId).executeTakeFirstOrThrow();
      let state = storedMessageState(row.status, row.status_reason as FailureReason | null, row.segments);
      for (const e of input.events) state = applyMessageEvent(state, toDlrEvent(e)).state;
      await flushStates(db, [{ id: input.messageId, status: state.status, reason: state.reason ?? null, errorCode: state.errorCode ?? null, providerStatus: state.providerStatus ?? null }]);
      await markApplied(db, input.events.map((e) => e.eventId));
      const after = await db.selectFrom('messages').select(['status', 'status_reason']).where('id', '=', input.messageId).executeTakeFirstOrThrow();
      return { status: after.status, reason: after.status_reason };
    },

    /** Opted-in contacts of the account (consent step). */
    /**
     * Writes the keyword step into the inbound path's account-level settings (`keyword_settings`,
     * sender ''): the program name becomes `{brand}` of the auto-replies, and custom packs replace the
     * account's packs; without custom packs the shipped defaults stay in force. Tolerant mode and the
     * help contact already set through `/v1/keywords` are kept. Idempotent.
     */
    async applyOnboardingKeywords(input: { accountId: string; programName: string; packs: OnboardingKeywordPack[] | null }): Promise<void> {
      const current = await db.selectFrom('keyword_settings').select(['tolerant', 'help_contact', 'packs']).where('account_id', '=', input.accountId).where('sender', '=', '').executeTakeFirst();
      await saveKeywordSettings(db, input.accountId, {
        sender: '',
        tolerant: current?.tolerant ?? false,
        brandName: input.programName,
        helpContact: current?.help_contact ?? null,
        packs: input.packs ? toInboundKeywordPacks(input.packs) : ((current?.packs as KeywordSettingsRow['packs'] | undefined) ?? null),
      });
      logger.info({ accountId: input.accountId, custom: input.packs !== null }, 'onboarding keyword settings applied');
    },

    async countOnboardingConsent(input: { accountId: string }): Promise<number> {
      return countOptedInContacts(db, input.accountId);
    },

    /** Makes the MO webhook signal `workflowId` for replies from `phone`. */
    async registerOnboardingTestNumber(input: { accountId: string; phone: string; workflowId: string }): Promise<void> {
      await registerTestNumber(db, input.accountId, input.phone, input.workflowId);
    },

    /** What the database shows for a reply: the number's consent and the reply's user event. */
    async checkTwoWayEvidence(input: { accountId: string; phone: string; inboundMessageId: string }): Promise<{ consent: string | null; contactId: string | null; userEvent: { id: string; type: string } | null }> {
      const consent = await consentOfPhone(db, input.accountId, input.phone);
      return { consent: consent?.status ?? null, contactId: consent?.contactId ?? null, userEvent: await userEventOfInbound(db, input.accountId, input.inboundMessageId) };
    },

    /**
     * Stores the test campaign (audience: opted-in contacts matching `filter`) and renders its first
     * message for the checklist. The record's workflow id is where the child campaign runs.
     */
    async prepareOnboardingTestCampaign(input: { accountId: string; connectionId: string; sender: string; body: string; filter: Record<string, string>; fields: Record<string, string> }): Promise<TestCampaignPreview> {
      const segment = await firstSegmentContact(db, input.accountId, input.filter);
      if (segment.count === 0) return { campaignId: '', workflowId: '', audienceSize: 0, preview: null };
      const { campaign } = await insertCampaign(db, {
        accountId: input.accountId,
        name: 'Onboarding test campaign',
        connectionId: input.connectionId,
        sender: input.sender,
        audience: { filter: input.filter },
        fields: input.fields,
        settings: { onboarding: true },
        variants: [{ key: 'A', weight: 1, body: input.body }],
      });
      const c = segment.first!;
      const scope = { ...c.attributes, contact: { phone: c.phone_e164, country: c.country, time_zone: c.time_zone, attributes: c.attributes }, campaign: { id: campaign.id, name: campaign.name, ...input.fields } };
      const rendered = renderer.render(input.body, scope);
      const text = rendered.ok ? rendered.text : '';
      const seg = measureSegments(text);
      const fields: Record<string, string> = {};
      for (const m of input.body.matchAll(LIQUID_VAR)) {
        const path = m[1]!;
        const value = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), scope);
        fields[path] = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`;
      }
      await insertOnboardingEvent(db, input.accountId, 'test_campaign_created', { campaign_id: campaign.id, audience: segment.count });
      logger.info({ accountId: input.accountId, campaignId: campaign.id }, 'onboarding test campaign stored');
      return { campaignId: campaign.id, workflowId: campaign.workflow_id, audienceSize: segment.count, preview: { to: c.phone_e164, text, characters: seg.characters, encoding: seg.encoding, segments: seg.segments, units: seg.units, fields } };
    },

    /** The account's message stats (monitor step). */
    async loadOnboardingStats(input: { accountId: string }): Promise<{ campaigns: number; messages: number; byStatus: Record<string, number> }> {
      return accountMessageStats(db, input.accountId);
    },

    /** Records a registration reminder (the operator-facing audit trail; notifications hook in here). */
    async recordRegistrationReminder(input: { accountId: string; pending: string[]; reminder: number }): Promise<void> {
      logger.info({ accountId: input.accountId, pending: input.pending, reminder: input.reminder }, 'onboarding: registrations still awaiting approval');
      await insertOnboardingEvent(db, input.accountId, 'registration_reminder', { pending: input.pending, reminder: input.reminder });
    },
  };
}
