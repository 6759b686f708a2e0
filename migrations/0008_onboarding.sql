-- Onboarding (the ten-step checklist workflow `onboarding/<account>`).
-- Test numbers an onboarding workflow awaits replies from: the MO webhook signals the workflow
-- (`onboardingReply`) only for these, so ordinary replies cost no Temporal call.
CREATE TABLE onboarding_test_numbers (
  account_id   uuid NOT NULL REFERENCES accounts(id),
  phone_e164   text NOT NULL,
  workflow_id  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, phone_e164)
);

-- What the onboarding workflow did outside itself that operators may want to audit: registration
-- reminders, test messages sent, test campaigns started.
CREATE TABLE onboarding_events (
  id          bigserial PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts(id),
  kind        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX onboarding_events_account ON onboarding_events (account_id, created_at);
