import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ONBOARDING_STEPS } from '../domain/onboarding-checklist.js';
import type { OnboardingStepId } from '../domain/onboarding-checklist.js';
import type { StepInputs } from '../domain/onboarding-step-input.js';
import { DEFAULT_ONBOARDING_OPTIONS } from '../workflows/onboarding-definitions.js';
import type { OnboardingOptions, OnboardingView } from '../workflows/onboarding-definitions.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { createOnboardingWorkflowClient, onboardingWorkflowId } from './onboarding-workflow-client.js';
import { OnboardingSchema, OnboardingStepSchema, RegistrationDecisionBody, StartOnboardingBody, STEP_BODY_SCHEMAS } from './onboarding-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

const unauthorized = problemResponseSpec('Missing or bad API key');
const notStarted = problemResponseSpec('Onboarding has not been started');
const StartedSchema = z.object({ account_id: z.string(), workflow_id: z.string(), status: z.literal('started') }).openapi('OnboardingStarted');
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const startRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Start the onboarding checklist (idempotent)',
  description: 'Starts the workflow `onboarding/<account>` unless it already runs or ran; answers where it is. Read the checklist with GET.',
  security: BEARER_SECURITY,
  request: { body: { required: false, content: { 'application/json': { schema: StartOnboardingBody } } } },
  responses: {
    200: json(StartedSchema, 'Started (or already running)'),
    401: unauthorized,
    422: problemResponseSpec('Invalid options'),
    503: problemResponseSpec('Temporal did not answer in time; retry (idempotent)'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'The onboarding checklist (from the workflow query)',
  security: BEARER_SECURITY,
  responses: { 200: json(OnboardingSchema, 'The checklist'), 401: unauthorized, 404: notStarted },
});

const decisionRoute = createRoute({
  method: 'post',
  path: '/registrations/decision',
  summary: 'Record a carrier decision on a sender registration (signal)',
  security: BEARER_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: RegistrationDecisionBody } } } },
  responses: { 202: json(z.object({ status: z.literal('signalled') }), 'Signalled'), 401: unauthorized, 404: notStarted, 422: problemResponseSpec('Invalid decision') },
});

function stepRoute(step: OnboardingStepId) {
  return createRoute({
    method: 'post',
    path: `/steps/${step}`,
    summary: `Act on the "${step}" step (workflow Update with a validator)`,
    description: 'Invalid input (shape or country rules) is a 422 listing each field and leaves no workflow history.',
    security: BEARER_SECURITY,
    request: { body: { required: true, content: { 'application/json': { schema: STEP_BODY_SCHEMAS[step] } } } },
    responses: {
      200: json(OnboardingStepSchema, 'The step once the action was accepted'),
      401: unauthorized,
      404: notStarted,
      409: problemResponseSpec('The step is locked by a step that is not done'),
      422: problemResponseSpec('Invalid input, each field named'),
    },
  });
}

/** `/v1/onboarding`: start, read and act on the caller's onboarding checklist. */
export function createOnboardingRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const workflows = createOnboardingWorkflowClient(deps.temporal, deps.taskQueue);
  app.use('*', requireApiKey(deps.db));

  const answer = (accountId: string, v: OnboardingView) => {
    const workflowId = onboardingWorkflowId(accountId);
    const ui = deps.temporalUiUrl
      ? `${deps.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;
    return { account_id: accountId, workflow_id: workflowId, current_step: v.currentStep, complete: v.complete, countries: v.countries, steps: v.steps, temporal: { workflow_id: workflowId, ...(ui ? { ui_url: ui } : {}) } };
  };

  app.openapi(startRoute, async (c) => {
    const body = (c.req.header('content-type')?.includes('json') ? c.req.valid('json') : undefined) ?? {};
    const d = DEFAULT_ONBOARDING_OPTIONS;
    const sec = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v * 1000);
    const options: OnboardingOptions = {
      reminderIntervalMs: sec(body.reminder_interval_seconds, d.reminderIntervalMs),
      callbackTimeoutMs: sec(body.callback_timeout_seconds, d.callbackTimeoutMs),
      twoWayTimeoutMs: sec(body.two_way_timeout_seconds, d.twoWayTimeoutMs),
      consentRecheckMs: sec(body.consent_recheck_seconds, d.consentRecheckMs),
      testCampaign: { ...d.testCampaign, dlrTimeoutMs: sec(body.test_campaign_dlr_timeout_seconds, d.testCampaign.dlrTimeoutMs) },
    };
    const accountId = c.get('accountId');
    await workflows.start(accountId, options);
    return c.json({ account_id: accountId, workflow_id: onboardingWorkflowId(accountId), status: 'started' as const }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const accountId = c.get('accountId');
    return c.json(answer(accountId, await workflows.checklist(accountId)), 200);
  });

  app.openapi(decisionRoute, async (c) => {
    const d = c.req.valid('json');
    await workflows.decideRegistration(c.get('accountId'), { sender: d.sender, status: d.status, ...(d.country ? { country: d.country } : {}), ...(d.reason ? { reason: d.reason } : {}) });
    return c.json({ status: 'signalled' as const }, 202);
  });

  for (const step of ONBOARDING_STEPS) {
    app.openapi(stepRoute(step), async (c) => {
      const input = c.req.valid('json') as StepInputs[typeof step];
      return c.json(await workflows.executeStep(c.get('accountId'), step, input), 200);
    });
  }
  return app;
}
