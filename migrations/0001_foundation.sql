-- smsflow foundation schema. PostgreSQL is the system of record; Temporal holds the running state of
-- campaigns and batches, and flushes message states here (the queryable projection).

CREATE TABLE accounts (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are shown once; only their SHA-256 is stored. `prefix` lets an operator recognise a key.
CREATE TABLE api_keys (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts(id),
  prefix      text NOT NULL,
  key_hash    bytea NOT NULL UNIQUE,
  name        text NOT NULL DEFAULT 'default',
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- A provider connection: one account's credentials for one provider. The id is unguessable because
-- it appears in webhook URLs (/v1/webhooks/<id>/dlr|mo). Credentials are AES-256-GCM ciphertext.
CREATE TABLE provider_connections (
  id                     text PRIMARY KEY,
  account_id             uuid NOT NULL REFERENCES accounts(id),
  provider               text NOT NULL,
  name                   text NOT NULL,
  config                 jsonb NOT NULL DEFAULT '{}'::jsonb,
  credentials_encrypted  bytea,
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
  status_reason          text,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_connections_account ON provider_connections (account_id);

-- Sender IDs: long code, short code, toll-free or alphanumeric, with their MPS (segments per second).
CREATE TABLE senders (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts(id),
  connection_id  text NOT NULL REFERENCES provider_connections(id),
  address        text NOT NULL,
  type           text NOT NULL CHECK (type IN ('long_code', 'short_code', 'toll_free', 'alphanumeric')),
  country        text,
  mps            integer,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, address)
);

CREATE TABLE contacts (
  id           uuid PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES accounts(id),
  phone_e164   text NOT NULL CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  country      text,
  time_zone    text,
  attributes   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, phone_e164)
);
CREATE INDEX contacts_attributes ON contacts USING gin (attributes jsonb_path_ops);

-- The consent ledger is append-only: every opt-in and opt-out with its source and proof. The current
-- status is derived from it (consent_current, maintained by the trigger below in the same transaction).
CREATE TABLE consent_events (
  id           bigserial PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES accounts(id),
  contact_id   uuid NOT NULL REFERENCES contacts(id),
  phone_e164   text NOT NULL,
  purpose      text NOT NULL DEFAULT 'marketing',
  status       text NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
  source       text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  proof        jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key   text NOT NULL,
  UNIQUE (account_id, dedupe_key)
);
CREATE INDEX consent_events_contact ON consent_events (contact_id, purpose, occurred_at);

CREATE TABLE consent_current (
  account_id   uuid NOT NULL,
  contact_id   uuid NOT NULL REFERENCES contacts(id),
  purpose      text NOT NULL,
  status       text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  event_id     bigint NOT NULL,
  PRIMARY KEY (contact_id, purpose)
);
CREATE INDEX consent_current_account ON consent_current (account_id, purpose, status);

CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_events is append-only';
END $$;
CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

-- The latest event by occurred_at (ties: the later ledger id) decides the current status, so an
-- old opt-in imported after a recent STOP does not resubscribe the number.
CREATE FUNCTION consent_events_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consent_current AS c (account_id, contact_id, purpose, status, occurred_at, event_id)
  VALUES (NEW.account_id, NEW.contact_id, NEW.purpose, NEW.status, NEW.occurred_at, NEW.id)
  ON CONFLICT (contact_id, purpose) DO UPDATE
    SET status = EXCLUDED.status, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
    WHERE (c.occurred_at, c.event_id) < (EXCLUDED.occurred_at, EXCLUDED.event_id);
  RETURN NEW;
END $$;
CREATE TRIGGER consent_events_projection AFTER INSERT ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_project();

CREATE TABLE templates (
  id          uuid PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts(id),
  name        text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts(id),
  name           text NOT NULL,
  status         text NOT NULL DEFAULT 'created'
                 CHECK (status IN ('created', 'running', 'paused', 'completed', 'canceled', 'failed')),
  connection_id  text NOT NULL REFERENCES provider_connections(id),
  sender         text NOT NULL,
  audience       jsonb NOT NULL DEFAULT '{}'::jsonb,
  settings       jsonb NOT NULL DEFAULT '{}'::jsonb,
  fields         jsonb NOT NULL DEFAULT '{}'::jsonb,
  workflow_id    text NOT NULL UNIQUE,
  audience_size  integer,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  completed_at   timestamptz
);
CREATE INDEX campaigns_account ON campaigns (account_id, created_at DESC);

CREATE TABLE campaign_variants (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id),
  key          text NOT NULL,
  weight       integer NOT NULL CHECK (weight > 0),
  body         text NOT NULL,
  template_id  uuid REFERENCES templates(id),
  PRIMARY KEY (campaign_id, key)
);

