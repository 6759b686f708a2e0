/**
 * Validation of a sender registration against the country rules (plain functions, no I/O, safe in
 * workflow validators): the sender type must be allowed in the country, the sender must have the
 * shape of its type, and the registration the country requires for that type must be complete.
 *
 * @module
 */
import type { SenderType } from './country-rule.js';
import { countryRule } from './country-rules.js';
import type { FieldError } from './field-error.js';

/** US 10DLC brand and campaign (The Campaign Registry; compliance.md §c5). */
export interface TenDlcRegistration {
  brand: {
    legal_name: string;
    /** US EIN, `NN-NNNNNNN`; absent for a sole proprietor. */
    ein?: string;
    entity_type: 'private_profit' | 'public_profit' | 'non_profit' | 'government' | 'sole_proprietor';
    vertical: string;
    website: string;
  };
  campaign: { use_case: string; description: string; message_flow: string; sample_messages: string[] };
}

/** US/CA toll-free verification record (compliance.md §c5). */
export interface TollFreeVerification {
  business_name: string;
  use_case_summary: string;
  opt_in_workflow_image_urls: string[];
  sample_messages: string[];
  /** Expected messages per month. */
  monthly_volume: number;
}

/** India DLT template categories (compliance.md §c4; Service Explicit was folded into Promotional). */
export type DltTemplateCategory = 'transactional' | 'service_implicit' | 'service_explicit' | 'promotional';

/** India DLT registration (compliance.md §c4). */
export interface DltRegistration {
  /** Principal entity ID from the operator DLT portal. */
  entity_id: string;
  /** The header's traffic type; operators add the suffix (-P/-S/-T/-G) themselves. */
  header_type: 'transactional' | 'service' | 'promotional' | 'government';
  templates: { template_id: string; category: DltTemplateCategory; body: string }[];
}

/** What an alphanumeric sender pre-registration asks for. */
export interface AlphanumericRegistration {
  company_name: string;
  use_case: string;
}

/** One sender to register for one country; the block its registration needs must be present. */
export interface SenderRegistrationInput {
  country: string;
  sender_type: SenderType;
  /** E.164 for long codes and toll-free, 3–8 digits for short codes, the ID (India: the header) otherwise. */
  sender: string;
  ten_dlc?: TenDlcRegistration;
  toll_free?: TollFreeVerification;
  dlt?: DltRegistration;
  alphanumeric?: AlphanumericRegistration;
}

/** The Campaign Registry's standard use cases (Telnyx/Twilio 10DLC docs). */
export const TEN_DLC_USE_CASES = [
  '2FA', 'ACCOUNT_NOTIFICATION', 'CUSTOMER_CARE', 'DELIVERY_NOTIFICATION', 'FRAUD_ALERT', 'HIGHER_EDUCATION',
  'LOW_VOLUME', 'MARKETING', 'MIXED', 'POLLING_VOTING', 'PUBLIC_SERVICE_ANNOUNCEMENT', 'SECURITY_ALERT', 'SOLE_PROPRIETOR',
] as const;

