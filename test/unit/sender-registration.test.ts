import { describe, expect, it } from 'vitest';
import { SENDER_TYPES } from '../../src/domain/country-rule.js';
import { COUNTRY_RULES, requirementsFor } from '../../src/domain/country-rules.js';
import { validateSenderRegistration } from '../../src/domain/sender-registration.js';
import type { SenderRegistrationInput } from '../../src/domain/sender-registration.js';

const SAMPLES = [
  'Acme: your order 123 has shipped. Reply STOP to opt out.',
  'Acme: your appointment is tomorrow at 10:00. Reply HELP for help.',
  'Acme: your package was delivered today. Msg&data rates may apply.',
];
const US_10DLC: SenderRegistrationInput = {
  country: 'US',
  sender_type: 'long_code',
  sender: '+12015550100',
  ten_dlc: {
    brand: { legal_name: 'Acme Inc.', ein: '12-3456789', entity_type: 'private_profit', vertical: 'RETAIL', website: 'https://acme.example.com' },
    campaign: {
      use_case: 'ACCOUNT_NOTIFICATION',
      description: 'Order and delivery notifications for Acme customers who asked for them.',
      message_flow: 'Customers tick an unchecked SMS box at checkout on acme.example.com/checkout.',
      sample_messages: SAMPLES,
    },
  },
};
const US_TOLL_FREE: SenderRegistrationInput = {
  country: 'US',
  sender_type: 'toll_free',
  sender: '+18885550100',
  toll_free: {
    business_name: 'Acme Inc.',
    use_case_summary: 'Order and delivery notifications for customers.',
    opt_in_workflow_image_urls: ['https://acme.example.com/optin.png'],
    sample_messages: [SAMPLES[0]!],
    monthly_volume: 10_000,
  },
};
const IN_DLT: SenderRegistrationInput = {
  country: 'IN',
  sender_type: 'alphanumeric',
  sender: 'ACMEIN',
  dlt: {
    entity_id: '1201159123456789012',
    header_type: 'transactional',
    templates: [{ template_id: '1207161234567890123', category: 'transactional', body: 'Your OTP is {#var#}. Do not share it. -Acme' }],
  },
};
const SG_ALPHA: SenderRegistrationInput = { country: 'SG', sender_type: 'alphanumeric', sender: 'Acme', alphanumeric: { company_name: 'Acme Pte Ltd', use_case: 'delivery notifications' } };

type Patch = (i: SenderRegistrationInput) => SenderRegistrationInput;
const clone = (i: SenderRegistrationInput): SenderRegistrationInput => structuredClone(i);
const brand = (p: Record<string, unknown>): Patch => (i) => ({ ...i, ten_dlc: { ...i.ten_dlc!, brand: { ...i.ten_dlc!.brand, ...p } } });
const campaign = (p: Record<string, unknown>): Patch => (i) => ({ ...i, ten_dlc: { ...i.ten_dlc!, campaign: { ...i.ten_dlc!.campaign, ...p } } });
const tf = (p: Record<string, unknown>): Patch => (i) => ({ ...i, toll_free: { ...i.toll_free!, ...p } });
const dltP = (p: Record<string, unknown>): Patch => (i) => ({ ...i, dlt: { ...i.dlt!, ...p } });
const tpl = (p: Record<string, unknown>): Patch => (i) => ({ ...i, dlt: { ...i.dlt!, templates: [{ ...i.dlt!.templates[0]!, ...p }] } });

/** [name, base, patch, field, reason fragment] */
type Case = [string, SenderRegistrationInput, Patch, string, string | RegExp];

