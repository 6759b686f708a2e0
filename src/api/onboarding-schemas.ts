import { z } from '@hono/zod-openapi';
import type { OnboardingStepId } from '../domain/onboarding-checklist.js';

/**
 * Strict request schemas of the onboarding API, one per step: a misspelled field is a 422. They
 * check shapes only; the country rules and the checklist state are the workflow Update validator's
 * job (src/domain/onboarding-step-input.ts), so a rule is written once.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

const Registration = z.strictObject({
  country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code'),
  sender_type: z.enum(['long_code', 'short_code', 'toll_free', 'alphanumeric']),
  sender: z.string().min(1).max(20).openapi({ description: 'E.164, short code digits, alphanumeric ID or India DLT header' }),
  ten_dlc: z
    .strictObject({
      brand: z.strictObject({ legal_name: text(255), ein: z.string().max(20).optional(), entity_type: z.string().max(40), vertical: text(80), website: z.string().max(500) }),
      campaign: z.strictObject({ use_case: z.string().max(40), description: z.string().max(4096), message_flow: z.string().max(4096), sample_messages: z.array(z.string().max(2048)).max(10) }),
    })
    .optional(),
  toll_free: z
    .strictObject({
      business_name: z.string().max(255),
      use_case_summary: z.string().max(4096),
      opt_in_workflow_image_urls: z.array(z.string().max(2048)).max(10),
      sample_messages: z.array(z.string().max(2048)).max(10),
      monthly_volume: z.number(),
    })
    .optional(),
  dlt: z
    .strictObject({
      entity_id: z.string().max(40),
      header_type: z.enum(['transactional', 'service', 'promotional', 'government']),
      templates: z.array(z.strictObject({ template_id: z.string().max(40), category: z.string().max(40), body: z.string().max(2048) })).max(100),
    })
    .optional(),
  alphanumeric: z.strictObject({ company_name: z.string().max(255), use_case: z.string().max(1024) }).optional(),
});

const KeywordPack = z.strictObject({
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'a BCP 47 language tag'),
  opt_out: z.array(z.string().max(64)).max(50),
  opt_in: z.array(z.string().max(64)).max(50),
  help: z.array(z.string().max(64)).max(50),
  help_reply: z.string().max(1000),
  stop_reply: z.string().max(1000),
});

const Empty = z.strictObject({});

/** The body schema of `POST /v1/onboarding/steps/<step>`, per step. */
export const STEP_BODY_SCHEMAS = {
  countries: z.strictObject({ countries: z.array(z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')).min(1).max(50) }),
  sending_option: z.strictObject({ option: z.enum(['managed', 'byo_provider']), provider: text(64).openapi({ example: 'sandbox' }) }),
  senders: z.strictObject({ registrations: z.array(Registration).min(1).max(50) }),
  connect_provider: z.strictObject({ connection_id: z.string().regex(/^conn_[A-Za-z0-9]{24}$/, 'a connection id from POST /v1/connections') }),
  callbacks: z.strictObject({ test_number: z.string().max(20), sender: text(20), body: text(160).optional() }),
  consent: Empty,
  keywords: z.strictObject({ program_name: text(40), packs: z.array(KeywordPack).min(1).max(10).optional() }),
  test_campaign: z.strictObject({
    sender: text(20),
    body: text(1600),
    audience_filter: z.record(z.string().max(64), z.string().max(500)).refine((f) => Object.keys(f).length > 0, 'name at least one attribute of the test segment'),
    fields: z.record(z.string().max(64), z.string().max(500)).optional(),
  }),
  two_way: z.strictObject({ test_number: z.string().max(20).optional() }),
  monitor: Empty,
} satisfies Record<OnboardingStepId, z.ZodType>;

/** Body of `POST /v1/onboarding`: optional waits in seconds (defaults: production values). */
export const StartOnboardingBody = z
  .strictObject({
    reminder_interval_seconds: z.number().int().min(1).max(30 * 86_400).optional(),
    callback_timeout_seconds: z.number().int().min(1).max(86_400).optional(),
    two_way_timeout_seconds: z.number().int().min(1).max(7 * 86_400).optional(),
    consent_recheck_seconds: z.number().int().min(1).max(86_400).optional(),
    test_campaign_dlr_timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  })
  .openapi('StartOnboarding');

/** Body of `POST /v1/onboarding/registrations/decision`: a carrier's answer, as an operator records it. */
export const RegistrationDecisionBody = z
  .strictObject({
    sender: text(20),
    country: z.string().regex(/^[A-Za-z]{2}$/).optional(),
    status: z.enum(['approved', 'rejected']),
    reason: text(1000).optional(),
  })
  .refine((d) => d.status !== 'rejected' || d.reason !== undefined, { message: 'a rejection needs its reason', path: ['reason'] })
  .openapi('RegistrationDecision');

const StepStateSchema = z.object({
  id: z.string(),
  status: z.enum(['locked', 'pending', 'in_progress', 'blocked', 'done', 'failed']),
  evidence: z.record(z.string(), z.unknown()).nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  unlockedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

/** A step as answered. */
export const OnboardingStepSchema = StepStateSchema.openapi('OnboardingStep');

/** `GET /v1/onboarding`. */
export const OnboardingSchema = z
  .object({
    account_id: z.string(),
    workflow_id: z.string(),
    current_step: z.string(),
    complete: z.boolean(),
    countries: z.array(z.string()),
    steps: z.array(StepStateSchema),
    temporal: z.object({ workflow_id: z.string(), ui_url: z.string().optional() }),
  })
  .openapi('Onboarding');
