/**
 * Country rules for Europe (GB, IE, FR, DE, ES, IT, NL, PT, PL). Keyword facts come from
 * reference/compliance.md §c1 where it has them; sender-type facts cite the Twilio country guideline
 * page they were read from and are marked `unverified`: check them before relying on them, and edit
 * this data, not code.
 *
 * @module
 */
import { daily, sender } from './country-rule.js';
import type { CountryRule, KeywordRule, SenderTypeRule } from './country-rule.js';

const C1 = 'compliance.md §c1 (Braze, Telnyx, Twilio, AWS keyword docs)';
const VERO = 'compliance.md §c3: Vero default 08:00–20:00 recipient time (https://help.getvero.com/vero-2/channels/sms/sms-quiet-hours-compliance.md)';
const twilio = (cc: string) => `unverified: https://www.twilio.com/guidelines/${cc}/sms`;

function keywords(languages: string[], optOut: string[], optIn: string[], help: string[], note: string): KeywordRule {
  return { languages, optOut: ['STOP', ...optOut], optIn: ['START', ...optIn], help: ['HELP', ...help], source: `${C1}; ${note}` };
}

function europe(
  country: string,
  name: string,
  timeZones: string[],
  kw: KeywordRule,
  overrides: Partial<Record<'long_code' | 'short_code' | 'toll_free' | 'alphanumeric', SenderTypeRule>> = {},
): CountryRule {
  const src = twilio(country.toLowerCase());
  return {
    country,
    name,
    region: 'Europe',
    senderTypes: {
      long_code: sender(true, 'none', src),
      short_code: sender(true, 'short_code_application', src),
      toll_free: sender(false, 'none', src, `toll-free SMS is not offered in ${name}`),
      alphanumeric: sender(true, 'none', src, 'one-way: replies and STOP cannot reach an alphanumeric sender (compliance.md §c6); give a web or number opt-out'),
      ...overrides,
    },
    keywords: kw,
    quietHours: daily('08:00', '20:00', VERO),
    timeZones,
  };
}

export const GB = europe('GB', 'United Kingdom', ['Europe/London'], keywords(['en'], ['STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'], ['UNSTOP', 'YES'], ['INFO'], 'CTIA-style English set'));

export const IE = europe('IE', 'Ireland', ['Europe/Dublin'], keywords(['en', 'ga'], ['STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'], ['UNSTOP', 'YES'], ['INFO'], 'English set'), {
  alphanumeric: sender(true, 'alphanumeric_preregistration', `${twilio('ie')}; ComReg SMS Sender ID Registry`, 'unregistered alphanumeric sender IDs are marked "Likely Scam" or blocked'),
});

export const FR: CountryRule = {
  ...europe('FR', 'France', ['Europe/Paris'], keywords(['fr'], ['ARRET', 'STOP SMS'], ['ARRET FIN'], ['AIDE'], 'French ARRET (AWS default); a STOP mention is required in marketing SMS'), {
    long_code: sender(false, 'none', twilio('fr'), 'French operators do not accept A2P traffic from long codes: use a short code or an alphanumeric sender ID'),
  }),
  quietHours: {
    windows: [{ days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' }],
    source: `${twilio('fr')}; FFTélécoms code of practice: no marketing SMS 20:00–08:00, on Sundays or public holidays`,
    note: 'public holidays are not modelled here',
  },
};

export const DE = europe('DE', 'Germany', ['Europe/Berlin'], keywords(['de'], ['STOPP', 'ABMELDEN'], [], ['HILFE'], 'German STOPP/ABMELDEN are editable defaults (no authoritative list)'));

export const ES = europe('ES', 'Spain', ['Europe/Madrid', 'Atlantic/Canary'], keywords(['es'], ['BAJA', 'ALTO', 'PARAR', 'CANCELAR'], ['ALTA', 'INICIO', 'COMENZAR'], ['AYUDA', 'AUXILIO'], 'Spanish BAJA/ALTO/PARAR/CANCELAR'));

export const IT = europe('IT', 'Italy', ['Europe/Rome'], keywords(['it'], ['CANCELLA', 'ANNULLA'], [], ['AIUTO'], 'Italian CANCELLA/ANNULLA are editable defaults (no authoritative list)'), {
  long_code: sender(false, 'none', twilio('it'), 'Italian operators do not accept A2P traffic from long codes'),
  alphanumeric: sender(true, 'alphanumeric_preregistration', `${twilio('it')}; AGCOM sender ID register`, 'the sender ID and the company behind it must be in the AGCOM register'),
});

export const NL = europe('NL', 'Netherlands', ['Europe/Amsterdam'], keywords(['nl'], ['AFMELDEN'], [], ['INFO'], 'Dutch AFMELDEN is an editable default (no authoritative list)'));

export const PT = europe('PT', 'Portugal', ['Europe/Lisbon', 'Atlantic/Azores', 'Atlantic/Madeira'], keywords(['pt'], ['SAIR', 'PARAR'], ['VOLTAR'], ['AJUDA'], 'SAIR is the common Portuguese opt-out; no authoritative list (editable default)'));

export const PL = europe('PL', 'Poland', ['Europe/Warsaw'], keywords(['pl'], ['NIE', 'WYPISZ'], [], ['POMOC'], 'Polish NIE/WYPISZ are editable defaults (no authoritative list)'));
