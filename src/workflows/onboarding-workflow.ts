import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  executeChild,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities/create-activities.js';
import { requirementsFor } from '../domain/country-rules.js';
import { defaultKeywordPacks } from '../domain/onboarding-keyword-pack.js';
import { isFinalStatus } from '../domain/message-status.js';
import type { OnboardingStepId, StepState } from '../domain/onboarding-checklist.js';
import {
  checklistComplete,
  completeStep,
  currentStep,
  initialChecklist,
  ONBOARDING_STEPS,
  setStepError,
  startStep,
  updateDetail,
  waitingFor,
} from '../domain/onboarding-checklist.js';
import type { StepInputs } from '../domain/onboarding-step-input.js';
import { validateStepInput } from '../domain/onboarding-step-input.js';
import { countryRule } from '../domain/country-rules.js';
import { campaignWorkflow } from './campaign-workflow.js';
import type { OnboardingInput, OnboardingReply, OnboardingView } from './onboarding-definitions.js';
import {
  consentChangedSignal,
  ONBOARDING_STEP_LOCKED_FAILURE,
  ONBOARDING_VALIDATION_FAILURE,
  onboardingChecklistQuery,
  onboardingReplySignal,
  registrationDecisionSignal,
  stepUpdates,
} from './onboarding-definitions.js';
import { AccountIdKey, CampaignIdKey, OnboardingStepKey } from './search-attributes.js';
import type { DlrSignalEvent } from './send-batch-workflow.js';
import { dlrEventsSignal } from './send-batch-workflow.js';

const act = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 10 } });

/** A sender registration as the checklist tracks it (draft → submitted → approved | rejected). */
interface Registration {
  sender: string;
  country: string;
  senderType: string;
  registration: string;
  status: 'submitted' | 'approved' | 'rejected';
  reason: string | null;
  submittedAt: string;
  decidedAt: string | null;
}

