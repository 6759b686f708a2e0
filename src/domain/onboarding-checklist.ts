/**
 * The ten-step SMS onboarding checklist as pure data and functions (no I/O, no clock: callers pass
 * the time, in workflows the workflow's own time). Each step has a status, the evidence that proved
 * it, timestamps and the last error; a step unlocks when every step it depends on is done, so
 * independent steps can be worked on in any order.
 *
 * Status meanings:
 * - `locked`: a dependency is not done yet;
 * - `pending`: can be started;
 * - `in_progress`: accepted input, waiting for an activity or an external fact (DLR, MO, approval);
 * - `blocked`: waiting on something outside smsflow that failed or is overdue (registration rejected,
 *   no DLR in time); the step says what to check in `lastError`;
 * - `done`: proved, with `evidence`;
 * - `failed`: an action failed (test connection refused); the user can retry.
 *
 * @module
 */

/** The ten steps, in the order the checklist shows them. */
export const ONBOARDING_STEPS = [
  'countries',
  'sending_option',
  'senders',
  'connect_provider',
  'callbacks',
  'consent',
  'keywords',
  'test_campaign',
  'two_way',
  'monitor',
] as const;

export type OnboardingStepId = (typeof ONBOARDING_STEPS)[number];

export type StepStatus = 'locked' | 'pending' | 'in_progress' | 'blocked' | 'done' | 'failed';

/**
 * What each step waits for. Consent and sending option depend on nothing; the test campaign needs a
 * working, called-back provider, registered senders and opted-in contacts; monitoring needs a test
 * campaign to show.
 */
export const STEP_DEPENDENCIES: Readonly<Record<OnboardingStepId, readonly OnboardingStepId[]>> = {
  countries: [],
  sending_option: [],
  senders: ['countries', 'sending_option'],
  connect_provider: ['sending_option'],
  callbacks: ['connect_provider'],
  consent: [],
  keywords: ['countries'],
  test_campaign: ['senders', 'callbacks', 'consent', 'keywords'],
  two_way: ['callbacks', 'keywords'],
  monitor: ['test_campaign'],
};

/** One step's state. Timestamps are ISO 8601 UTC strings (JSON-safe for queries and continue-as-new). */
export interface StepState {
  id: OnboardingStepId;
  status: StepStatus;
  /** What proved the step (ids, counts, URLs, provider answers); null until there is some. */
  evidence: Record<string, unknown> | null;
  /** Details shown while in progress (e.g. registrations and their statuses, the test message id). */
  detail: Record<string, unknown> | null;
  unlockedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string | null;
  lastError: string | null;
}

/** The whole checklist. */
export interface Checklist {
  steps: Record<OnboardingStepId, StepState>;
}

/** Thrown when an action targets a step whose dependencies are not done. */
export class StepLockedError extends Error {
  readonly code = 'onboarding_step_locked';
  override readonly name = 'StepLockedError';
  constructor(
    readonly step: OnboardingStepId,
    readonly waitingFor: OnboardingStepId[],
  ) {
    super(`step ${step} is locked: waiting for ${waitingFor.join(', ')}`);
  }
}

/** A new checklist at `now` (ISO): steps without dependencies are pending, the rest locked. */
export function initialChecklist(now: string): Checklist {
  const steps = {} as Record<OnboardingStepId, StepState>;
  for (const id of ONBOARDING_STEPS) {
    const free = STEP_DEPENDENCIES[id].length === 0;
    steps[id] = { id, status: free ? 'pending' : 'locked', evidence: null, detail: null, unlockedAt: free ? now : null, startedAt: null, completedAt: null, updatedAt: now, lastError: null };
  }
  return { steps };
}

/** The dependencies of `step` that are not done yet (empty when it can be acted on). */
export function waitingFor(cl: Checklist, step: OnboardingStepId): OnboardingStepId[] {
  return STEP_DEPENDENCIES[step].filter((d) => cl.steps[d].status !== 'done');
}

/**
 * Throws unless `step` can be acted on.
 * @throws {StepLockedError} naming the dependencies that are not done.
 */
export function assertUnlocked(cl: Checklist, step: OnboardingStepId): void {
  const missing = waitingFor(cl, step);
  if (missing.length > 0) throw new StepLockedError(step, missing);
}

/** Unlocks every locked step whose dependencies are all done. Mutates and returns `cl`. */
export function unlockSteps(cl: Checklist, now: string): Checklist {
  for (const id of ONBOARDING_STEPS) {
    const s = cl.steps[id];
    if (s.status === 'locked' && waitingFor(cl, id).length === 0) Object.assign(s, { status: 'pending', unlockedAt: now, updatedAt: now });
  }
  return cl;
}

/** Marks a step in progress (keeps `startedAt` of an earlier attempt), clearing its last error. */
export function startStep(cl: Checklist, id: OnboardingStepId, now: string, detail?: Record<string, unknown>): Checklist {
  assertUnlocked(cl, id);
  const s = cl.steps[id];
  Object.assign(s, { status: 'in_progress', startedAt: s.startedAt ?? now, updatedAt: now, lastError: null, completedAt: null });
  if (detail) s.detail = { ...(s.detail ?? {}), ...detail };
  return cl;
}

/** Merges into a step's detail without changing its status. */
export function updateDetail(cl: Checklist, id: OnboardingStepId, now: string, detail: Record<string, unknown>): Checklist {
  const s = cl.steps[id];
  s.detail = { ...(s.detail ?? {}), ...detail };
  s.updatedAt = now;
  return cl;
}

/** Marks a step done with its evidence, then unlocks what depended on it. */
export function completeStep(cl: Checklist, id: OnboardingStepId, now: string, evidence: Record<string, unknown>): Checklist {
  const s = cl.steps[id];
  Object.assign(s, { status: 'done', evidence, startedAt: s.startedAt ?? now, completedAt: now, updatedAt: now, lastError: null });
  return unlockSteps(cl, now);
}

/** Marks a step failed (an action failed; retry possible) or blocked (waiting on an outside fix). */
export function setStepError(cl: Checklist, id: OnboardingStepId, now: string, status: 'failed' | 'blocked', error: string): Checklist {
  Object.assign(cl.steps[id], { status, lastError: error, updatedAt: now });
  return cl;
}

/**
 * The step an operator should look at: the first, in checklist order, that is not done and not
 * locked (in progress, blocked or failed before pending), or `complete` when all are done.
 */
export function currentStep(cl: Checklist): OnboardingStepId | 'complete' {
  const open = ONBOARDING_STEPS.filter((id) => cl.steps[id].status !== 'done' && cl.steps[id].status !== 'locked');
  const rank: Record<StepStatus, number> = { blocked: 0, failed: 1, in_progress: 2, pending: 3, locked: 4, done: 5 };
  open.sort((a, b) => rank[cl.steps[a].status] - rank[cl.steps[b].status] || ONBOARDING_STEPS.indexOf(a) - ONBOARDING_STEPS.indexOf(b));
  return open[0] ?? (ONBOARDING_STEPS.every((id) => cl.steps[id].status === 'done') ? 'complete' : 'countries');
}

/** True when every step is done. */
export function checklistComplete(cl: Checklist): boolean {
  return ONBOARDING_STEPS.every((id) => cl.steps[id].status === 'done');
}
