-- Bulk consent imports (benchmarks.md S6): consent_current is maintained once per INSERT statement
-- instead of once per ledger row. The rule is unchanged from 0001: the event with the latest
-- occurred_at (ties: the later ledger id) decides the current status, so an old opt-in imported after
-- a recent STOP does not resubscribe the number; the ledger stays append-only (consent_events_no_update).
-- The statement-level trigger sees every row the statement appended (transition table; rows skipped by
-- ON CONFLICT DO NOTHING are not in it) and applies, per (contact, purpose), only the latest of them.
DROP TRIGGER consent_events_projection ON consent_events;

CREATE FUNCTION consent_events_project_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consent_current AS c (account_id, contact_id, purpose, status, occurred_at, event_id)
  SELECT DISTINCT ON (n.contact_id, n.purpose) n.account_id, n.contact_id, n.purpose, n.status, n.occurred_at, n.id
    FROM appended n
   ORDER BY n.contact_id, n.purpose, n.occurred_at DESC, n.id DESC
  ON CONFLICT (contact_id, purpose) DO UPDATE
    SET status = EXCLUDED.status, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
    WHERE (c.occurred_at, c.event_id) < (EXCLUDED.occurred_at, EXCLUDED.event_id);
  RETURN NULL;
END $$;

CREATE TRIGGER consent_events_projection AFTER INSERT ON consent_events
  REFERENCING NEW TABLE AS appended
  FOR EACH STATEMENT EXECUTE FUNCTION consent_events_project_statement();
