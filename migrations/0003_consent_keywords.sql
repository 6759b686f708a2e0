-- Consent, keywords and two-way SMS (additive).

-- Keyword packs per account ('' sender) and per sender address: NULL packs = the shipped defaults
-- (src/domain/keyword-pack.ts); tolerant = fuzzy opt-out matching; brand and help contact fill the
-- auto-reply placeholders. The most specific row wins (sender, then account, then defaults).
CREATE TABLE keyword_settings (
  account_id    uuid NOT NULL REFERENCES accounts(id),
  sender        text NOT NULL DEFAULT '',
  tolerant      boolean NOT NULL DEFAULT false,
  brand_name    text,
  help_contact  text,
  packs         jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, sender)
);

-- Multi-part MOs: every part is a row; the inbound-message workflow joins them in the first part's row
-- (`full_body`) and points the others at it (`part_of`). `processed_at` is set once classification,
-- consent, auto-reply and events are done; `workflow_started_at` once its workflow was started (the
-- sweeper starts the rest, so an MO that got a 2xx is never lost).
ALTER TABLE inbound_messages ADD COLUMN concat_ref text;
ALTER TABLE inbound_messages ADD COLUMN concat_index integer;
ALTER TABLE inbound_messages ADD COLUMN concat_total integer;
ALTER TABLE inbound_messages ADD COLUMN part_of uuid REFERENCES inbound_messages(id);
ALTER TABLE inbound_messages ADD COLUMN full_body text;
ALTER TABLE inbound_messages ADD COLUMN keyword text;
ALTER TABLE inbound_messages ADD COLUMN workflow_id text;
ALTER TABLE inbound_messages ADD COLUMN workflow_started_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN processed_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN auto_reply_message_id uuid REFERENCES messages(id);
CREATE INDEX inbound_messages_unstarted ON inbound_messages (received_at) WHERE workflow_started_at IS NULL;
CREATE INDEX inbound_messages_concat ON inbound_messages (connection_id, from_e164, concat_ref)
  WHERE concat_ref IS NOT NULL;

-- An auto-reply is an MT like any other (DLRs find it by provider id) but belongs to the MO it
-- answers: one per MO, so a retried activity cannot insert or send a second one.
ALTER TABLE messages ADD COLUMN reply_to_inbound_id uuid REFERENCES inbound_messages(id);
CREATE UNIQUE INDEX messages_reply_to_inbound ON messages (reply_to_inbound_id) WHERE reply_to_inbound_id IS NOT NULL;

-- What a campaign's consent check asks for: 'marketing' (default) or 'transactional'.
ALTER TABLE campaigns ADD COLUMN purpose text NOT NULL DEFAULT 'marketing';
CREATE INDEX consent_events_account_contact ON consent_events (account_id, contact_id, occurred_at DESC);

-- Idempotency-Key of POST requests: the same key and body replay the stored answer; another body is
-- refused (IETF draft-ietf-httpapi-idempotency-key-header).
CREATE TABLE idempotency_keys (
  account_id       uuid NOT NULL REFERENCES accounts(id),
  key              text NOT NULL,
  route            text NOT NULL,
  request_sha256   text NOT NULL,
  response_status  integer NOT NULL,
  response_body    jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, route, key)
);

-- Bulk consent imports run as `consentImport` workflows: one row per import with its progress, and its
-- refused rows with their line numbers (downloadable as CSV).
CREATE TABLE consent_imports (
  id               uuid PRIMARY KEY,
  account_id       uuid NOT NULL REFERENCES accounts(id),
  file_path        text NOT NULL,
  file_name        text,
  file_bytes       bigint NOT NULL,
  file_sha256      text,
  default_country  text,
  api_key_prefix   text,
  status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  bytes_read       bigint NOT NULL DEFAULT 0,
  lines_read       bigint NOT NULL DEFAULT 0,
  rows_imported    bigint NOT NULL DEFAULT 0,
  rows_unchanged   bigint NOT NULL DEFAULT 0,
  rows_refused     bigint NOT NULL DEFAULT 0,
  total_lines      bigint,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX consent_imports_account ON consent_imports (account_id, created_at DESC);

CREATE TABLE consent_import_errors (
  import_id  uuid NOT NULL REFERENCES consent_imports(id),
  line       bigint NOT NULL,
  field      text NOT NULL,
  reason     text NOT NULL,
  value      text,
  PRIMARY KEY (import_id, line, field)
);
