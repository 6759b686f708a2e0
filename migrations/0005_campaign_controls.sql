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

-- Reserves send instants for a run of messages on every pacing key at once (sender, connection,
-- account): message i goes at t_i = greatest(now, next_at of every key) and charges each key
-- segments_i × its interval. One call per group of messages, under row locks taken in key order, so
-- concurrent workers interleave without ever sharing an instant.
CREATE FUNCTION reserve_send_instants(keys text[], interval_ms double precision[], segments integer[], now_ms double precision)
RETURNS double precision[] LANGUAGE plpgsql AS $$
DECLARE
  nexts double precision[];
  result double precision[] := '{}';
  t double precision;
  i integer;
  k integer;
BEGIN
  INSERT INTO sender_pacing (sender_key) SELECT unnest(keys) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM sender_pacing WHERE sender_key = ANY (keys) ORDER BY sender_key FOR UPDATE;
  SELECT array_agg(p.next_at_ms ORDER BY u.ord) INTO nexts
    FROM unnest(keys) WITH ORDINALITY AS u(key, ord) JOIN sender_pacing p ON p.sender_key = u.key;
  FOR i IN 1 .. coalesce(array_length(segments, 1), 0) LOOP
    t := now_ms;
    FOR k IN 1 .. array_length(keys, 1) LOOP
      t := greatest(t, nexts[k]);
    END LOOP;
    result := result || t;
    FOR k IN 1 .. array_length(keys, 1) LOOP
      nexts[k] := t + segments[i] * interval_ms[k];
    END LOOP;
  END LOOP;
  UPDATE sender_pacing p SET next_at_ms = u.n, updated_at = now()
    FROM unnest(keys, nexts) AS u(key, n) WHERE p.sender_key = u.key;
  RETURN result;
END $$;

-- A/B winner mode: the decision (metric, winner, why, per-variant figures of the test share), written
-- once by the pickAbWinner activity before the rest of the audience is sent the winner.
ALTER TABLE campaigns ADD COLUMN ab_result jsonb;
