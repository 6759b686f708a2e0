-- Campaign controls (quiet hours, scheduling, sender pacing, frequency cap). Additive only.

-- Earliest instant a queued message may be sent (quiet hours or "send at 10:00 local"); null = now.
-- A deferred message stays `queued`; when its campaign's validity runs out first it is `suppressed`
-- with reason `quiet_hours`.
ALTER TABLE messages ADD COLUMN not_before timestamptz;

-- When the campaign began sending, by the activities' clock: anchors `send_at_local_time` and the
-- validity period (settings.validity_seconds).
ALTER TABLE campaigns ADD COLUMN sending_started_at timestamptz;

-- Sender pacing shared by every worker process (GCRA, "virtual scheduling"): `next_at_ms` is the
-- earliest instant (epoch ms, fractional) the sender's next segment may go out. A send of n segments
-- reserves [greatest(next_at, now), +n × interval) with one UPDATE … RETURNING, so no two workers
-- ever hand out the same instant and no 1 s window exceeds the sender's MPS.
CREATE TABLE sender_pacing (
  sender_key  text PRIMARY KEY,
  next_at_ms  double precision NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Frequency cap: marketing messages sent to a contact within a period, across campaigns.
CREATE INDEX messages_contact_submitted ON messages (contact_id, submitted_at)
  WHERE submitted_at IS NOT NULL;
