/**
 * Default marketing-SMS sending windows ("quiet hours" are everything outside them) per destination
 * country (ISO 3166-1 alpha-2) and per US state, in the recipient's local time, with the source of
 * each. Editable defaults, not law: re-check a rule before relying on it
 * (/work/shared/reference/compliance.md §c3).
 *
 * A rule is `binding` when it comes from a law or an operator block (US TCPA and state laws, India's
 * TRAI window): a campaign's own window can only narrow it. Non-binding rules are vendor practice and a
 * campaign override replaces them.
 *
 * Not encoded: public-holiday bans (some US states, per https://www.dropcowboy.com/state-compliance;
 * compliance.md gives no holiday list) and country rules beyond compliance.md — country rules of other
 * kinds live in src/domain/country-rules*.
 *
 * @module
 */
import { everyDay, parseDailyWindow } from './send-window.js';
import type { SendWindow } from './send-window.js';

/** One default window and where it comes from. */
export interface QuietHoursRule {
  window: SendWindow;
  /** From a law or an operator block: a campaign window cannot widen it. */
  binding: boolean;
  /** URL or document the rule comes from. */
  source: string;
}

const daily = (text: string): SendWindow => everyDay(parseDailyWindow(text));

/** Mon–Sat one window, Sunday another. */
function sundayApart(sunday: string, monSat: string): SendWindow {
  const s = parseDailyWindow(sunday);
  const w = parseDailyWindow(monSat);
  return [s, w, w, w, w, w, w];
}

/** Weekdays one window, Saturday and Sunday another. */
function weekendApart(weekdays: string, weekend: string): SendWindow {
  const we = parseDailyWindow(weekend);
  const wd = parseDailyWindow(weekdays);
  return [we, wd, wd, wd, wd, wd, we];
}

const TCPA = 'https://www.leadgen-economy.com/blog/telemarketing-calling-hours-by-state (47 CFR 64.1200(c)(1))';
const STATES =
  'https://support.referrizer.com/en/category/text-campaigns/article/tcpa-quiet-hours-and-state-specific-rules-for-text-campaigns';
const VERO = 'https://help.getvero.com/vero-2/channels/sms/sms-quiet-hours-compliance.md (vendor default 08:00-20:00)';

/** US federal TCPA window: 08:00–21:00 recipient local time, every day. */
export const US_FEDERAL_RULE: QuietHoursRule = { window: daily('08:00-21:00'), binding: true, source: TCPA };

/**
 * US states stricter than the federal window (USPS state codes). Applied on top of
 * {@link US_FEDERAL_RULE} (their intersection).
 */
export const US_STATE_RULES: Readonly<Record<string, QuietHoursRule>> = {
  CT: { window: daily('09:00-20:00'), binding: true, source: STATES },
  FL: { window: daily('08:00-20:00'), binding: true, source: STATES },
  MD: { window: daily('08:00-20:00'), binding: true, source: STATES },
  MS: { window: daily('08:00-20:00'), binding: true, source: STATES },
  NJ: { window: daily('08:00-20:00'), binding: true, source: STATES },
  OK: { window: daily('08:00-20:00'), binding: true, source: STATES },
  RI: { window: weekendApart('09:00-18:00', '10:00-17:00'), binding: true, source: STATES },
  TX: { window: sundayApart('12:00-21:00', '09:00-21:00'), binding: true, source: STATES },
};

const vendorDefault: QuietHoursRule = { window: daily('08:00-20:00'), binding: false, source: VERO };

/**
 * Default window per destination country. US is the federal rule (states via
 * {@link US_STATE_RULES}); India is TRAI's 09:00–21:00 commercial window; the other countries have no
 * rule in compliance.md and take the common vendor default 08:00–20:00 (Vero), which a campaign may
 * replace.
 */
export const COUNTRY_QUIET_HOURS: Readonly<Record<string, QuietHoursRule>> = {
  US: US_FEDERAL_RULE,
  IN: {
    window: daily('09:00-21:00'),
    binding: true,
    source: 'https://sdcsupport.syniverse.com/hc/en-us/articles/221082767-India-TRAI-overview',
  },
  CA: vendorDefault,
  MX: vendorDefault,
  BR: vendorDefault,
  AR: vendorDefault,
  CO: vendorDefault,
  GB: vendorDefault,
  IE: vendorDefault,
  FR: vendorDefault,
  DE: vendorDefault,
  ES: vendorDefault,
  IT: vendorDefault,
  NL: vendorDefault,
  PT: vendorDefault,
  PL: vendorDefault,
  ID: vendorDefault,
  PH: vendorDefault,
  SG: vendorDefault,
  AU: vendorDefault,
  NZ: vendorDefault,
  ZA: vendorDefault,
  NG: vendorDefault,
  AE: vendorDefault,
  SA: vendorDefault,
};

/** The rule for a country not in the table: the vendor default. */
export const FALLBACK_QUIET_HOURS: QuietHoursRule = vendorDefault;

/**
 * IANA zones of each country in the table, most populous first. When a recipient's zone is unknown
 * and their number does not narrow it, a message is sent only when it is allowed in every zone of the
 * country. Source: the IANA tz database zone.tab (country → zones), trimmed to the inhabited main ones.
 */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, readonly string[]>> = {
  US: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  CA: ['America/Toronto', 'America/Vancouver', 'America/Edmonton', 'America/Winnipeg', 'America/Regina', 'America/Halifax', 'America/St_Johns'],
  MX: ['America/Mexico_City', 'America/Monterrey', 'America/Tijuana', 'America/Hermosillo', 'America/Chihuahua', 'America/Mazatlan', 'America/Cancun'],
  BR: ['America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'],
  AR: ['America/Argentina/Buenos_Aires'],
  CO: ['America/Bogota'],
  GB: ['Europe/London'],
  IE: ['Europe/Dublin'],
  FR: ['Europe/Paris'],
  DE: ['Europe/Berlin'],
  ES: ['Europe/Madrid', 'Atlantic/Canary'],
  IT: ['Europe/Rome'],
  NL: ['Europe/Amsterdam'],
  PT: ['Europe/Lisbon', 'Atlantic/Azores'],
  PL: ['Europe/Warsaw'],
  IN: ['Asia/Kolkata'],
  ID: ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'],
  PH: ['Asia/Manila'],
  SG: ['Asia/Singapore'],
  AU: ['Australia/Sydney', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth'],
  NZ: ['Pacific/Auckland'],
  ZA: ['Africa/Johannesburg'],
  NG: ['Africa/Lagos'],
  AE: ['Asia/Dubai'],
  SA: ['Asia/Riyadh'],
};
