import { condition, getExternalWorkflowHandle, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import { inboundPartArrivedSignal, onboardingReplySignal, onboardingWorkflowId } from './inbound-message-signals.js';
import type { OnboardingReplyPayload } from './inbound-message-signals.js';

/** Input of {@link inboundMessageWorkflow}. */
export interface InboundMessageInput {
  accountId: string;
  connectionId: string;
  /** `inbound_messages.id` of the MO (or of the part whose arrival started the workflow). */
  inboundMessageId: string;
  /** For a part of a concatenated MO: its group (sender + concat reference + part count). */
  concat?: { from: string; ref: string; total: number };
  /** How long to wait for missing parts before handling what arrived, ms. */
  concatWaitMs: number;
  /** Replies are attributed to the last campaign message to the number within this window, ms. */
  attributionWindowMs: number;
}

/** What the workflow did, for tests and the Temporal UI. */
export interface InboundMessageResult extends OnboardingReplyPayload {
  parts: number;
  complete: boolean;
}

const { assembleInboundMessage, classifyInboundMessage, recordInboundConsent, sendInboundAutoReply, recordInboundReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One workflow per inbound message (DESIGN.md "Webhooks": started after the MO is logged and
 * answered; id `inbound/<connection>/<provider message id>`, or per concat group for multi-part MOs,
 * so a provider's retry or the sweeper cannot start it twice):
 * 1. reassemble a multi-part MO: wait (a timer, `concatWaitMs`) for every part, woken by
 *    `inboundPartArrived`, then go on with what arrived;
 * 2. classify it with the account's (or sender's) keyword packs;
 * 3. record an opt-out / opt-in in the consent ledger: effective for the very next send;
 * 4. send exactly one auto-reply (STOP confirmation — exempt from the suppression it just created —
 *    START confirmation, HELP text; HELP never changes consent), claimed so a retry never resends;
 * 5. record the reply as a user event attributed to the last campaign message within the window;
 * 6. signal `onboardingReply` to `onboarding/<account>`; no onboarding workflow is fine.
 */
export async function inboundMessageWorkflow(input: InboundMessageInput): Promise<InboundMessageResult> {
  let arrivals = 0;
  setHandler(inboundPartArrivedSignal, () => {
    arrivals += 1;
  });
  const deadline = Date.now() + input.concatWaitMs;
  let assembled = await assembleInboundMessage({ inboundMessageId: input.inboundMessageId, ...(input.concat ? { concat: input.concat } : {}), force: false });
  while (!assembled.complete) {
    const seen = arrivals;
    const remaining = deadline - Date.now();
    const woken = remaining > 0 && (await condition(() => arrivals > seen, remaining));
    assembled = await assembleInboundMessage({ inboundMessageId: input.inboundMessageId, ...(input.concat ? { concat: input.concat } : {}), force: !woken });
  }
  const head = assembled.headId!;
  const classified = await classifyInboundMessage({ inboundMessageId: head });
  if (classified.category === 'opt_out' || classified.category === 'opt_in') {
    await recordInboundConsent({ inboundMessageId: head, category: classified.category, keyword: classified.keyword ?? '' });
  }
  const reply = classified.category
    ? await sendInboundAutoReply({ inboundMessageId: head, category: classified.category, locale: classified.locale ?? 'en' })
    : { sent: false };
  await recordInboundReply({ inboundMessageId: head, classification: classified.classification, attributionWindowMs: input.attributionWindowMs });

  const payload: OnboardingReplyPayload = {
    from: classified.from,
    to: classified.to,
    classification: classified.classification,
    body: classified.body,
    inboundMessageId: head,
    autoReplySent: reply.sent,
  };
  try {
    await getExternalWorkflowHandle(onboardingWorkflowId(input.accountId)).signal(onboardingReplySignal, payload);
  } catch (err) {
    // The account has no running onboarding workflow: nothing awaits this reply.
    if (!(err instanceof Error) || !/not found/i.test(err.message)) throw err;
  }
  return { ...payload, parts: assembled.parts, complete: assembled.complete && !assembled.forced };
}