const TABLE: Record<string, Case[]> = {
  'US sender types and shapes': [
    ['alphanumeric for the US', US_10DLC, (i) => ({ ...i, sender_type: 'alphanumeric', sender: 'ACME' }), 'sender_type', 'US carriers do not deliver alphanumeric sender IDs'],
    ['alphanumeric for CA', US_10DLC, (i) => ({ ...i, country: 'CA', sender_type: 'alphanumeric', sender: 'ACME' }), 'sender_type', 'alphanumeric refused for CA'],
    ['unknown country', US_10DLC, (i) => ({ ...i, country: 'XX' }), 'country', 'no country rules for XX'],
    ['lower-case unknown', US_10DLC, (i) => ({ ...i, country: 'zz' }), 'country', 'no country rules'],
    ['unknown sender type', US_10DLC, (i) => ({ ...i, sender_type: 'fax' as never }), 'sender_type', 'one of long_code'],
    ['long code without +', US_10DLC, (i) => ({ ...i, sender: '12015550100' }), 'sender', 'E.164'],
    ['long code too short', US_10DLC, (i) => ({ ...i, sender: '+12345' }), 'sender', 'E.164'],
    ['long code with letters', US_10DLC, (i) => ({ ...i, sender: '+1201555ABCD' }), 'sender', 'E.164'],
    ['long code empty', US_10DLC, (i) => ({ ...i, sender: '' }), 'sender', 'required'],
    ['long code leading zero', US_10DLC, (i) => ({ ...i, sender: '+0201555010' }), 'sender', 'E.164'],
    ['toll-free not NANP toll-free', US_TOLL_FREE, (i) => ({ ...i, sender: '+12015550100' }), 'sender', 'NANP toll-free'],
    ['toll-free 900', US_TOLL_FREE, (i) => ({ ...i, sender: '+19005550100' }), 'sender', 'NANP toll-free'],
    ['short code too short', US_10DLC, (i) => ({ ...i, sender_type: 'short_code', sender: '12' }), 'sender', '3–8 digits'],
    ['short code too long', US_10DLC, (i) => ({ ...i, sender_type: 'short_code', sender: '123456789' }), 'sender', '3–8 digits'],
    ['short code with +', US_10DLC, (i) => ({ ...i, sender_type: 'short_code', sender: '+12345' }), 'sender', '3–8 digits'],
    ['long code in India', IN_DLT, (i) => ({ ...i, sender_type: 'long_code', sender: '+919876543210' }), 'sender_type', 'DLT-registered header'],
    ['long code in France', US_10DLC, (i) => ({ ...i, country: 'FR', sender: '+33612345678' }), 'sender_type', 'French operators'],
  ],
  'US 10DLC brand and campaign': [
    ['no 10DLC block', US_10DLC, (i) => ({ ...i, ten_dlc: undefined }), 'ten_dlc', 'brand and campaign'],
    ['no brand', US_10DLC, (i) => ({ ...i, ten_dlc: { ...i.ten_dlc!, brand: undefined as never } }), 'ten_dlc.brand', 'legal name'],
    ['no campaign', US_10DLC, (i) => ({ ...i, ten_dlc: { ...i.ten_dlc!, campaign: undefined as never } }), 'ten_dlc.campaign', 'use case'],
    ['empty legal name', US_10DLC, brand({ legal_name: '  ' }), 'ten_dlc.brand.legal_name', 'required'],
    ['bad entity type', US_10DLC, brand({ entity_type: 'llc' }), 'ten_dlc.brand.entity_type', 'one of'],
    ['missing EIN', US_10DLC, brand({ ein: undefined }), 'ten_dlc.brand.ein', '9 digits'],
    ['EIN too short', US_10DLC, brand({ ein: '12-345678' }), 'ten_dlc.brand.ein', '9 digits'],
    ['EIN with letters', US_10DLC, brand({ ein: 'AB-3456789' }), 'ten_dlc.brand.ein', '9 digits'],
    ['sole proprietor with EIN', US_10DLC, brand({ entity_type: 'sole_proprietor' }), 'ten_dlc.brand.ein', 'without a tax ID'],
    ['empty vertical', US_10DLC, brand({ vertical: '' }), 'ten_dlc.brand.vertical', 'required'],
    ['http website', US_10DLC, brand({ website: 'http://acme.example.com' }), 'ten_dlc.brand.website', 'https://'],
    ['bad use case', US_10DLC, campaign({ use_case: 'SPAM' }), 'ten_dlc.campaign.use_case', 'one of'],
    ['short description', US_10DLC, campaign({ description: 'Notifications' }), 'ten_dlc.campaign.description', '40 characters'],
    ['short message flow', US_10DLC, campaign({ message_flow: 'website' }), 'ten_dlc.campaign.message_flow', 'opt in'],
    ['two samples', US_10DLC, campaign({ sample_messages: SAMPLES.slice(0, 2) }), 'ten_dlc.campaign.sample_messages', 'at least 3'],
    ['no samples', US_10DLC, campaign({ sample_messages: [] }), 'ten_dlc.campaign.sample_messages', 'at least 3'],
    ['sample too short', US_10DLC, campaign({ sample_messages: ['Hi', ...SAMPLES] }), 'ten_dlc.campaign.sample_messages[0]', '20–1024'],
    ['no STOP in samples', US_10DLC, campaign({ sample_messages: SAMPLES.map((s) => s.replace('Reply STOP to opt out.', 'Thanks.')) }), 'ten_dlc.campaign.sample_messages', 'opt-out instruction'],
  ],
  'US/CA toll-free verification': [
    ['no TFV block', US_TOLL_FREE, (i) => ({ ...i, toll_free: undefined }), 'toll_free', 'must be verified'],
    ['no TFV block in CA', US_TOLL_FREE, (i) => ({ ...i, country: 'CA', toll_free: undefined }), 'toll_free', 'must be verified'],
    ['empty business name', US_TOLL_FREE, tf({ business_name: '' }), 'toll_free.business_name', 'required'],
    ['short use case', US_TOLL_FREE, tf({ use_case_summary: 'alerts' }), 'toll_free.use_case_summary', '20 characters'],
    ['no opt-in images', US_TOLL_FREE, tf({ opt_in_workflow_image_urls: [] }), 'toll_free.opt_in_workflow_image_urls', 'at least one'],
    ['http opt-in image', US_TOLL_FREE, tf({ opt_in_workflow_image_urls: ['http://acme.example.com/a.png'] }), 'toll_free.opt_in_workflow_image_urls[0]', 'https://'],
    ['non-URL opt-in image', US_TOLL_FREE, tf({ opt_in_workflow_image_urls: ['optin.png'] }), 'toll_free.opt_in_workflow_image_urls[0]', 'https://'],
    ['no samples', US_TOLL_FREE, tf({ sample_messages: [] }), 'toll_free.sample_messages', 'at least 1'],
    ['sample too long', US_TOLL_FREE, tf({ sample_messages: ['x'.repeat(1025) + ' STOP'] }), 'toll_free.sample_messages[0]', '20–1024'],
    ['no STOP sample', US_TOLL_FREE, tf({ sample_messages: ['Your package has been delivered, thanks!'] }), 'toll_free.sample_messages', 'opt-out'],
    ['zero volume', US_TOLL_FREE, tf({ monthly_volume: 0 }), 'toll_free.monthly_volume', 'positive'],
    ['negative volume', US_TOLL_FREE, tf({ monthly_volume: -5 }), 'toll_free.monthly_volume', 'positive'],
    ['fractional volume', US_TOLL_FREE, tf({ monthly_volume: 10.5 }), 'toll_free.monthly_volume', 'whole number'],
    ['string volume', US_TOLL_FREE, tf({ monthly_volume: '100' }), 'toll_free.monthly_volume', 'positive'],
    ['CA number not toll-free', US_TOLL_FREE, (i) => ({ ...i, country: 'CA', sender: '+14165550100' }), 'sender', 'NANP toll-free'],
  ],
  'India DLT header and PE ID': [
    ['no DLT block', IN_DLT, (i) => ({ ...i, dlt: undefined }), 'dlt', 'PE) ID'],
    ['header 5 letters', IN_DLT, (i) => ({ ...i, sender: 'ACMEI' }), 'sender', '6 letters'],
    ['header 7 letters', IN_DLT, (i) => ({ ...i, sender: 'ACMEIND' }), 'sender', '6 letters'],
    ['header with digit', IN_DLT, (i) => ({ ...i, sender: 'ACME1N' }), 'sender', '6 letters'],
    ['header with space', IN_DLT, (i) => ({ ...i, sender: 'ACM IN' }), 'sender', '6 letters'],
    ['header with suffix', IN_DLT, (i) => ({ ...i, sender: 'ACMEIN-T' }), 'sender', 'suffix'],
    ['header with -S suffix', IN_DLT, (i) => ({ ...i, sender: 'ACMEIN-S' }), 'sender', 'suffix'],
    ['promotional header letters', IN_DLT, (i) => ({ ...dltP({ header_type: 'promotional', templates: [{ ...i.dlt!.templates[0]!, category: 'promotional' }] })(i) }), 'sender', '6 digits'],
    ['promotional header 5 digits', IN_DLT, (i) => ({ ...dltP({ header_type: 'promotional', templates: [{ ...i.dlt!.templates[0]!, category: 'promotional' }] })(i), sender: '12345' }), 'sender', '6 digits'],
    ['bad header type', IN_DLT, dltP({ header_type: 'marketing' }), 'dlt.header_type', 'one of'],
    ['PE ID too short', IN_DLT, dltP({ entity_id: '12011591' }), 'dlt.entity_id', '12–19 digits'],
    ['PE ID too long', IN_DLT, dltP({ entity_id: '12011591234567890123' }), 'dlt.entity_id', '12–19 digits'],
    ['PE ID with letters', IN_DLT, dltP({ entity_id: '1201159ABC456789012' }), 'dlt.entity_id', 'numeric'],
    ['PE ID empty', IN_DLT, dltP({ entity_id: '' }), 'dlt.entity_id', 'numeric'],
    ['PE ID with dashes', IN_DLT, dltP({ entity_id: '1201-1591-2345-6789' }), 'dlt.entity_id', 'numeric'],
    ['PE ID as number', IN_DLT, dltP({ entity_id: 1201159123456789 }), 'dlt.entity_id', 'numeric'],
  ],
  'India DLT templates': [
    ['no templates', IN_DLT, dltP({ templates: [] }), 'dlt.templates', 'at least one'],
    ['template id short', IN_DLT, tpl({ template_id: '12345' }), 'dlt.templates[0].template_id', '12–19 digits'],
    ['template id letters', IN_DLT, tpl({ template_id: '12071612345678901X' }), 'dlt.templates[0].template_id', 'numeric'],
    ['template id 20 digits', IN_DLT, tpl({ template_id: '12071612345678901234' }), 'dlt.templates[0].template_id', '12–19'],
    ['##var## placeholder', IN_DLT, tpl({ body: 'Your OTP is ##var##. -Acme' }), 'dlt.templates[0].body', '{#var#}'],
    ['{var} placeholder', IN_DLT, tpl({ body: 'Your OTP is {var}. -Acme' }), 'dlt.templates[0].body', '{#var#}'],
    ['{#VAR#} placeholder', IN_DLT, tpl({ body: 'Your OTP is {#VAR#}. -Acme' }), 'dlt.templates[0].body', '{#var#}'],
    ['{#var} placeholder', IN_DLT, tpl({ body: 'Your OTP is {#var}. -Acme' }), 'dlt.templates[0].body', '{#var#}'],
    ['{#name#} placeholder', IN_DLT, tpl({ body: 'Hi {#name#}, your OTP is {#var#}' }), 'dlt.templates[0].body', '{#var#}'],
    ['Liquid placeholder', IN_DLT, tpl({ body: 'Your OTP is {{ otp }}. -Acme' }), 'dlt.templates[0].body', '{#var#}'],
    ['empty body', IN_DLT, tpl({ body: '' }), 'dlt.templates[0].body', 'required'],
    ['service explicit', IN_DLT, tpl({ category: 'service_explicit' }), 'dlt.templates[0].category', 'folded into Promotional'],
    ['unknown category', IN_DLT, tpl({ category: 'otp' }), 'dlt.templates[0].category', 'one of'],
    ['promotional template on text header', IN_DLT, tpl({ category: 'promotional' }), 'dlt.templates[0].category', 'promotional (numeric) header'],
    ['transactional template on promo header', IN_DLT, (i) => ({ ...dltP({ header_type: 'promotional' })(i), sender: '123456' }), 'dlt.templates[0].category', 'alphabetic header'],
  ],
  'alphanumeric sender IDs and pre-registration': [
    ['SG without company', SG_ALPHA, (i) => ({ ...i, alphanumeric: undefined }), 'alphanumeric.company_name', 'pre-registered'],
    ['SG empty company', SG_ALPHA, (i) => ({ ...i, alphanumeric: { company_name: '', use_case: 'x' } }), 'alphanumeric.company_name', 'pre-registered'],
    ['SG no use case', SG_ALPHA, (i) => ({ ...i, alphanumeric: { company_name: 'Acme', use_case: ' ' } }), 'alphanumeric.use_case', 'use case'],
    ['AE without company', SG_ALPHA, (i) => ({ ...i, country: 'AE', alphanumeric: undefined }), 'alphanumeric.company_name', 'United Arab Emirates'],
    ['SA without company', SG_ALPHA, (i) => ({ ...i, country: 'SA', alphanumeric: undefined }), 'alphanumeric.company_name', 'Saudi Arabia'],
    ['IT without company', SG_ALPHA, (i) => ({ ...i, country: 'IT', alphanumeric: undefined }), 'alphanumeric.company_name', 'Italy'],
    ['NG without company', SG_ALPHA, (i) => ({ ...i, country: 'NG', alphanumeric: undefined }), 'alphanumeric.company_name', 'Nigeria'],
    ['12 characters', SG_ALPHA, (i) => ({ ...i, sender: 'AcmeWidgets1' }), 'sender', '1–11'],
    ['digits only', SG_ALPHA, (i) => ({ ...i, sender: '12345' }), 'sender', 'at least one letter'],
    ['punctuation', SG_ALPHA, (i) => ({ ...i, sender: 'Acme!' }), 'sender', '1–11'],
    ['accented', SG_ALPHA, (i) => ({ ...i, sender: 'Café' }), 'sender', '1–11'],
    ['empty', SG_ALPHA, (i) => ({ ...i, sender: '' }), 'sender', 'required'],
    ['GB 12 characters', SG_ALPHA, (i) => ({ ...i, country: 'GB', sender: 'AcmeWidgetsX' }), 'sender', '1–11'],
    ['NZ alphanumeric', SG_ALPHA, (i) => ({ ...i, country: 'NZ' }), 'sender_type', 'New Zealand carriers'],
    ['ZA alphanumeric', SG_ALPHA, (i) => ({ ...i, country: 'ZA' }), 'sender_type', 'South African carriers'],
    ['MX alphanumeric', SG_ALPHA, (i) => ({ ...i, country: 'MX' }), 'sender_type', 'Mexico'],
  ],
};