/**
 * The SMS onboarding checklist of one account (workflow id `onboarding/<accountId>`), DESIGN.md
 * "Onboarding". User actions are Updates (`step.<id>`) whose validators check the step is unlocked
 * and the input meets the country rules, so bad input is refused synchronously and leaves no history.
 * External facts are signals: `registrationDecision`, `dlrEvents` (the test message's receipts, routed
 * by the DLR dispatcher because the message row names this workflow as its owner), `onboardingReply`
 * (MOs from the test number) and `consentChanged`. The checklist is the `checklist` query and the
 * `OnboardingStep` search attribute. Long waits are timers, never polling processes.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingView> {
  const { accountId, options } = input;
  const wfId = workflowInfo().workflowId;
  const now = () => new Date().toISOString();
  const cl = initialChecklist(now());
  const s = {
    countries: [] as string[],
    connectionId: '',
    testNumber: '',
    registrations: [] as Registration[],
    decisions: 0,
    dlrs: [] as DlrSignalEvent[],
    seenDlrs: new Set<string>(),
    replies: [] as OnboardingReply[],
    consentRequests: 0,
    consentChecks: 0,
    campaignId: '',
    gen: {} as Partial<Record<OnboardingStepId, number>>,
  };
  // The API starts the workflow with OnboardingStep = countries: no upsert until it changes.
  let published = 'countries';
  const publish = () => {
    const step = currentStep(cl);
    if (step !== published) upsertSearchAttributes([{ key: OnboardingStepKey, value: step }]);
    published = step;
  };
  const view = (): OnboardingView => ({ accountId, currentStep: currentStep(cl), complete: checklistComplete(cl), countries: s.countries, steps: ONBOARDING_STEPS.map((id) => cl.steps[id]) });
  const nextGen = (step: OnboardingStepId) => (s.gen[step] = (s.gen[step] ?? 0) + 1);
  /** Runs a step's background work; a newer submission of the step makes older work stop writing. */
  const background = (step: OnboardingStepId, work: (live: () => boolean) => Promise<void>) => {
    const gen = nextGen(step);
    const live = () => s.gen[step] === gen;
    void work(live)
      .catch((err: unknown) => {
        if (live()) setStepError(cl, step, now(), 'failed', err instanceof Error ? err.message : String(err));
      })
      .finally(publish);
  };
  /** Waits for `pred`; after `timeoutMs` marks the step blocked with `hint`, keeps waiting, then resumes it. */
  const waitOrBlock = async (step: OnboardingStepId, pred: () => boolean, timeoutMs: number, hint: string) => {
    if (await condition(pred, timeoutMs)) return;
    setStepError(cl, step, now(), 'blocked', hint);
    publish();
    await condition(pred);
    Object.assign(cl.steps[step], { status: 'in_progress', updatedAt: now() });
  };

  const handle = <S extends OnboardingStepId>(step: S, run: (input: StepInputs[S]) => Promise<void> | void) => {
    setHandler(
      stepUpdates[step] as UpdateDefinition<StepState, [StepInputs[S]]>,
      async (stepInput: StepInputs[S]): Promise<StepState> => {
        await run(stepInput);
        publish();
        return cl.steps[step];
      },
      {
        validator: (stepInput: StepInputs[S]) => {
          const missing = waitingFor(cl, step);
          if (missing.length > 0) throw ApplicationFailure.create({ type: ONBOARDING_STEP_LOCKED_FAILURE, message: `step ${step} is locked: waiting for ${missing.join(', ')}`, details: [missing], nonRetryable: true });
          const errors = validateStepInput(step, stepInput, { countries: s.countries });
          if (errors.length > 0) throw ApplicationFailure.create({ type: ONBOARDING_VALIDATION_FAILURE, message: errors.map((e) => `${e.field}: ${e.reason}`).join('; '), details: [errors], nonRetryable: true });
        },
      },
    );
  };

  handle('countries', ({ countries }) => {
    s.countries = countries.map((c) => c.toUpperCase());
    completeStep(cl, 'countries', now(), { countries: s.countries, requirements: requirementsFor(s.countries) });
  });
  handle('sending_option', ({ option, provider }) => void completeStep(cl, 'sending_option', now(), { option, provider }));

  handle('senders', ({ registrations }) => {
    s.registrations = registrations.map((r) => {
      const rule = countryRule(r.country)!.senderTypes[r.sender_type];
      const needs = rule.registration !== 'none';
      return { sender: r.sender, country: r.country.toUpperCase(), senderType: r.sender_type, registration: rule.registration, status: needs ? 'submitted' : 'approved', reason: null, submittedAt: now(), decidedAt: needs ? null : now() };
    });
    startStep(cl, 'senders', now(), { registrations: s.registrations, reminders: 0 });
    background('senders', async (live) => {
      let reminders = 0;
      for (;;) {
        const rejected = s.registrations.filter((r) => r.status === 'rejected');
        if (rejected.length > 0) {
          setStepError(cl, 'senders', now(), 'blocked', rejected.map((r) => `${r.country} ${r.sender} rejected: ${r.reason ?? 'no reason given'}`).join('; ') + '. Fix and resubmit the registration.');
          return;
        }
        if (s.registrations.every((r) => r.status === 'approved')) {
          completeStep(cl, 'senders', now(), { registrations: s.registrations });
          return;
        }
        const seen = s.decisions;
        // A durable timer, not a poll: woken by a decision signal or by the reminder interval.
        if (!(await condition(() => s.decisions !== seen || !live(), options.reminderIntervalMs))) {
          reminders += 1;
          const pending = s.registrations.filter((r) => r.status === 'submitted').map((r) => `${r.country} ${r.sender}`);
          await act.recordRegistrationReminder({ accountId, pending, reminder: reminders });
          updateDetail(cl, 'senders', now(), { reminders, lastReminderAt: now() });
        }
        if (!live()) return;
        updateDetail(cl, 'senders', now(), { registrations: s.registrations });
        publish();
      }
    });
  });
  setHandler(registrationDecisionSignal, (d) => {
    const r = s.registrations.find((x) => x.sender === d.sender && (!d.country || x.country === d.country.toUpperCase()));
    if (!r || r.status !== 'submitted') return;
    Object.assign(r, { status: d.status, reason: d.reason ?? null, decidedAt: now() });
    s.decisions += 1;
  });

  handle('connect_provider', async ({ connection_id }) => {
    startStep(cl, 'connect_provider', now());
    const check = await act.testOnboardingConnection({ accountId, connectionId: connection_id });
    if (!check.ok) return void setStepError(cl, 'connect_provider', now(), 'failed', `test connection failed: ${check.reason}`);
    s.connectionId = check.connectionId;
    completeStep(cl, 'connect_provider', now(), { connection_id: check.connectionId, provider: check.provider, webhooks: check.webhooks, tested_at: now() });
  });

  setHandler(dlrEventsSignal, ({ events }) => {
    for (const e of events) {
      if (s.seenDlrs.has(e.eventId)) continue; // signals may be delivered twice
      s.seenDlrs.add(e.eventId);
      s.dlrs.push(e);
    }
  });
  setHandler(onboardingReplySignal, (r) => {
    // inboundMessage signals every MO of the account; only the test number's replies prove anything.
    if (s.testNumber && r.from !== s.testNumber) return;
    if (!s.replies.some((x) => x.inboundMessageId === r.inboundMessageId)) s.replies.push(r);
  });

  handle('callbacks', async ({ test_number, sender, body }) => {
    const webhooks = (cl.steps.connect_provider.evidence as { webhooks: { dlr: string; mo: string } }).webhooks;
    s.testNumber = test_number;
    const messageId = uuid4();
    startStep(cl, 'callbacks', now(), { webhooks, test_number, sender, test_message_id: messageId, waiting_for: 'dlr' });
    await act.registerOnboardingTestNumber({ accountId, phone: test_number, workflowId: wfId });
    const repliesBefore = s.replies.length;
    background('callbacks', async (live) => {
      const sent = await act.sendOnboardingTestMessage({ accountId, connectionId: s.connectionId, workflowId: wfId, messageId, from: sender, to: test_number, body: body ?? 'smsflow test message: reply to this message to finish the callbacks check.' });
      if (!live()) return;
      if (sent.status !== 'submitted') return void setStepError(cl, 'callbacks', now(), 'failed', sent.error ?? `test message ${sent.status}`);
      updateDetail(cl, 'callbacks', now(), { provider_message_id: sent.providerMessageId });
      publish();
      let status: string = sent.status;
      let reason: string | null = null;
      while (!isFinalStatus(status as never)) {
        await waitOrBlock('callbacks', () => s.dlrs.some((e) => e.messageId === messageId) || !live(), options.callbackTimeoutMs,
          `no delivery receipt for test message ${messageId} within ${options.callbackTimeoutMs / 1000} s: check that the provider posts status callbacks to ${webhooks.dlr}, that this URL (PUBLIC_BASE_URL) is reachable from the provider, and that the connection's webhook secret matches`);
        if (!live()) return;
        const events = s.dlrs.filter((e) => e.messageId === messageId);
        s.dlrs = s.dlrs.filter((e) => e.messageId !== messageId);
        ({ status, reason } = await act.applyOnboardingDlrs({ messageId, events }));
      }
      if (status !== 'delivered') return void setStepError(cl, 'callbacks', now(), 'failed', `the test message was ${status}${reason ? ` (${reason})` : ''}: check the test number and the sender`);
      updateDetail(cl, 'callbacks', now(), { dlr: { status, at: now() }, waiting_for: 'mo' });
      publish();
      const fromTest = () => s.replies.slice(repliesBefore).find((r) => r.from === test_number);
      await waitOrBlock('callbacks', () => !!fromTest() || !live(), options.callbackTimeoutMs,
        `no reply from ${test_number} within ${options.callbackTimeoutMs / 1000} s: reply to the test message, and check that the provider posts inbound messages for ${sender} to ${webhooks.mo}`);
      if (!live()) return;
      const mo = fromTest()!;
      completeStep(cl, 'callbacks', now(), { test_message_id: messageId, dlr_status: status, mo: { inbound_message_id: mo.inboundMessageId, body: mo.body }, webhooks });
    });
  });

  handle('consent', async () => {
    if (cl.steps.consent.status === 'done') return;
    const seen = s.consentChecks;
    s.consentRequests += 1;
    await condition(() => s.consentChecks > seen);
  });
  setHandler(consentChangedSignal, () => void (s.consentRequests += 1));

  handle('keywords', async ({ program_name, packs }) => {
    // Histories recorded before the keyword step wrote keyword_settings replay without the activity.
    if (patched('onboarding-keywords-apply')) await act.applyOnboardingKeywords({ accountId, programName: program_name, packs: packs ?? null });
    completeStep(cl, 'keywords', now(), { program_name, packs: packs ?? defaultKeywordPacks(s.countries, program_name), defaults: packs === undefined });
  });

  handle('test_campaign', async ({ sender, body, audience_filter, fields }) => {
    startStep(cl, 'test_campaign', now(), { audience_filter });
    const prepared = await act.prepareOnboardingTestCampaign({ accountId, connectionId: s.connectionId, sender, body, filter: audience_filter, fields: fields ?? {} });
    if (prepared.audienceSize === 0) return void setStepError(cl, 'test_campaign', now(), 'failed', `no opted-in contact has the attributes ${JSON.stringify(audience_filter)}: import the test numbers with them first`);
    s.campaignId = prepared.campaignId;
    updateDetail(cl, 'test_campaign', now(), { campaign_id: prepared.campaignId, workflow_id: prepared.workflowId, audience: prepared.audienceSize, preview: prepared.preview });
    background('test_campaign', async (live) => {
      const result = await executeChild(campaignWorkflow, {
        workflowId: prepared.workflowId,
        args: [{ campaignId: prepared.campaignId, accountId, options: { batchSize: 50, maxConcurrentBatches: 1, dlrTimeoutMs: options.testCampaign.dlrTimeoutMs, flushIntervalMs: options.testCampaign.flushIntervalMs } }],
        typedSearchAttributes: [{ key: CampaignIdKey, value: prepared.campaignId }, { key: AccountIdKey, value: accountId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      if (!live()) return;
      const evidence = { campaign_id: prepared.campaignId, counts: result.counts, preview: prepared.preview };
      if (result.counts.delivered === prepared.audienceSize) completeStep(cl, 'test_campaign', now(), evidence);
      else setStepError(cl, 'test_campaign', now(), 'failed', `${result.counts.delivered} of ${prepared.audienceSize} test messages delivered: ${JSON.stringify(result.counts)}`);
    });
  });

  handle('two_way', async ({ test_number }) => {
    const number = test_number ?? s.testNumber;
    startStep(cl, 'two_way', now(), { test_number: number, waiting_for: ['STOP', 'HELP', 'reply'] });
    await act.registerOnboardingTestNumber({ accountId, phone: number, workflowId: wfId });
    const from = s.replies.length;
    background('two_way', async (live) => {
      const evidence: Record<string, unknown> = {};
      const want = { OPT_OUT: 'stop', HELP: 'help', NONE: 'reply' } as const;
      let next = from;
      while (Object.keys(evidence).length < 3) {
        const missing = Object.entries(want).filter(([, k]) => !(k in evidence)).map(([c]) => c);
        await waitOrBlock('two_way', () => s.replies.length > next || !live(), options.twoWayTimeoutMs,
          `still waiting for ${missing.join(', ')} from ${number}: send them from the test handset; check the MO webhook if they were sent`);
        if (!live()) return;
        const r = s.replies[next++]!;
        const key = r.from === number && r.classification !== 'OPT_IN' ? want[r.classification] : undefined;
        if (!key || key in evidence) continue;
        const db = await act.checkTwoWayEvidence({ accountId, phone: number, inboundMessageId: r.inboundMessageId });
        if (key === 'stop' && db.consent !== 'opted_out') continue; // not (yet) in the ledger: wait for the next STOP
        // STOP proves itself with its confirmation, HELP with its help text (CTIA): no auto-reply, no proof.
        if ((key === 'stop' || key === 'help') && !r.autoReplySent) continue;
        evidence[key] = { inbound_message_id: r.inboundMessageId, body: r.body, auto_reply_sent: r.autoReplySent, consent: db.consent, contact_id: db.contactId, user_event: db.userEvent };
        updateDetail(cl, 'two_way', now(), { received: Object.keys(evidence) });
        publish();
      }
      completeStep(cl, 'two_way', now(), evidence);
    });
  });

  let monitorRequests = 0;
  handle('monitor', () => void (monitorRequests += 1));
  setHandler(onboardingChecklistQuery, view);
  publish();

  // Consent: checked at start, then on request (Update, signal) or every consentRecheckMs.
  const consentLoop = async () => {
    while (cl.steps.consent.status !== 'done') {
      const n = await act.countOnboardingConsent({ accountId });
      s.consentChecks += 1;
      if (n > 0) completeStep(cl, 'consent', now(), { opted_in_contacts: n, checked_at: now() });
      else updateDetail(cl, 'consent', now(), { opted_in_contacts: 0, checked_at: now(), hint: 'import contacts with consent (POST /v1/contacts/import) or record opt-ins (POST /v1/contacts/{id}/opt-in)' });
      publish();
      const seen = s.consentRequests;
      if (n === 0) await condition(() => s.consentRequests !== seen, options.consentRecheckMs);
    }
  };
  const consent = consentLoop();

  while (!checklistComplete(cl)) {
    const seen = monitorRequests;
    await condition(() => checklistComplete(cl) || (cl.steps.monitor.status !== 'locked' && cl.steps.monitor.status !== 'done') || monitorRequests !== seen);
    if (cl.steps.monitor.status === 'locked' || checklistComplete(cl)) continue;
    const stats = await act.loadOnboardingStats({ accountId });
    if (stats.messages > 0) completeStep(cl, 'monitor', now(), { stats, links: { test_campaign: `/v1/campaigns/${s.campaignId}`, temporal_query: `AccountId = "${accountId}"` } });
    else setStepError(cl, 'monitor', now(), 'blocked', 'no messages recorded for this account yet');
    publish();
    if (cl.steps.monitor.status !== 'done') await condition(() => monitorRequests !== seen);
  }
  await consent;
  await condition(allHandlersFinished);
  publish();
  return view();
}