const E164 = /^\+[1-9]\d{6,14}$/;
/** NANP toll-free area codes (800, 833, 844, 855, 866, 877, 888). */
const NANP_TOLL_FREE = /^\+18(00|33|44|55|66|77|88)\d{7}$/;
const SHORT_CODE = /^\d{3,8}$/;
/** 3GPP TS 23.040 TP-OA: an alphanumeric originator is at most 11 GSM-7 characters; carriers want a letter in it. */
const ALPHANUMERIC = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const DLT_ID = /^\d{12,19}$/;
const DLT_VAR = '{#var#}';
const HTTPS_URL = /^https:\/\/[^\s/$.?#][^\s]*\.[^\s]+$/;

const str = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function senderShape(input: SenderRegistrationInput, errors: FieldError[]): void {
  const s = input.sender;
  if (typeof s !== 'string' || s.length === 0) {
    errors.push({ field: 'sender', reason: 'required' });
    return;
  }
  switch (input.sender_type) {
    case 'long_code':
      if (!E164.test(s)) errors.push({ field: 'sender', reason: 'a long code must be an E.164 number (+ and 7–15 digits)' });
      break;
    case 'toll_free':
      if (!E164.test(s)) errors.push({ field: 'sender', reason: 'a toll-free number must be an E.164 number' });
      else if ((input.country === 'US' || input.country === 'CA') && !NANP_TOLL_FREE.test(s))
        errors.push({ field: 'sender', reason: 'not a NANP toll-free number (+1 800/833/844/855/866/877/888)' });
      break;
    case 'short_code':
      if (!SHORT_CODE.test(s)) errors.push({ field: 'sender', reason: 'a short code is 3–8 digits' });
      break;
    case 'alphanumeric':
      if (input.country === 'IN') break; // the DLT header has its own shape, checked with the DLT block
      if (!ALPHANUMERIC.test(s))
        errors.push({ field: 'sender', reason: 'an alphanumeric sender ID is 1–11 letters, digits or spaces with at least one letter (3GPP TS 23.040)' });
      break;
  }
}

function sampleMessages(field: string, samples: unknown, min: number, errors: FieldError[]): void {
  if (!Array.isArray(samples) || samples.length < min) {
    errors.push({ field, reason: `at least ${min} sample message${min > 1 ? 's' : ''} required` });
    return;
  }
  samples.forEach((m, i) => {
    if (!str(m) || m.length < 20 || m.length > 1024) errors.push({ field: `${field}[${i}]`, reason: 'a sample message is 20–1024 characters' });
  });
  if (!samples.some((m) => typeof m === 'string' && /\bSTOP\b/i.test(m)))
    errors.push({ field, reason: 'one sample message must show the opt-out instruction (Reply STOP)' });
}

function tenDlc(r: TenDlcRegistration | undefined, errors: FieldError[]): void {
  if (!r || typeof r !== 'object') {
    errors.push({ field: 'ten_dlc', reason: 'a US 10DLC long code needs its brand and campaign (The Campaign Registry)' });
    return;
  }
  const b = r.brand;
  if (!b || typeof b !== 'object') errors.push({ field: 'ten_dlc.brand', reason: 'required: legal name, EIN, entity type, vertical, website' });
  else {
    if (!str(b.legal_name)) errors.push({ field: 'ten_dlc.brand.legal_name', reason: 'required' });
    const types = ['private_profit', 'public_profit', 'non_profit', 'government', 'sole_proprietor'];
    if (!types.includes(b.entity_type)) errors.push({ field: 'ten_dlc.brand.entity_type', reason: `one of ${types.join(', ')}` });
    if (b.entity_type === 'sole_proprietor') {
      if (b.ein !== undefined) errors.push({ field: 'ten_dlc.brand.ein', reason: 'a Sole Proprietor brand is for senders without a tax ID; register a Standard brand instead' });
    } else if (typeof b.ein !== 'string' || !/^\d{2}-?\d{7}$/.test(b.ein)) {
      errors.push({ field: 'ten_dlc.brand.ein', reason: 'a US EIN of 9 digits (NN-NNNNNNN) is required for this entity type' });
    }
    if (!str(b.vertical)) errors.push({ field: 'ten_dlc.brand.vertical', reason: 'required' });
    if (typeof b.website !== 'string' || !HTTPS_URL.test(b.website)) errors.push({ field: 'ten_dlc.brand.website', reason: 'an https:// URL is required' });
  }
  const c = r.campaign;
  if (!c || typeof c !== 'object') {
    errors.push({ field: 'ten_dlc.campaign', reason: 'required: use case, description, message flow, sample messages' });
    return;
  }
  if (!(TEN_DLC_USE_CASES as readonly string[]).includes(c.use_case)) errors.push({ field: 'ten_dlc.campaign.use_case', reason: `one of ${TEN_DLC_USE_CASES.join(', ')}` });
  if (typeof c.description !== 'string' || c.description.trim().length < 40) errors.push({ field: 'ten_dlc.campaign.description', reason: 'describe the campaign in at least 40 characters' });
  if (typeof c.message_flow !== 'string' || c.message_flow.trim().length < 40)
    errors.push({ field: 'ten_dlc.campaign.message_flow', reason: 'describe how recipients opt in, in at least 40 characters' });
  sampleMessages('ten_dlc.campaign.sample_messages', c.sample_messages, 3, errors);
}

function tollFree(r: TollFreeVerification | undefined, errors: FieldError[]): void {
  if (!r || typeof r !== 'object') {
    errors.push({ field: 'toll_free', reason: 'US/CA toll-free numbers must be verified before they send (unverified ones are blocked since 2024-01-31)' });
    return;
  }
  if (!str(r.business_name)) errors.push({ field: 'toll_free.business_name', reason: 'required' });
  if (typeof r.use_case_summary !== 'string' || r.use_case_summary.trim().length < 20) errors.push({ field: 'toll_free.use_case_summary', reason: 'at least 20 characters' });
  if (!Array.isArray(r.opt_in_workflow_image_urls) || r.opt_in_workflow_image_urls.length === 0)
    errors.push({ field: 'toll_free.opt_in_workflow_image_urls', reason: 'at least one https:// image URL of the opt-in workflow' });
  else r.opt_in_workflow_image_urls.forEach((u, i) => !HTTPS_URL.test(u) && errors.push({ field: `toll_free.opt_in_workflow_image_urls[${i}]`, reason: 'an https:// URL is required' }));
  sampleMessages('toll_free.sample_messages', r.sample_messages, 1, errors);
  if (!Number.isInteger(r.monthly_volume) || r.monthly_volume <= 0) errors.push({ field: 'toll_free.monthly_volume', reason: 'a positive whole number of messages per month' });
}

/** Placeholders that are not the DLT `{#var#}`: `##var##`, `{#Var#}`, `{var}`, Liquid `{{ x }}`. */
const BAD_PLACEHOLDER = /##[^#]*##|\{\{[^}]*\}\}|\{#(?!var#\})[^}]*\}|\{(?!#var#\})[^}#]*\}/;

function dlt(input: SenderRegistrationInput, errors: FieldError[]): void {
  const r = input.dlt;
  if (!r || typeof r !== 'object') {
    errors.push({ field: 'dlt', reason: 'India needs the DLT principal entity (PE) ID, the header type and DLT template IDs' });
    return;
  }
  if (typeof r.entity_id !== 'string' || !DLT_ID.test(r.entity_id)) errors.push({ field: 'dlt.entity_id', reason: 'the DLT PE/entity ID is numeric, 12–19 digits' });
  const types = ['transactional', 'service', 'promotional', 'government'];
  if (!types.includes(r.header_type)) errors.push({ field: 'dlt.header_type', reason: `one of ${types.join(', ')}` });
  const h = typeof input.sender === 'string' ? input.sender : '';
  if (/-[PSTG]$/i.test(h)) errors.push({ field: 'sender', reason: 'register the header without the -P/-S/-T/-G suffix: operators add it' });
  else if (r.header_type === 'promotional' ? !/^\d{6}$/.test(h) : !/^[A-Za-z]{6}$/.test(h))
    errors.push({ field: 'sender', reason: r.header_type === 'promotional' ? 'a promotional DLT header is 6 digits (TRAI)' : 'a DLT header is 6 letters (TRAI, transactional and service traffic)' });
  if (!Array.isArray(r.templates) || r.templates.length === 0) {
    errors.push({ field: 'dlt.templates', reason: 'at least one DLT template ID is required' });
    return;
  }
  r.templates.forEach((t, i) => {
    const f = `dlt.templates[${i}]`;
    if (typeof t.template_id !== 'string' || !DLT_ID.test(t.template_id)) errors.push({ field: `${f}.template_id`, reason: 'a DLT template ID is numeric, 12–19 digits' });
    if (t.category === 'service_explicit') errors.push({ field: `${f}.category`, reason: 'Service Explicit was folded into Promotional (TCCCPR 2025): register it as promotional' });
    else if (!['transactional', 'service_implicit', 'promotional'].includes(t.category)) errors.push({ field: `${f}.category`, reason: 'one of transactional, service_implicit, promotional' });
    else if ((t.category === 'promotional') !== (r.header_type === 'promotional'))
      errors.push({ field: `${f}.category`, reason: 'promotional templates go on a promotional (numeric) header, others on an alphabetic header' });
    if (!str(t.body)) errors.push({ field: `${f}.body`, reason: 'required' });
    else if (BAD_PLACEHOLDER.test(t.body)) errors.push({ field: `${f}.body`, reason: `DLT variables are written ${DLT_VAR} exactly` });
  });
}

/**
 * Validates a sender registration against the country rules.
 * @returns every field error (empty when valid); `field` is the path in the input.
 */
export function validateSenderRegistration(input: SenderRegistrationInput): FieldError[] {
  const errors: FieldError[] = [];
  const rule = typeof input.country === 'string' ? countryRule(input.country) : undefined;
  if (!rule) return [{ field: 'country', reason: `no country rules for ${String(input.country)}` }];
  const typeRule = rule.senderTypes[input.sender_type];
  if (!typeRule) return [{ field: 'sender_type', reason: 'one of long_code, short_code, toll_free, alphanumeric' }];
  if (!typeRule.allowed) return [{ field: 'sender_type', reason: `${input.sender_type} refused for ${rule.country}: ${typeRule.note ?? 'not available'} (source: ${typeRule.source})` }];
  senderShape(input, errors);
  switch (typeRule.registration) {
    case 'us_10dlc':
      tenDlc(input.ten_dlc, errors);
      break;
    case 'toll_free_verification':
      tollFree(input.toll_free, errors);
      break;
    case 'india_dlt':
      dlt(input, errors);
      break;
    case 'alphanumeric_preregistration':
      if (!input.alphanumeric || !str(input.alphanumeric.company_name)) errors.push({ field: 'alphanumeric.company_name', reason: `${rule.name} requires alphanumeric sender IDs to be pre-registered: the company name is required` });
      if (!input.alphanumeric || !str(input.alphanumeric.use_case)) errors.push({ field: 'alphanumeric.use_case', reason: 'the pre-registration needs the use case' });
      break;
    default:
      break;
  }
  return errors;
}

/** True when the sender needs an approval before it may send (anything but `none`). */
export function registrationRequired(country: string, senderType: SenderType): boolean {
  const r = countryRule(country)?.senderTypes[senderType];
  return r !== undefined && r.allowed && r.registration !== 'none';
}
