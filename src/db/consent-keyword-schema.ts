/**
 * kysely types for migrations/0003_consent_keywords.sql, merged into {@link Database} by module
 * augmentation so this migration's tables and columns live beside their SQL (keep in step with it).
 *
 * @module
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;
type BigintCount = ColumnType<string, number | string | undefined, number | string>;

/** `keyword_settings`: keyword packs per account (`sender` = '') and per sender address. */
export interface KeywordSettingsTable {
  account_id: string;
  sender: Generated<string>;
  tolerant: Generated<boolean>;
  brand_name: string | null;
  help_contact: string | null;
  /** KeywordPack[] (src/domain/keyword-pack.ts), or null for the shipped defaults. */
  packs: ColumnType<unknown, string | null | undefined, string | null>;
  updated_at: Timestamp;
}

/** `idempotency_keys`: stored answers of POST requests carrying an Idempotency-Key. */
export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  route: string;
  request_sha256: string;
  response_status: number;
  response_body: Json<unknown>;
  created_at: Timestamp;
}

/** `consent_imports`: one bulk CSV import and its progress. */
export interface ConsentImportsTable {
  id: string;
  account_id: string;
  file_path: string;
  file_name: string | null;
  file_bytes: BigintCount;
  file_sha256: string | null;
  default_country: string | null;
  api_key_prefix: string | null;
  status: Generated<'running' | 'completed' | 'failed'>;
  bytes_read: BigintCount;
  lines_read: BigintCount;
  rows_imported: BigintCount;
  rows_unchanged: BigintCount;
  rows_refused: BigintCount;
  total_lines: BigintCount | null;
  error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

/** `consent_import_errors`: a refused row of an import, by line. */
export interface ConsentImportErrorsTable {
  import_id: string;
  line: BigintCount;
  field: string;
  reason: string;
  value: string | null;
}

declare module './database.js' {
  interface InboundMessagesTable {
    concat_ref: string | null;
    concat_index: number | null;
    concat_total: number | null;
    part_of: string | null;
    full_body: string | null;
    keyword: string | null;
    workflow_id: string | null;
    workflow_started_at: NullableTimestamp;
    processed_at: NullableTimestamp;
    auto_reply_message_id: string | null;
  }
  interface MessagesTable {
    reply_to_inbound_id: string | null;
  }
  interface CampaignsTable {
    purpose: Generated<string>;
  }
  interface Database {
    keyword_settings: KeywordSettingsTable;
    idempotency_keys: IdempotencyKeysTable;
    consent_imports: ConsentImportsTable;
    consent_import_errors: ConsentImportErrorsTable;
  }
}
