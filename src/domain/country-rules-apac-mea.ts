/**
 * Country rules for Asia-Pacific (IN, ID, PH, SG, AU, NZ), Africa (ZA, NG) and the Middle East (AE,
 * SA). India's DLT facts come from reference/compliance.md §c4 and §c3; the others cite the Twilio
 * country guideline page they were read from and are marked `unverified`: check them before relying
 * on them, and edit this data, not code.
 *
 * @module
 */
import { daily, sender } from './country-rule.js';
import type { CountryRule, KeywordRule, SenderTypeRule } from './country-rule.js';

const C1 = 'compliance.md §c1 (Braze, Telnyx, Twilio, AWS keyword docs)';
const C4 = 'compliance.md §c4: https://sdcsupport.syniverse.com/hc/en-us/articles/221082767-India-TRAI-overview, https://docs.gupshup.io/docs/sms-api-introduction';
const C3_IN = 'compliance.md §c3: operators do not deliver commercial SMS outside 09:00–21:00 (Syniverse TRAI overview)';
const VERO = 'compliance.md §c3: Vero default 08:00–20:00 recipient time (https://help.getvero.com/vero-2/channels/sms/sms-quiet-hours-compliance.md)';
const twilio = (cc: string) => `unverified: https://www.twilio.com/guidelines/${cc}/sms`;
const ENGLISH: KeywordRule = { languages: ['en'], optOut: ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'], optIn: ['START', 'UNSTOP'], help: ['HELP', 'INFO'], source: C1 };

function rule(
  country: string,
  name: string,
  region: CountryRule['region'],
  timeZones: string[],
  keywords: KeywordRule,
  senders: Partial<Record<'long_code' | 'short_code' | 'toll_free' | 'alphanumeric', SenderTypeRule>>,
): CountryRule {
  const src = twilio(country.toLowerCase());
  return {
    country,
    name,
    region,
    senderTypes: {
      long_code: sender(true, 'none', src),
      short_code: sender(true, 'short_code_application', src),
      toll_free: sender(false, 'none', src, `toll-free SMS is not offered in ${name}`),
      alphanumeric: sender(true, 'alphanumeric_preregistration', src, 'pre-registered sender IDs only; one-way (compliance.md §c6)'),
      ...senders,
    },
    keywords,
    quietHours: daily('08:00', '20:00', VERO),
    timeZones,
  };
}

/** India: every commercial sender is a DLT header of a registered principal entity. */
export const IN: CountryRule = {
  ...rule('IN', 'India', 'Asia-Pacific', ['Asia/Kolkata'], { ...ENGLISH, languages: ['en', 'hi'] }, {
    long_code: sender(false, 'none', C4, 'commercial SMS to India must come from a DLT-registered header, not a long code'),
    short_code: sender(false, 'none', C4, 'commercial SMS to India must come from a DLT-registered header'),
    alphanumeric: sender(true, 'india_dlt', C4, 'the header (sender ID) and every template must be registered on a DLT portal under your PE ID; operators add a -P/-S/-T/-G suffix'),
  }),
  quietHours: daily('09:00', '21:00', C3_IN, 'promotional traffic; transactional/OTP is exempt only if your provider confirms it'),
};

export const ID = rule('ID', 'Indonesia', 'Asia-Pacific', ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'], { ...ENGLISH, languages: ['id', 'en'], optOut: ['STOP', 'BERHENTI'], help: ['HELP', 'BANTUAN'], source: `${C1}; BERHENTI/BANTUAN are editable defaults` }, {
  long_code: sender(false, 'none', twilio('id'), 'Indonesian operators filter A2P traffic from long codes: use a pre-registered sender ID'),
});
export const PH = rule('PH', 'Philippines', 'Asia-Pacific', ['Asia/Manila'], { ...ENGLISH, languages: ['en', 'fil'] }, {});
export const SG = rule('SG', 'Singapore', 'Asia-Pacific', ['Asia/Singapore'], ENGLISH, {
  alphanumeric: sender(true, 'alphanumeric_preregistration', `${twilio('sg')}; IMDA SMS Sender ID Registry (SSIR)`, 'unregistered sender IDs are shown as "Likely-SCAM"'),
});
export const AU = rule('AU', 'Australia', 'Asia-Pacific', ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Perth', 'Australia/Darwin', 'Australia/Hobart'], ENGLISH, {
  alphanumeric: sender(true, 'alphanumeric_preregistration', `${twilio('au')}; ACMA SMS Sender ID Register`, 'one-way; give an opt-out path that works without replies'),
});
export const NZ = rule('NZ', 'New Zealand', 'Asia-Pacific', ['Pacific/Auckland', 'Pacific/Chatham'], ENGLISH, {
  alphanumeric: sender(false, 'none', twilio('nz'), 'New Zealand carriers do not deliver alphanumeric sender IDs'),
});
export const ZA = rule('ZA', 'South Africa', 'Africa', ['Africa/Johannesburg'], ENGLISH, {
  alphanumeric: sender(false, 'none', twilio('za'), 'South African carriers overwrite alphanumeric sender IDs with a number'),
});
export const NG = rule('NG', 'Nigeria', 'Africa', ['Africa/Lagos'], ENGLISH, {
  long_code: sender(false, 'none', twilio('ng'), 'Nigerian operators block A2P traffic from international long codes: use a pre-registered sender ID'),
});
export const AE: CountryRule = {
  ...rule('AE', 'United Arab Emirates', 'Middle East', ['Asia/Dubai'], { ...ENGLISH, languages: ['ar', 'en'], optOut: ['STOP', 'إلغاء'], source: `${C1}; Arabic opt-out is an editable default` }, {
    long_code: sender(false, 'none', twilio('ae'), 'UAE operators accept A2P only from pre-registered sender IDs'),
    short_code: sender(false, 'none', twilio('ae'), 'UAE operators accept A2P only from pre-registered sender IDs'),
  }),
  quietHours: daily('07:00', '21:00', `${twilio('ae')}; TDRA: promotional SMS only 07:00–21:00`),
};
export const SA = rule('SA', 'Saudi Arabia', 'Middle East', ['Asia/Riyadh'], { ...ENGLISH, languages: ['ar', 'en'], optOut: ['STOP', 'إيقاف'], source: `${C1}; Arabic opt-out is an editable default` }, {
  long_code: sender(false, 'none', twilio('sa'), 'Saudi operators accept A2P only from pre-registered sender IDs'),
  short_code: sender(false, 'none', twilio('sa'), 'Saudi operators accept A2P only from pre-registered sender IDs'),
  alphanumeric: sender(true, 'alphanumeric_preregistration', `${twilio('sa')}; CST sender ID registration`, 'promotional sender IDs end in -AD'),
});
