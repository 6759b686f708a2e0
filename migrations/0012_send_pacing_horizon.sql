-- Sender pacing with a reservation horizon and give-back of late instants. Additive only: the 0005
-- function stays for callers built before this one.
--
-- Why a horizon: reserve_send_instants (0005) hands out instants however far ahead the sender's
-- schedule already runs, so with several batches (and workers) on one sender the schedule ran seconds
-- ahead; a worker killed mid-run took its reserved, never-used instants with it (a 1 MPS sender lost a
-- second per instant). Here a call reserves only instants no later than now + horizon_ms (a prefix of
-- `segments`, possibly none) and answers when the keys are free again, so a caller waits for room.
--
-- Why give-back: a send that wakes too late for its instant must not go out (it would bunch with the
-- next instants at the provider). If its instant is still the latest reserved on every key, no one has
-- reserved after it, so rolling the keys back to it loses nothing and the message can be reserved again
-- at once (at "now") instead of one interval later — at 1 MPS that is the difference between a few
-- milliseconds and a second. An instant that is no longer the tail is simply not reused.
--
-- Why push: a send whose provider call answered more than the jitter budget J after its instant may have
-- reached the provider that late, and the next instants must then keep their distance from it: each key's
-- next_at becomes at least instant + excess + segments × interval (excess = delay − J), as if the send had
-- been reserved `excess` later. Instants already handed out are not moved: with a short horizon that is
-- at most one instant below 10 MPS (where one extra send in a window matters), and at high MPS one late
-- send adds at most one segment to a window that pacing at the headroom leaves room for.
--
-- released_at_ms / released_segments: instants to give back, latest first. Interval values must be the
-- ones the instant was reserved with (the tail test compares next_at to instant + segments × interval).
-- pushed_at_ms / pushed_segments / pushed_excess_ms: sends that reached the provider late, see above.
CREATE FUNCTION reserve_send_instants_within(
  keys text[],
  interval_ms double precision[],
  segments integer[],
  now_ms double precision,
  horizon_ms double precision,
  released_at_ms double precision[],
  released_segments integer[],
  pushed_at_ms double precision[],
  pushed_segments integer[],
  pushed_excess_ms double precision[],
  OUT instants double precision[],
  OUT next_free_ms double precision)
LANGUAGE plpgsql AS $$
DECLARE
  nexts double precision[];
  t double precision;
  tail boolean;
  i integer;
  k integer;
BEGIN
  instants := '{}';
  INSERT INTO sender_pacing (sender_key) SELECT unnest(keys) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM sender_pacing WHERE sender_key = ANY (keys) ORDER BY sender_key FOR UPDATE;
  SELECT array_agg(p.next_at_ms ORDER BY u.ord) INTO nexts
    FROM unnest(keys) WITH ORDINALITY AS u(key, ord) JOIN sender_pacing p ON p.sender_key = u.key;
  FOR i IN 1 .. coalesce(array_length(released_at_ms, 1), 0) LOOP
    tail := true;
    FOR k IN 1 .. array_length(keys, 1) LOOP
      IF abs(nexts[k] - (released_at_ms[i] + released_segments[i] * interval_ms[k])) > 1e-6 THEN
        tail := false;
      END IF;
    END LOOP;
    IF tail THEN
      FOR k IN 1 .. array_length(keys, 1) LOOP
        nexts[k] := released_at_ms[i];
      END LOOP;
    END IF;
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(pushed_at_ms, 1), 0) LOOP
    FOR k IN 1 .. array_length(keys, 1) LOOP
      nexts[k] := greatest(nexts[k], pushed_at_ms[i] + pushed_excess_ms[i] + pushed_segments[i] * interval_ms[k]);
    END LOOP;
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(segments, 1), 0) LOOP
    t := now_ms;
    FOR k IN 1 .. array_length(keys, 1) LOOP
      t := greatest(t, nexts[k]);
    END LOOP;
    EXIT WHEN t > now_ms + horizon_ms;
    instants := instants || t;
    FOR k IN 1 .. array_length(keys, 1) LOOP
      nexts[k] := t + segments[i] * interval_ms[k];
    END LOOP;
  END LOOP;
  next_free_ms := now_ms;
  FOR k IN 1 .. array_length(keys, 1) LOOP
    next_free_ms := greatest(next_free_ms, nexts[k]);
  END LOOP;
  UPDATE sender_pacing p SET next_at_ms = u.n, updated_at = now()
    FROM unnest(keys, nexts) AS u(key, n) WHERE p.sender_key = u.key;
END $$;
