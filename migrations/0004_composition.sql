-- Message composition: per-template missing-variable policy and defaults, India DLT registration
-- (TRAI TCCCPR: PE/entity ID, header, template ID and registered text with {#var#} placeholders),
-- link shortening with click counts, and per-country prices per segment for cost estimates.

ALTER TABLE templates
  ADD COLUMN missing_policy text NOT NULL DEFAULT 'fail' CHECK (missing_policy IN ('fail', 'default')),
  ADD COLUMN defaults jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN shorten_links boolean NOT NULL DEFAULT false,
  ADD COLUMN dlt_entity_id text,
  ADD COLUMN dlt_template_id text,
  ADD COLUMN dlt_header text,
  ADD COLUMN dlt_category text
    CHECK (dlt_category IN ('transactional', 'service_implicit', 'service_explicit', 'promotional')),
  ADD COLUMN dlt_text text,
  ADD COLUMN dlt_var_max_length integer CHECK (dlt_var_max_length BETWEEN 1 AND 500),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX templates_account_name ON templates (account_id, name);

-- The DLT ids a message was checked against travel with it to the provider.
ALTER TABLE messages
  ADD COLUMN dlt_entity_id text,
  ADD COLUMN dlt_template_id text;

-- One short link per URL per message: the code is unguessable (random, base62) and short. `clicks`
-- counts every redirect; a message is clicked (unique) when any of its links has clicks > 0.
CREATE TABLE short_links (
  code              text PRIMARY KEY,
  message_id        uuid NOT NULL REFERENCES messages(id),
  campaign_id       uuid REFERENCES campaigns(id),
  account_id        uuid NOT NULL REFERENCES accounts(id),
  url               text NOT NULL,
  clicks            integer NOT NULL DEFAULT 0,
  first_clicked_at  timestamptz,
  last_clicked_at   timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX short_links_message ON short_links (message_id);
CREATE INDEX short_links_campaign ON short_links (campaign_id) WHERE clicks > 0;

-- Price per segment by destination country (ISO 3166-1 alpha-2, or '*' for any other), per account;
-- used by the template preview's cost estimate.
CREATE TABLE segment_prices (
  account_id         uuid NOT NULL REFERENCES accounts(id),
  country            text NOT NULL CHECK (country ~ '^([A-Z]{2}|\*)$'),
  price_per_segment  numeric(12, 6) NOT NULL CHECK (price_per_segment >= 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, country)
);
