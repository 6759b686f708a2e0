import type { TestStack } from './test-stack.js';

/** A step as the API answers it. */
export interface StepBody {
  id: string;
  status: string;
  evidence: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  lastError: string | null;
  completedAt: string | null;
}

/** The checklist as the API answers it. */
export interface ChecklistBody {
  workflow_id: string;
  current_step: string;
  complete: boolean;
  steps: StepBody[];
}

/** Fast test durations for `POST /v1/onboarding`, seconds. */
export const FAST_ONBOARDING = {
  reminder_interval_seconds: 1,
  callback_timeout_seconds: 4,
  two_way_timeout_seconds: 4,
  consent_recheck_seconds: 1,
  test_campaign_dlr_timeout_seconds: 30,
};

/** Reads the checklist over the API. */
export async function checklist(stack: TestStack): Promise<ChecklistBody> {
  const res = await stack.call<ChecklistBody>('GET', '/v1/onboarding');
  if (res.status !== 200) throw new Error(`GET /v1/onboarding: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls the checklist until `pred(step)` holds for `stepId`; returns the step. */
export async function waitForStep(stack: TestStack, stepId: string, pred: (s: StepBody) => boolean, timeoutMs = 30_000): Promise<StepBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const step = (await checklist(stack)).steps.find((s) => s.id === stepId)!;
    if (pred(step)) return step;
    if (Date.now() > deadline) throw new Error(`step ${stepId} did not reach the expected state: ${JSON.stringify(step)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Posts a step's Update over the API. */
export function postStep<T = StepBody>(stack: TestStack, step: string, body: unknown) {
  return stack.call<T>('POST', `/v1/onboarding/steps/${step}`, body);
}

/** A complete US 10DLC registration of `sender`. */
export function usTenDlc(sender: string) {
  return {
    country: 'US',
    sender_type: 'long_code',
    sender,
    ten_dlc: {
      brand: { legal_name: 'Acme Inc.', ein: '12-3456789', entity_type: 'private_profit', vertical: 'RETAIL', website: 'https://acme.example.com' },
      campaign: {
        use_case: 'ACCOUNT_NOTIFICATION',
        description: 'Order and delivery notifications for Acme customers who asked for them.',
        message_flow: 'Customers tick an unchecked SMS box at checkout on acme.example.com/checkout.',
        sample_messages: [
          'Acme: your order 123 has shipped. Reply STOP to opt out.',
          'Acme: your appointment is tomorrow at 10:00. Reply HELP for help.',
          'Acme: your package was delivered today. Msg&data rates may apply.',
        ],
      },
    },
  };
}