describe('sender registration validation', () => {
  it.each([['US 10DLC', US_10DLC], ['US toll-free', US_TOLL_FREE], ['India DLT', IN_DLT], ['Singapore alphanumeric', SG_ALPHA]])('accepts a complete %s registration', (_n, input) => {
    expect(validateSenderRegistration(input)).toEqual([]);
  });

  for (const [rule, cases] of Object.entries(TABLE)) {
    describe(rule, () => {
      it('has at least 15 invalid inputs', () => expect(cases.length).toBeGreaterThanOrEqual(15));
      it.each(cases)('refuses %s', (_name, base, patch, field, reason) => {
        const errors = validateSenderRegistration(patch(clone(base)));
        const hit = errors.find((e) => e.field === field);
        expect(hit, JSON.stringify(errors)).toBeDefined();
        expect(hit!.reason).toMatch(reason);
      });
    });
  }

  it('refuses every sender type a country does not allow, with its reason and source', () => {
    let refused = 0;
    for (const rule of Object.values(COUNTRY_RULES)) {
      for (const type of SENDER_TYPES) {
        if (rule.senderTypes[type].allowed) continue;
        refused += 1;
        const [err] = validateSenderRegistration({ country: rule.country, sender_type: type, sender: 'x' });
        expect(err?.field).toBe('sender_type');
        expect(err?.reason).toContain(rule.senderTypes[type].note!);
        expect(err?.reason).toContain('source:');
      }
    }
    expect(refused).toBeGreaterThanOrEqual(25);
  });
});

