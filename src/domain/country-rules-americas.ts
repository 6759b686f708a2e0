/**
 * Country rules for the Americas (US, CA, MX, BR, AR, CO). Facts from reference/compliance.md carry
 * its section; the others cite the Twilio country guideline page they were read from and are marked
 * `unverified` there: check them before relying on them, and edit this data, not code.
 *
 * @module
 */
import { daily, sender } from './country-rule.js';
import type { CountryRule } from './country-rule.js';

const C1 = 'compliance.md §c1 (Braze, Telnyx, Twilio, AWS keyword docs)';
const C3_TCPA = 'compliance.md §c3: 47 CFR 64.1200(c)(1), 08:00–21:00 called party local time';
const C3_STATES = 'compliance.md §c3: https://support.referrizer.com/en/category/text-campaigns/article/tcpa-quiet-hours-and-state-specific-rules-for-text-campaigns';
const C5_10DLC = 'compliance.md §c5: https://developers.telnyx.com/docs/messaging/10dlc/quickstart/index.md';
const C5_TFV = 'compliance.md §c5: https://www.twilio.com/docs/api/errors/30466.md (unverified toll-free blocked since 2024-01-31)';
const C6_ALPHA = 'compliance.md §c6: alphanumeric senders are one-way and cannot receive STOP';
const VERO = 'compliance.md §c3: Vero default 08:00–20:00 recipient time (https://help.getvero.com/vero-2/channels/sms/sms-quiet-hours-compliance.md)';
const twilio = (cc: string) => `unverified: https://www.twilio.com/guidelines/${cc}/sms`;

const SPANISH = { optOut: ['BAJA', 'ALTO', 'PARAR', 'CANCELAR'], optIn: ['ALTA', 'INICIO', 'COMENZAR'], help: ['AYUDA', 'AUXILIO'] };

/** United States: 10DLC, toll-free and short codes; alphanumeric sender IDs are not delivered. */
export const US: CountryRule = {
  country: 'US',
  name: 'United States',
  region: 'Americas',
  senderTypes: {
    long_code: sender(true, 'us_10dlc', C5_10DLC, 'A2P on local numbers needs a 10DLC brand and campaign'),
    short_code: sender(true, 'short_code_application', 'compliance.md §c6 (AWS/Twilio short code MPS)'),
    toll_free: sender(true, 'toll_free_verification', C5_TFV),
    alphanumeric: sender(false, 'none', twilio('us'), 'US carriers do not deliver alphanumeric sender IDs: use a 10DLC long code, a toll-free number or a short code'),
  },
  keywords: {
    languages: ['en', 'es'],
    optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'ALTO'],
    optIn: ['START', 'UNSTOP', 'YES'],
    help: ['HELP', 'INFO', 'AYUDA'],
    source: `${C1}; Spanish programs answer ALTO/AYUDA (Twilio Spanish short code FAQ)`,
  },
  quietHours: daily('08:00', '21:00', C3_TCPA),
  subdivisionQuietHours: {
    'US-CT': daily('09:00', '20:00', C3_STATES),
    'US-FL': daily('08:00', '20:00', C3_STATES),
    'US-MD': daily('08:00', '20:00', C3_STATES),
    'US-MS': daily('08:00', '20:00', C3_STATES),
    'US-NJ': daily('08:00', '20:00', C3_STATES),
    'US-OK': daily('08:00', '20:00', C3_STATES),
    'US-RI': {
      windows: [
        { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
        { days: [6, 7], start: '10:00', end: '17:00' },
      ],
      source: C3_STATES,
    },
    'US-TX': {
      windows: [
        { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '21:00' },
        { days: [7], start: '12:00', end: '21:00' },
      ],
      source: C3_STATES,
    },
  },
  timeZones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico'],
};

/** Canada: long codes, short codes and verified toll-free; English and French keywords. */
export const CA: CountryRule = {
  country: 'CA',
  name: 'Canada',
  region: 'Americas',
  senderTypes: {
    long_code: sender(true, 'none', twilio('ca'), 'Canadian long codes default to 1 MPS (compliance.md §c6)'),
    short_code: sender(true, 'short_code_application', twilio('ca')),
    toll_free: sender(true, 'toll_free_verification', C5_TFV),
    alphanumeric: sender(false, 'none', twilio('ca'), 'Canadian carriers do not deliver alphanumeric sender IDs'),
  },
  keywords: {
    languages: ['en', 'fr'],
    optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'ARRET', 'TD'],
    optIn: ['START', 'UNSTOP', 'YES'],
    help: ['HELP', 'INFO', 'AIDE'],
    source: `${C1}; French (Canada) ARRET and TD are AWS opt-out defaults`,
  },
  quietHours: daily('08:00', '21:00', `${VERO}; no federal rule found, TCPA-like window as default`),
  timeZones: ['America/Toronto', 'America/Vancouver', 'America/Edmonton', 'America/Winnipeg', 'America/Halifax', 'America/St_Johns', 'America/Regina'],
};

function latam(country: string, name: string, tz: string[], lang: 'es' | 'pt'): CountryRule {
  const cc = country.toLowerCase();
  return {
    country,
    name,
    region: 'Americas',
    senderTypes: {
      long_code: sender(true, 'none', twilio(cc)),
      short_code: sender(true, 'short_code_application', twilio(cc)),
      toll_free: sender(false, 'none', twilio(cc), `toll-free SMS is not offered in ${name}`),
      alphanumeric: sender(false, 'none', twilio(cc), `carriers in ${name} overwrite or block alphanumeric sender IDs`),
    },
    keywords:
      lang === 'es'
        ? { languages: ['es'], ...SPANISH, source: `${C1}: Spanish ALTO/BAJA/PARAR/CANCELAR, ALTA/INICIO/COMENZAR, AYUDA/AUXILIO` }
        : { languages: ['pt'], optOut: ['SAIR', 'PARAR', 'STOP'], optIn: ['VOLTAR'], help: ['AJUDA'], source: `${C1}: SAIR is the common Portuguese opt-out; no authoritative list (editable default)` },
    quietHours: daily('08:00', '20:00', VERO),
    timeZones: tz,
  };
}

export const MX = latam('MX', 'Mexico', ['America/Mexico_City', 'America/Monterrey', 'America/Tijuana', 'America/Cancun', 'America/Hermosillo'], 'es');
export const BR = latam('BR', 'Brazil', ['America/Sao_Paulo', 'America/Manaus', 'America/Fortaleza', 'America/Recife', 'America/Rio_Branco', 'America/Noronha'], 'pt');
export const AR = latam('AR', 'Argentina', ['America/Argentina/Buenos_Aires', 'America/Argentina/Cordoba', 'America/Argentina/Mendoza'], 'es');
export const CO = latam('CO', 'Colombia', ['America/Bogota'], 'es');

/** Alphanumeric senders are one-way everywhere (cited for the checklist's caveat). */
export const ALPHANUMERIC_ONE_WAY_SOURCE = C6_ALPHA;
