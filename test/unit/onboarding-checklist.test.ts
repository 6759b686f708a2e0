import { describe, expect, it } from 'vitest';
import {
  ONBOARDING_STEPS,
  STEP_DEPENDENCIES,
  StepLockedError,
  checklistComplete,
  completeStep,
  currentStep,
  initialChecklist,
  setStepError,
  startStep,
} from '../../src/domain/onboarding-checklist.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';

describe('onboarding checklist', () => {
  it('starts with the dependency-free steps pending and the rest locked', () => {
    const cl = initialChecklist(T0);
    const pending = ONBOARDING_STEPS.filter((s) => cl.steps[s].status === 'pending');
    expect(pending).toEqual(['countries', 'sending_option', 'consent']);
    expect(cl.steps.monitor.status).toBe('locked');
    expect(currentStep(cl)).toBe('countries');
  });

  it('refuses to start a locked step, naming what it waits for', () => {
    const cl = initialChecklist(T0);
    expect(() => startStep(cl, 'test_campaign', T1)).toThrow(StepLockedError);
    try {
      startStep(cl, 'senders', T1);
    } catch (err) {
      expect((err as StepLockedError).waitingFor).toEqual(['countries', 'sending_option']);
    }
  });

  it('unlocks a step when all its dependencies are done, independent ones in any order', () => {
    const cl = initialChecklist(T0);
    completeStep(cl, 'consent', T1, { contacts: 1 });
    completeStep(cl, 'sending_option', T1, { option: 'managed' });
    expect(cl.steps.connect_provider.status).toBe('pending');
    expect(cl.steps.senders.status).toBe('locked');
    completeStep(cl, 'countries', T1, { countries: ['US'] });
    expect(cl.steps.senders.status).toBe('pending');
    expect(cl.steps.senders.unlockedAt).toBe(T1);
    expect(cl.steps.keywords.status).toBe('pending');
  });

  it('records timestamps, evidence and the last error', () => {
    const cl = initialChecklist(T0);
    startStep(cl, 'sending_option', T0);
    setStepError(cl, 'sending_option', T1, 'failed', 'boom');
    expect(cl.steps.sending_option).toMatchObject({ status: 'failed', lastError: 'boom', startedAt: T0, updatedAt: T1 });
    expect(currentStep(cl)).toBe('sending_option');
    startStep(cl, 'sending_option', T1);
    expect(cl.steps.sending_option.lastError).toBeNull();
    completeStep(cl, 'sending_option', T1, { option: 'managed' });
    expect(cl.steps.sending_option).toMatchObject({ status: 'done', evidence: { option: 'managed' }, startedAt: T0, completedAt: T1 });
  });

  it('is complete when every step is done, in dependency order', () => {
    const cl = initialChecklist(T0);
    const order = [...ONBOARDING_STEPS];
    while (order.length) {
      const i = order.findIndex((s) => STEP_DEPENDENCIES[s].every((d) => cl.steps[d].status === 'done'));
      completeStep(cl, order.splice(i, 1)[0]!, T1, {});
    }
    expect(checklistComplete(cl)).toBe(true);
    expect(currentStep(cl)).toBe('complete');
  });
});
