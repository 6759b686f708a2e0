import type { WorkflowClient } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { findTestNumberWorkflow } from '../db/onboarding-repository.js';
import type { OnboardingReply } from '../workflows/onboarding-definitions.js';
import { onboardingReplySignal } from '../workflows/onboarding-definitions.js';
import type { RecordedInbound } from './webhook-routes.js';

const CLASSIFICATION: Record<string, OnboardingReply['classification']> = { opt_out: 'OPT_OUT', opt_in: 'OPT_IN', help: 'HELP' };

/**
 * The MO path's hook into onboarding (DESIGN.md: "signal onboarding if it awaits two-way proof from
 * that number"): for each recorded MO whose sender is a registered onboarding test number, signals
 * that workflow `onboardingReply`. Other numbers cost one indexed lookup and no Temporal call.
 * `autoReplySent` is false here: this branch sends no auto-replies (the inbound-message workflow
 * does, and signals the same payload). Never throws: a failed signal is logged, the MO stays recorded.
 */
export function createOnboardingReplyNotifier(db: Db, temporal: WorkflowClient, logger: Logger) {
  return async (events: RecordedInbound[]): Promise<void> => {
    for (const e of events) {
      try {
        const workflowId = await findTestNumberWorkflow(db, e.accountId, e.mo.from);
        if (!workflowId) continue;
        const reply: OnboardingReply = {
          from: e.mo.from,
          to: e.mo.to,
          classification: (e.keywordClass && CLASSIFICATION[e.keywordClass]) || 'NONE',
          body: e.mo.body,
          inboundMessageId: e.inboundMessageId,
          autoReplySent: false,
        };
        await temporal.getHandle(workflowId).signal(onboardingReplySignal, reply);
      } catch (err) {
        logger.warn({ err, accountId: e.accountId }, 'could not signal the onboarding workflow of an inbound test reply');
      }
    }
  };
}
