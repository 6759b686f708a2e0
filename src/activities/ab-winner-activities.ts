import { ApplicationFailure } from '@temporalio/activity';
import { AbMetricUnavailableError, pickAbWinner } from '../domain/ab-winner.js';
import type { AbMetric } from '../domain/ab-winner.js';
import { abTestFigures, applyAbDecision } from '../db/ab-result-repository.js';
import type { AbResult } from '../db/ab-result-repository.js';
import type { ActivityDeps } from './activity-deps.js';

/** The A/B winner-mode activity, built from its dependencies. */
export function createAbWinnerActivities(deps: ActivityDeps) {
  const { db } = deps;
  const clock = deps.now;
  return {
    /**
     * Picks the winning variant on the test share (recipients with seq ≤ `testSeqTo`) by `metric`,
     * stores the decision in `campaigns.ab_result` and assigns the winner to every later recipient,
     * once (a retry answers the first decision).
     * @throws ApplicationFailure (non-retryable, `ab_metric_unavailable`) when the figures lack the
     *   metric (a defect: clicks are always counted).
     */
    async pickAbWinner(input: { campaignId: string; metric: AbMetric; testSeqTo: number }): Promise<AbResult> {
      const figures = await abTestFigures(db, input.campaignId, input.testSeqTo);
      try {
        return await applyAbDecision(db, input.campaignId, input.testSeqTo, pickAbWinner(input.metric, figures), clock());
      } catch (err) {
        if (err instanceof AbMetricUnavailableError) throw ApplicationFailure.nonRetryable(err.message, err.code);
        throw err;
      }
    },
  };
}
