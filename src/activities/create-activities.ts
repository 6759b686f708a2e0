import type { ActivityDeps } from './activity-deps.js';
import { createBatchActivities } from './batch-activities.js';
import { createCampaignActivities } from './campaign-activities.js';
import { createAbWinnerActivities } from './ab-winner-activities.js';

/** Every activity the worker registers, built from one set of dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createCampaignActivities(deps), ...createBatchActivities(deps), ...createAbWinnerActivities(deps) };
}

/** The activity implementations' type, for `proxyActivities<Activities>()` in workflows. */
export type Activities = ReturnType<typeof createActivities>;
