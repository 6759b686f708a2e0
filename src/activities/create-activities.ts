import type { ActivityDeps } from './activity-deps.js';
import { createBatchActivities } from './batch-activities.js';
import { createCampaignActivities } from './campaign-activities.js';
import { createAbWinnerActivities } from './ab-winner-activities.js';
import { createConsentImportActivities } from './consent-import-activities.js';
import { createInboundActivities } from './inbound-activities.js';
import { createOnboardingActivities } from './onboarding-activities.js';

/** Every activity the worker registers, built from one set of dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCampaignActivities(deps),
    ...createBatchActivities(deps),
    ...createAbWinnerActivities(deps),
    ...createInboundActivities(deps),
    ...createConsentImportActivities(deps),
    ...createOnboardingActivities(deps),
  };
}

/** The activity implementations' type, for `proxyActivities<Activities>()` in workflows. */
export type Activities = ReturnType<typeof createActivities>;