describe('country rules', () => {
  it('covers the 25 required countries, each fact with a source', () => {
    const required = 'US CA MX BR AR CO GB IE FR DE ES IT NL PT PL IN ID PH SG AU NZ ZA NG AE SA'.split(' ');
    expect(Object.keys(COUNTRY_RULES).sort()).toEqual([...required].sort());
    for (const r of Object.values(COUNTRY_RULES)) {
      for (const t of SENDER_TYPES) expect(r.senderTypes[t].source.length).toBeGreaterThan(5);
      expect(r.keywords.optOut.length).toBeGreaterThan(0);
      expect(r.keywords.source.length).toBeGreaterThan(5);
      expect(r.quietHours.source.length).toBeGreaterThan(5);
      expect(r.timeZones.length).toBeGreaterThan(0);
      for (const tz of r.timeZones) expect(() => new Intl.DateTimeFormat('en', { timeZone: tz })).not.toThrow();
    }
  });

  it('answers the requirements of US + IN: 10DLC, TFV, DLT, refused alphanumeric, keywords, quiet hours', () => {
    const req = requirementsFor(['US', 'IN']);
    const us = req.filter((r) => r.country === 'US');
    expect(us.map((r) => r.registration).filter(Boolean)).toEqual(['us_10dlc', 'short_code_application', 'toll_free_verification']);
    expect(us.find((r) => r.kind === 'refused_sender_type')?.senderType).toBe('alphanumeric');
    expect(us.find((r) => r.kind === 'quiet_hours')?.text).toContain('08:00–21:00');
    expect(us.find((r) => r.kind === 'quiet_hours')?.text).toContain('US-TX');
    expect(req.find((r) => r.country === 'IN' && r.kind === 'registration')?.registration).toBe('india_dlt');
    expect(req.find((r) => r.country === 'IN' && r.kind === 'quiet_hours')?.text).toContain('09:00–21:00');
  });
});
