-- Routing of outbound messages to provider connections by destination country, with a fallback
-- connection used when the primary refuses at provider level or is down (issue 4, "Failover and
-- routing"). A campaign's own routes win over its account's; a country route wins over a catch-all
-- (country NULL); with no matching route the campaign's connection_id is used, without fallback.
CREATE TABLE connection_routes (
  id                      bigserial PRIMARY KEY,
  account_id              uuid NOT NULL REFERENCES accounts(id),
  campaign_id             uuid REFERENCES campaigns(id),
  -- ISO 3166-1 alpha-2 of the destination number; NULL matches every destination.
  country                 text CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
  connection_id           text NOT NULL REFERENCES provider_connections(id),
  fallback_connection_id  text REFERENCES provider_connections(id),
  created_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (fallback_connection_id IS NULL OR fallback_connection_id <> connection_id)
);

CREATE UNIQUE INDEX connection_routes_scope
  ON connection_routes (account_id, coalesce(campaign_id::text, ''), coalesce(country, ''));
