import type { CampaignRecord } from '../db/campaign-record-repository.js';
import { CAMPAIGN_CONTROL_SETTINGS } from './campaign-control-schemas.js';
import type { CampaignControlSettings } from '../domain/campaign-controls.js';

/** The tunables shown in a campaign's `settings` (internal keys such as `request_sha256` are not). */
const PUBLIC_SETTINGS = [
  'batch_size',
  'max_concurrent_batches',
  'dlr_timeout_seconds',
  'flush_interval_ms',
  'continue_as_new_after_batches',
  'idempotency_key',
  ...CAMPAIGN_CONTROL_SETTINGS,
] as const;

/** A campaign as the API answers it: snake_case, ISO 8601 timestamps, public settings only. */
export function toCampaignJson(c: CampaignRecord) {
  const settings = Object.fromEntries(
    PUBLIC_SETTINGS.filter((k) => c.settings[k] !== undefined).map((k) => [k, c.settings[k]]),
  );
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    connection_id: c.connection_id,
    sender: c.sender,
    purpose: c.purpose,
    sender_pool_id: c.sender_pool_id,
    variants: c.variants.map((v) => ({ key: v.key, weight: v.weight, body: v.body })),
    audience: { filter: (c.audience['filter'] ?? {}) as Record<string, string> },
    fields: c.fields as Record<string, string | number>,
    settings: settings as unknown as {
      batch_size: number;
      max_concurrent_batches: number;
      dlr_timeout_seconds: number;
      flush_interval_ms: number;
      continue_as_new_after_batches?: number;
      idempotency_key?: string;
    } & CampaignControlSettings,
    audience_size: c.audience_size,
    workflow_id: c.workflow_id,
    created_at: c.created_at.toISOString(),
    started_at: c.started_at?.toISOString() ?? null,
    completed_at: c.completed_at?.toISOString() ?? null,
  };
}
