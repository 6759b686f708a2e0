-- A DLR is "signalled" when its batch workflow accepted the signal and "applied" once the resulting
-- state is in PostgreSQL. A workflow can close between the two (a receipt handled in its final
-- activation), so the sweeper re-delivers signalled-but-unapplied receipts after a grace period:
-- to a closed batch they are applied directly. Receipts that change nothing are applied on arrival.
ALTER TABLE webhook_events ADD COLUMN applied_at timestamptz;
UPDATE webhook_events SET applied_at = signalled_at WHERE signalled_at IS NOT NULL;
CREATE INDEX webhook_events_unapplied ON webhook_events (signalled_at)
  WHERE kind = 'dlr' AND applied_at IS NULL AND signalled_at IS NOT NULL;
