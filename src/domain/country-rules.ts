/**
 * The country rules smsflow ships (25 countries; data in `country-rules-*.ts`) and what a set of
 * target countries requires, as the onboarding checklist's first step answers it.
 *
 * @module
 */
import type { CountryRule, QuietHoursRule, RegistrationKind, SenderType } from './country-rule.js';
import { SENDER_TYPES } from './country-rule.js';
import { AR, BR, CA, CO, MX, US } from './country-rules-americas.js';
import { AE, AU, ID, IN, NG, NZ, PH, SA, SG, ZA } from './country-rules-apac-mea.js';
import { DE, ES, FR, GB, IE, IT, NL, PL, PT } from './country-rules-europe.js';

/** Every country rule by ISO 3166-1 alpha-2 code. */
export const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = Object.freeze(
  Object.fromEntries([US, CA, MX, BR, AR, CO, GB, IE, FR, DE, ES, IT, NL, PT, PL, IN, ID, PH, SG, AU, NZ, ZA, NG, AE, SA].map((r) => [r.country, r])),
);

/** The rule of a country, or undefined when smsflow has none for it. */
export function countryRule(country: string): CountryRule | undefined {
  return COUNTRY_RULES[country.toUpperCase()];
}

/** One thing a target country requires, as the checklist lists it. */
export interface CountryRequirement {
  country: string;
  /** What kind of requirement. */
  kind: 'registration' | 'refused_sender_type' | 'keywords' | 'quiet_hours';
  senderType?: SenderType;
  registration?: RegistrationKind;
  /** Human-readable requirement. */
  text: string;
  source: string;
}

function windowText(q: QuietHoursRule): string {
  return q.windows.map((w) => `${w.start}–${w.end}${w.days.length < 7 ? ` (ISO days ${w.days.join(',')})` : ''}`).join(', ');
}

const REGISTRATION_TEXT: Record<RegistrationKind, string> = {
  us_10dlc: '10DLC brand and campaign registered with The Campaign Registry',
  toll_free_verification: 'toll-free verification (TFV) approved',
  india_dlt: 'DLT principal entity (PE) ID, header and template IDs registered',
  alphanumeric_preregistration: 'sender ID pre-registered with carriers/regulator',
  short_code_application: 'short code leased and approved by carriers',
  none: 'no registration',
};

/**
 * What sending to `countries` requires: per allowed sender type its registration, every refused
 * sender type with the reason, the keywords and languages to answer, and the default sending window.
 * Unknown codes are ignored (validate with {@link countryRule} first).
 */
export function requirementsFor(countries: readonly string[]): CountryRequirement[] {
  const out: CountryRequirement[] = [];
  for (const code of countries) {
    const r = countryRule(code);
    if (!r) continue;
    for (const type of SENDER_TYPES) {
      const s = r.senderTypes[type];
      if (!s.allowed) {
        out.push({ country: r.country, kind: 'refused_sender_type', senderType: type, text: s.note ?? `${type} is not available`, source: s.source });
      } else if (s.registration !== 'none') {
        out.push({ country: r.country, kind: 'registration', senderType: type, registration: s.registration, text: `${type}: ${REGISTRATION_TEXT[s.registration]}`, source: s.source });
      }
    }
    out.push({
      country: r.country,
      kind: 'keywords',
      text: `answer ${r.keywords.optOut.join('/')} (opt-out), ${r.keywords.help.join('/')} (help), ${r.keywords.optIn.join('/')} (opt-in); languages ${r.keywords.languages.join(', ')}`,
      source: r.keywords.source,
    });
    const sub = Object.keys(r.subdivisionQuietHours ?? {});
    out.push({
      country: r.country,
      kind: 'quiet_hours',
      text: `send only ${windowText(r.quietHours)} recipient local time (${r.timeZones.length} time zone${r.timeZones.length > 1 ? 's' : ''})${sub.length ? `; stricter in ${sub.join(', ')}` : ''}`,
      source: r.quietHours.source,
    });
  }
  return out;
}
