/**
 * The shape of one country's SMS rules: which sender types carriers accept and the registration each
 * needs, the keywords a program must answer and in which languages, the default sending window in the
 * recipient's local time, and the country's time zones. The data lives in `country-rules-*.ts` as
 * plain, editable objects; every fact carries the source it was taken from (DESIGN.md: country rules
 * are seed data, not constants buried in code). Issue 7 keeps its own quiet-hours tables for sending;
 * the windows here are what the onboarding checklist shows.
 *
 * @module
 */

/** How a message is addressed from: a number (long code, short code, toll-free) or a name. */
export type SenderType = 'long_code' | 'short_code' | 'toll_free' | 'alphanumeric';

/** Every sender type, in display order. */
export const SENDER_TYPES: readonly SenderType[] = ['long_code', 'short_code', 'toll_free', 'alphanumeric'];

/**
 * The registration a sender type needs before it may send:
 * - `us_10dlc`: The Campaign Registry brand + campaign (compliance.md c5);
 * - `toll_free_verification`: US/CA toll-free verification (TFV, compliance.md c5);
 * - `india_dlt`: TRAI DLT principal entity (PE) ID + header + template IDs (compliance.md c4);
 * - `alphanumeric_preregistration`: the sender ID must be registered with carriers/regulator first;
 * - `short_code_application`: a short code is leased and approved by carriers (weeks);
 * - `none`: usable once bought (the provider's own KYC aside).
 */
export type RegistrationKind =
  | 'us_10dlc'
  | 'toll_free_verification'
  | 'india_dlt'
  | 'alphanumeric_preregistration'
  | 'short_code_application'
  | 'none';

/** Whether and how one sender type may be used in a country. */
export interface SenderTypeRule {
  allowed: boolean;
  /** What must be approved before the first message; meaningless when not allowed. */
  registration: RegistrationKind;
  /** Why it is refused (when `allowed` is false) or a caveat the checklist shows. */
  note?: string;
  /** Where the fact comes from (URL or `compliance.md §cN`). */
  source: string;
}

/** A daily sending window in recipient local time, `HH:MM` 24 h, start inclusive, end exclusive. */
export interface SendingWindow {
  /** ISO weekdays it applies to, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  start: string;
  end: string;
}

/** Default quiet hours of a country or a subdivision: messages go out only inside `windows`. */
export interface QuietHoursRule {
  windows: readonly SendingWindow[];
  source: string;
  note?: string;
}

/** Keywords a program must answer, per category, with the languages they come from. */
export interface KeywordRule {
  /** BCP 47 language tags, first = main language of the country's recipients. */
  languages: readonly string[];
  optOut: readonly string[];
  optIn: readonly string[];
  help: readonly string[];
  source: string;
}

/** Everything smsflow knows about sending SMS to one country. */
export interface CountryRule {
  /** ISO 3166-1 alpha-2. */
  country: string;
  name: string;
  region: 'Americas' | 'Europe' | 'Asia-Pacific' | 'Africa' | 'Middle East';
  senderTypes: Readonly<Record<SenderType, SenderTypeRule>>;
  keywords: KeywordRule;
  quietHours: QuietHoursRule;
  /** Stricter windows by subdivision (ISO 3166-2 code, e.g. `US-FL`), recipient local time. */
  subdivisionQuietHours?: Readonly<Record<string, QuietHoursRule>>;
  /** IANA time zones recipients can be in (the first is the most populous). */
  timeZones: readonly string[];
}

/** Every day of the week. */
export const EVERY_DAY: readonly number[] = [1, 2, 3, 4, 5, 6, 7];

/** One window on every day. */
export function daily(start: string, end: string, source: string, note?: string): QuietHoursRule {
  return { windows: [{ days: EVERY_DAY, start, end }], source, ...(note ? { note } : {}) };
}

/** A sender type rule. */
export function sender(allowed: boolean, registration: RegistrationKind, source: string, note?: string): SenderTypeRule {
  return { allowed, registration, source, ...(note ? { note } : {}) };
}
