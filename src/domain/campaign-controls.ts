/**
 * The per-campaign controls stored in `campaigns.settings` (snake_case, as the API takes them) and
 * their parsed form used by the send path: quiet-hours window override, validity period, absolute
 * start and "send at a local time of day". Pure.
 *
 * @module
 */
import { everyDay, parseDailyWindow, parseTimeOfDay } from './send-window.js';
import type { SendWindow } from './send-window.js';
import type { FrequencyCapSetting } from './frequency-cap.js';

/** The controls as stored in `campaigns.settings` (all optional). */
export interface CampaignControlSettings {
  /** `"HH:MM-HH:MM"` recipient local time; replaces non-binding country defaults, narrows binding laws. */
  quiet_hours_window?: string;
  /** How long after sending starts a message may still go out, seconds; past it a deferred message is `suppressed` (`quiet_hours`). */
  validity_seconds?: number;
  /** Absolute start, ISO 8601 with offset; the workflow waits for it with a durable timer. */
  start_at?: string;
  /** `"HH:MM"`: send at this local time of day in each recipient's zone. */
  send_at_local_time?: string;
  /**
   * At most `max_messages` marketing messages per contact per `period_seconds`, across campaigns; binds
   * in addition to the account's cap (enforced at the claim, see domain/frequency-cap.ts).
   */
  frequency_cap?: FrequencyCapSetting;
  /** Not bound by the account's frequency cap (its own `frequency_cap` still binds); its messages still count. */
  ignore_account_frequency_cap?: boolean;
  /** A/B winner mode (see CampaignRunOptions.abWinner). */
  ab_winner?: { test_share: number; wait_seconds: number; metric: 'delivery_rate' | 'reply_rate' | 'click_rate' };
}

/** Parsed {@link CampaignControlSettings}. */
export interface CampaignControls {
  windowOverride: SendWindow | undefined;
  /** ms; undefined = no limit. */
  validityMs: number | undefined;
  /** Minutes since local midnight; undefined = as soon as allowed. */
  sendAtLocalMinutes: number | undefined;
}

/**
 * Parses a campaign's stored settings. Settings were validated by the API, so malformed values
 * cannot normally reach here.
 * @throws InvalidSendWindowError on a malformed window or time of day.
 */
export function parseCampaignControls(settings: Record<string, unknown>): CampaignControls {
  const s = settings as CampaignControlSettings;
  return {
    windowOverride: s.quiet_hours_window ? everyDay(parseDailyWindow(s.quiet_hours_window)) : undefined,
    validityMs: typeof s.validity_seconds === 'number' ? s.validity_seconds * 1000 : undefined,
    sendAtLocalMinutes: s.send_at_local_time ? parseTimeOfDay(s.send_at_local_time) : undefined,
  };
}
