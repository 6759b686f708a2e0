-- SMPP: every submit_sm_resp id of a (multi-part) message, under every form a delivery receipt may
-- quote it in (hex/decimal, case, leading zero: providers.md §8.2, vectors V40/V42). A receipt is
-- looked up by its canonical id and read as part `part_index` of `part_total` of the message whose
-- provider id (its first part's id) the send recorded.
CREATE TABLE smpp_message_parts (
  connection_id        text NOT NULL REFERENCES provider_connections(id),
  id_key               text NOT NULL,
  smsc_message_id      text NOT NULL,
  provider_message_id  text NOT NULL,
  message_id           uuid NOT NULL,
  part_index           integer NOT NULL,
  part_total           integer NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, id_key, smsc_message_id)
);
