/**
 * What a sender's address and country must look like for its type, when a sender is registered:
 *
 * - `long_code` / `toll_free`: an E.164 number valid on libphonenumber-js's full metadata (written
 *   with `+`; spaces and dashes are formatting and dropped). A `toll_free` sender must be a toll-free
 *   number and a `long_code` must not be one. The country is the number's own (`+1 416…` is CA); a
 *   `country` that disagrees is refused rather than trusted, since routing by country depends on it.
 * - `short_code`: 3 to 8 digits. Short codes are national, so `country` is required.
 * - `alphanumeric`: 1 to 11 characters of `A–Z a–z 0–9` and space with at least one letter (GSM 03.40
 *   TP-OA alphanumeric, as providers accept it). `country` is optional: none means "any country whose
 *   carriers accept alphanumeric senders". A country whose rules refuse alphanumeric senders (US, CA,
 *   …; country-rules-*.ts) is refused.
 *
 * @module
 */
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { SenderType } from './country-rule.js';
import { countryRule } from './country-rules.js';
import type { FieldError } from './field-error.js';
import { normalizePhoneNumber } from './phone-number.js';

/** A checked sender: its address as stored and its ISO 3166-1 alpha-2 country, or null for any. */
export interface CheckedSenderAddress {
  ok: true;
  address: string;
  country: string | null;
}

/** Result of {@link checkSenderAddress}: the stored form, or the fields in error. */
export type SenderAddressCheck = CheckedSenderAddress | { ok: false; errors: FieldError[] };

const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * Checks `address` and `country` against the sender `type` (rules in the module comment).
 * @param input.country ISO 3166-1 alpha-2, any case; undefined or null when not given.
 * @returns the address and country to store, or field errors named `address` / `country`.
 */
export function checkSenderAddress(input: { type: SenderType; address: string; country?: string | null | undefined }): SenderAddressCheck {
  const address = input.address.trim();
  const given = input.country ? input.country.toUpperCase() : null;
  const errors: FieldError[] = [];
  if (given !== null && !isSupportedCountry(given)) errors.push({ field: 'country', reason: `${input.country} is not an ISO 3166-1 alpha-2 country code` });
  switch (input.type) {
    case 'long_code':
    case 'toll_free': {
      if (!address.startsWith('+')) {
        errors.push({ field: 'address', reason: 'must be an E.164 number starting with + (e.g. +12015550100)' });
        break;
      }
      const phone = normalizePhoneNumber(address);
      if (!phone.ok) {
        errors.push({ field: 'address', reason: `not a valid phone number: ${phone.reason}` });
        break;
      }
      const tollFree = phone.type === 'toll_free';
      if (input.type === 'toll_free' && !tollFree) errors.push({ field: 'address', reason: `${phone.e164} is not a toll-free number (type ${phone.type ?? 'unknown'})` });
      if (input.type === 'long_code' && tollFree) errors.push({ field: 'type', reason: `${phone.e164} is a toll-free number: register it as toll_free` });
      if (given !== null && phone.country !== undefined && given !== phone.country) {
        errors.push({ field: 'country', reason: `${phone.e164} is a ${phone.country} number, not ${given}` });
      }
      if (errors.length === 0) return { ok: true, address: phone.e164, country: phone.country ?? given };
      break;
    }
    case 'short_code':
      if (!SHORT_CODE.test(address)) errors.push({ field: 'address', reason: 'a short code is 3 to 8 digits' });
      if (given === null) errors.push({ field: 'country', reason: 'required for a short code (short codes are national)' });
      if (errors.length === 0) return { ok: true, address, country: given };
      break;
    case 'alphanumeric': {
      if (!ALPHANUMERIC.test(address)) errors.push({ field: 'address', reason: 'an alphanumeric sender ID is 1 to 11 letters, digits or spaces, with at least one letter' });
      const rule = given === null ? undefined : countryRule(given)?.senderTypes.alphanumeric;
      if (rule && !rule.allowed) errors.push({ field: 'country', reason: rule.note ?? `${given} carriers do not accept alphanumeric senders` });
      if (errors.length === 0) return { ok: true, address, country: given };
      break;
    }
  }
  return { ok: false, errors };
}

/**
 * Checks a new `country` for an existing sender (PATCH): numbers keep the country of their number;
 * short codes need one; alphanumeric senders may drop it (null = any accepting country).
 * @returns the country to store, or field errors named `country`.
 */
export function checkSenderCountry(sender: { type: SenderType; address: string; country: string | null }, country: string | null): SenderAddressCheck {
  if (sender.type === 'long_code' || sender.type === 'toll_free') {
    const derived = normalizePhoneNumber(sender.address);
    const own = derived.ok ? derived.country ?? null : sender.country;
    if ((country?.toUpperCase() ?? null) === own) return { ok: true, address: sender.address, country: own };
    return { ok: false, errors: [{ field: 'country', reason: `a ${sender.type}'s country is its number's (${own ?? 'none'})` }] };
  }
  return checkSenderAddress({ type: sender.type, address: sender.address, country });
}
