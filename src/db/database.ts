import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { MessageStatus } from '../domain/message-status.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

/** kysely table types for the schema in migrations/ (keep in step with the SQL). */
export interface AccountsTable {
  id: string;
  name: string;
  settings: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  prefix: string;
  key_hash: Buffer;
  name: Generated<string>;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface ProviderConnectionsTable {
  id: string;
  account_id: string;
  provider: string;
  name: string;
  config: Json<Record<string, unknown>>;
  credentials_encrypted: Buffer | null;
  status: Generated<'active' | 'paused' | 'disabled'>;
  status_reason: string | null;
  created_at: Timestamp;
}

export interface SendersTable {
  id: string;
  account_id: string;
  connection_id: string;
  address: string;
  type: 'long_code' | 'short_code' | 'toll_free' | 'alphanumeric';
  country: string | null;
  mps: number | null;
  created_at: Timestamp;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  phone_e164: string;
  country: string | null;
  time_zone: string | null;
  attributes: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ConsentStatus = 'opted_in' | 'opted_out';

export interface ConsentEventsTable {
  id: Generated<string>;
  account_id: string;
  contact_id: string;
  phone_e164: string;
  purpose: Generated<string>;
  status: ConsentStatus;
  source: string;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  proof: Json<Record<string, unknown>>;
  dedupe_key: string;
}

export interface ConsentCurrentTable {
  account_id: string;
  contact_id: string;
  purpose: string;
  status: ConsentStatus;
  occurred_at: Timestamp;
  event_id: string;
}

export interface TemplatesTable {
  id: string;
  account_id: string;
  name: string;
  body: string;
  created_at: Timestamp;
  /** Migration 0004 (composition): see src/db/template-repository.ts. */
  missing_policy: Generated<'fail' | 'default'>;
  defaults: Json<Record<string, string>>;
  shorten_links: Generated<boolean>;
  dlt_entity_id: string | null;
  dlt_template_id: string | null;
  dlt_header: string | null;
  dlt_category: 'transactional' | 'service_implicit' | 'service_explicit' | 'promotional' | null;
  dlt_text: string | null;
  dlt_var_max_length: number | null;
  updated_at: Timestamp;
}

export interface ShortLinksTable {
  code: string;
  message_id: string;
  campaign_id: string | null;
  account_id: string;
  url: string;
  clicks: Generated<number>;
  first_clicked_at: NullableTimestamp;
  last_clicked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface SegmentPricesTable {
  account_id: string;
  country: string;
  price_per_segment: ColumnType<string, string | number, string | number>;
  currency: string;
  updated_at: Timestamp;
}

export type CampaignStatus = 'created' | 'running' | 'paused' | 'completed' | 'canceled' | 'failed';

export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
  status: Generated<CampaignStatus>;
  connection_id: string;
  /** The one sender, or null when the campaign sends through `sender_pool_id` (0010). */
  sender: string | null;
  /** The sender pool (0010), or null for a single-sender campaign. */
  sender_pool_id: string | null;
  audience: Json<Record<string, unknown>>;
  settings: Json<Record<string, unknown>>;
  fields: Json<Record<string, unknown>>;
  workflow_id: string;
  audience_size: number | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface CampaignVariantsTable {
  campaign_id: string;
  key: string;
  weight: number;
  body: string;
  template_id: string | null;
}

export interface CampaignRecipientsTable {
  campaign_id: string;
  seq: number;
  contact_id: string;
  phone_e164: string;
  variant_key: string;
}

export interface MessagesTable {
  id: string;
  account_id: string;
  campaign_id: string | null;
  recipient_seq: number | null;
  batch_workflow_id: string | null;
  contact_id: string | null;
  variant_key: string | null;
  connection_id: string;
  sender: string;
  to_e164: string;
  body: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  status: MessageStatus;
  status_reason: string | null;
  provider_message_id: string | null;
  provider_status: string | null;
  error_code: string | null;
  error_text: string | null;
  submit_attempts: Generated<number>;
  queued_at: Timestamp;
  submitting_at: NullableTimestamp;
  submitted_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  final_at: NullableTimestamp;
  updated_at: Timestamp;
  /** Migration 0004: the DLT registration the message was checked against (India). */
  dlt_entity_id: ColumnType<string | null, string | null | undefined, string | null>;
  dlt_template_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WebhookEventsTable {
  id: Generated<string>;
  connection_id: string;
  account_id: string;
  kind: 'dlr' | 'mo';
  dedupe_key: string;
  provider_message_id: string | null;
  message_id: string | null;
  workflow_id: string | null;
  normalized: Json<Record<string, unknown>>;
  raw_body: string;
  content_type: string | null;
  received_at: Timestamp;
  signalled_at: NullableTimestamp;
  applied_at: NullableTimestamp;
}

export interface InboundMessagesTable {
  id: string;
  account_id: string;
  connection_id: string;
  provider_message_id: string;
  from_e164: string;
  to_address: string;
  body: string;
  received_at: Timestamp;
  contact_id: string | null;
  keyword_class: string | null;
  attributed_message_id: string | null;
}

export interface UserEventsTable {
  id: Generated<string>;
  account_id: string;
  contact_id: string | null;
  type: string;
  payload: Json<Record<string, unknown>>;
  campaign_id: string | null;
  message_id: string | null;
  occurred_at: Timestamp;
}

/** The whole database as kysely sees it. */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  provider_connections: ProviderConnectionsTable;
  senders: SendersTable;
  contacts: ContactsTable;
  consent_events: ConsentEventsTable;
  consent_current: ConsentCurrentTable;
  templates: TemplatesTable;
  campaigns: CampaignsTable;
  campaign_variants: CampaignVariantsTable;
  campaign_recipients: CampaignRecipientsTable;
  messages: MessagesTable;
  webhook_events: WebhookEventsTable;
  inbound_messages: InboundMessagesTable;
  user_events: UserEventsTable;
  short_links: ShortLinksTable;
  segment_prices: SegmentPricesTable;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type CampaignRow = Selectable<CampaignsTable>;
export type ContactRow = Selectable<ContactsTable>;
