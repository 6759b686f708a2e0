-- Sender pools (issue 7: "with a sender pool, pick by destination country and keep a sticky sender
-- per recipient"), like a Twilio Messaging Service's sender pool with Sticky Sender and Country Code
-- Geomatch. The rules are in src/domain/sender-selection.ts.

-- Senders are now registered over the API (POST /v1/senders). MPS may be fractional: compliance.md
-- §c6 gives 0.1 per alphanumeric sender ID (Telnyx). NOT VALID: rows inserted before keep working;
-- new and updated rows are checked.
ALTER TABLE senders ALTER COLUMN mps TYPE double precision;
ALTER TABLE senders ADD CONSTRAINT senders_mps_positive CHECK (mps IS NULL OR mps > 0) NOT VALID;
ALTER TABLE senders ADD CONSTRAINT senders_country_iso CHECK (country IS NULL OR country ~ '^[A-Z]{2}$') NOT VALID;
CREATE INDEX senders_account ON senders (account_id, created_at);

CREATE TABLE sender_pools (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts(id),
  name           text NOT NULL,
  sticky_sender  boolean NOT NULL DEFAULT true,
  geomatch       boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sender_pools_account ON sender_pools (account_id, created_at);

CREATE TABLE sender_pool_members (
  pool_id    uuid NOT NULL REFERENCES sender_pools(id),
  sender_id  uuid NOT NULL REFERENCES senders(id),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, sender_id)
);
CREATE INDEX sender_pool_members_sender ON sender_pool_members (sender_id);

-- Sticky sender: the sender a contact got from a pool. One row per (pool, contact): two batches that
-- choose at once both INSERT … ON CONFLICT DO NOTHING and read the row back, so a contact never gets
-- two senders. A stale row (sender left the pool, or no longer fits) is replaced by compare-and-set
-- on the old sender_id.
CREATE TABLE sender_sticky_assignments (
  pool_id      uuid NOT NULL REFERENCES sender_pools(id),
  contact_id   uuid NOT NULL REFERENCES contacts(id),
  sender_id    uuid NOT NULL REFERENCES senders(id),
  assigned_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, contact_id)
);

-- A campaign sends from one sender or through one pool. Each message still records its own sender
-- (messages.sender); that is '' for a message that never had one (suppressed `no_sender`, or a pool
-- campaign's recipient canceled before its batch chose).
ALTER TABLE campaigns ADD COLUMN sender_pool_id uuid REFERENCES sender_pools(id);
ALTER TABLE campaigns ALTER COLUMN sender DROP NOT NULL;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_sender_or_pool CHECK ((sender IS NULL) <> (sender_pool_id IS NULL));
