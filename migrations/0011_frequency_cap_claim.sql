-- Account frequency cap enforced at the claim (issue 7). Additive only.

-- The claim counts, per contact, the marketing messages claimed (`submitting_at`) within a cap's
-- period, in flight or sent (src/db/frequency-cap-repository.ts). Claim time, not acceptance time: a
-- message still being submitted by another worker must already count, or two campaigns both see 0.
-- (messages_contact_submitted of 0005 served the old read-then-claim check by `submitted_at`.)
CREATE INDEX messages_contact_submitting ON messages (contact_id, submitting_at)
  WHERE submitting_at IS NOT NULL;

-- Per-variant time series: replies attributed to a campaign's messages, bucketed by reception.
CREATE INDEX inbound_messages_attributed ON inbound_messages (attributed_message_id)
  WHERE attributed_message_id IS NOT NULL;