-- The audience snapshot: who the campaign sends to, frozen when it starts. `seq` numbers the rows
-- 1..N so batches are contiguous ranges; the variant is chosen deterministically by hash.
CREATE TABLE campaign_recipients (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id),
  seq          integer NOT NULL,
  contact_id   uuid NOT NULL REFERENCES contacts(id),
  phone_e164   text NOT NULL,
  variant_key  text NOT NULL,
  PRIMARY KEY (campaign_id, seq),
  UNIQUE (campaign_id, contact_id)
);

-- One outbound message (MT). Unique per campaign and recipient: a retried activity cannot create a
-- second one. Per-state timestamps record when the message entered each state.
CREATE TABLE messages (
  id                   uuid PRIMARY KEY,
  account_id           uuid NOT NULL REFERENCES accounts(id),
  campaign_id          uuid REFERENCES campaigns(id),
  recipient_seq        integer,
  batch_workflow_id    text,
  contact_id           uuid REFERENCES contacts(id),
  variant_key          text,
  connection_id        text NOT NULL REFERENCES provider_connections(id),
  sender               text NOT NULL,
  to_e164              text NOT NULL,
  body                 text NOT NULL,
  encoding             text NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
  segments             integer NOT NULL,
  status               text NOT NULL CHECK (status IN ('queued', 'submitting', 'submitted', 'delivered',
                         'undelivered', 'failed', 'expired', 'rejected', 'suppressed', 'unknown')),
  status_reason        text,
  provider_message_id  text,
  provider_status      text,
  error_code           text,
  error_text           text,
  submit_attempts      integer NOT NULL DEFAULT 0,
  queued_at            timestamptz NOT NULL DEFAULT now(),
  submitting_at        timestamptz,
  submitted_at         timestamptz,
  delivered_at         timestamptz,
  final_at             timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, contact_id)
);
CREATE INDEX messages_campaign_seq ON messages (campaign_id, recipient_seq);
CREATE UNIQUE INDEX messages_provider_id ON messages (connection_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_to ON messages (account_id, to_e164, submitted_at DESC);

-- Every provider callback exactly as it arrived (raw body kept for audit and signature re-checks),
-- deduplicated on the provider's own ids. `signalled_at` is null until the owning workflow has been
-- signalled: a sweeper re-signals from here, so a callback that got a 2xx is never lost.
CREATE TABLE webhook_events (
  id                   bigserial PRIMARY KEY,
  connection_id        text NOT NULL REFERENCES provider_connections(id),
  account_id           uuid NOT NULL REFERENCES accounts(id),
  kind                 text NOT NULL CHECK (kind IN ('dlr', 'mo')),
  dedupe_key           text NOT NULL,
  provider_message_id  text,
  message_id           uuid,
  workflow_id          text,
  normalized           jsonb NOT NULL,
  raw_body             text NOT NULL,
  content_type         text,
  received_at          timestamptz NOT NULL DEFAULT now(),
  signalled_at         timestamptz,
  UNIQUE (connection_id, kind, dedupe_key)
);
CREATE INDEX webhook_events_unsignalled ON webhook_events (received_at) WHERE signalled_at IS NULL;
CREATE INDEX webhook_events_provider_id ON webhook_events (connection_id, provider_message_id)
  WHERE message_id IS NULL;

-- Inbound (MO) messages after parsing; keyword handling and attribution fill the later columns.
CREATE TABLE inbound_messages (
  id                     uuid PRIMARY KEY,
  account_id             uuid NOT NULL REFERENCES accounts(id),
  connection_id          text NOT NULL REFERENCES provider_connections(id),
  provider_message_id    text NOT NULL,
  from_e164              text NOT NULL,
  to_address             text NOT NULL,
  body                   text NOT NULL,
  received_at            timestamptz NOT NULL DEFAULT now(),
  contact_id             uuid REFERENCES contacts(id),
  keyword_class          text,
  attributed_message_id  uuid REFERENCES messages(id),
  UNIQUE (connection_id, provider_message_id)
);
CREATE INDEX inbound_messages_from ON inbound_messages (account_id, from_e164, received_at DESC);

CREATE TABLE user_events (
  id           bigserial PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES accounts(id),
  contact_id   uuid REFERENCES contacts(id),
  type         text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  campaign_id  uuid REFERENCES campaigns(id),
  message_id   uuid REFERENCES messages(id),
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_events_contact ON user_events (contact_id, occurred_at DESC);

-- Rank of a message status for monotonic writes (providers.md §9.3): queued 0 < submitting 1 <
-- submitted 2 < unknown 3 (final but weak) < strong finals 4. A write never lowers the rank, so the
-- send activity and the batch workflow's state flush can both write without regressing a message.
CREATE FUNCTION message_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status
    WHEN 'queued' THEN 0 WHEN 'submitting' THEN 1 WHEN 'submitted' THEN 2 WHEN 'unknown' THEN 3
    ELSE 4 END
$$;
