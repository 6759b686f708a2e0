/**
 * Turns a phone number as people and spreadsheets write it into E.164, with libphonenumber-js on the
 * full ('max') metadata so validity and number type are exact rather than length-based.
 *
 * Rules beyond the library's defaults:
 * - Spreadsheet scientific notation (`4.47401E+11`) is refused: Excel kept only ~6 significant digits,
 *   so the real number is lost; expanding the mantissa would text a stranger (vector V27).
 * - A leading `00` international prefix is read as `+`, whatever the default country's own prefix.
 * - Digits written without `+` that start with the default country's calling code and are valid only
 *   when read that way are read as international, as Google libphonenumber does (V20); a number valid
 *   as a national number is never re-read (V23 `3911234567`/IT, V24 `9123456789`/IN).
 * - Spaces, dashes, dots and parentheses are formatting; a trunk `0` after the country code
 *   (`+44 07400 123456`) is dropped (V17); extensions (`;ext=`, ` x`, `ext.`) go to `extension` (V21).
 *
 * @module
 */
import {
  ParseError,
  getCountryCallingCode,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber, PhoneNumberType as LibPhoneNumberType } from 'libphonenumber-js/max';

export type { CountryCode } from 'libphonenumber-js/max';

/** Number type from the 'max' metadata, lower-cased: `mobile`, `fixed_line`, `fixed_line_or_mobile`... */
export type PhoneNumberType = Lowercase<LibPhoneNumberType>;

/** Why a phone number was refused. */
export type PhoneRejectionCode =
  | 'scientific_notation'
  | 'invalid_for_country'
  | 'too_short'
  | 'too_long'
  | 'not_a_number'
  | 'missing_country';

/** A number that is valid for its country. */
export interface PhoneNormalized {
  ok: true;
  /** `+` and digits only, e.g. `+447400123456`. */
  e164: string;
  /** ISO 3166-1 alpha-2 country; absent for non-geographic numbers (`+800`...). */
  country?: CountryCode;
  /** Extension digits, e.g. `136` from `+12015550123 ext. 136`. */
  extension?: string;
  type?: PhoneNumberType;
}

/** A refused number: `reason` is for people, `code` for code. */
export interface PhoneRejected {
  ok: false;
  reason: string;
  code: PhoneRejectionCode;
}

/** Result of {@link normalizePhoneNumber}. */
export type PhoneNormalization = PhoneNormalized | PhoneRejected;

const SCIENTIFIC_NOTATION = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;
const FORMATTING = /[\s\-.()]/g;

/**
 * Normalizes `raw` to E.164.
 *
 * @param raw the number as written: `+44 7400 123456`, `07400 123456`, `0044...`, `(201) 555-0123 x12`.
 * @param defaultCountry the country for numbers written without a country code.
 * @returns `{ ok: true, e164, ... }` for a valid number, otherwise `{ ok: false, reason, code }`; never
 *   throws for bad input. `missing_country` means no `+`/`00` and no `defaultCountry`.
 */
export function normalizePhoneNumber(raw: string, defaultCountry?: CountryCode): PhoneNormalization {
  const text = raw.trim().replace(/^00/, '+');
  if (SCIENTIFIC_NOTATION.test(text)) {
    return reject('scientific_notation', 'phone in scientific notation, digits lost');
  }
  const parsed = parse(text, defaultCountry);
  if ('ok' in parsed) return parsed;
  const valid = validType(parsed);
  if (valid) return normalized(parsed, valid.type);

  // libphonenumber-js already strips the default calling code when the national reading does not fit
  // the country's number pattern; this covers the rest (e.g. `4305351828886`/AT, `61246892821`/CX).
  const digits = text.replace(FORMATTING, '');
  if (defaultCountry && /^\d+$/.test(digits)) {
    const international = parse(`+${digits}`);
    if (!('ok' in international) && international.countryCallingCode === getCountryCallingCode(defaultCountry)) {
      const internationalValid = validType(international);
      if (internationalValid) return normalized(international, internationalValid.type);
    }
  }
  const length = validatePhoneNumberLength(text, { defaultCountry });
  if (length === 'TOO_SHORT' || length === 'TOO_LONG') return fromLibraryError(length, text);
  return reject(
    'invalid_for_country',
    `not a valid ${parsed.country ?? `+${parsed.countryCallingCode}`} number`,
  );
}

function parse(text: string, defaultCountry?: CountryCode): PhoneNumber | PhoneRejected {
  try {
    return parsePhoneNumberWithError(text, { defaultCountry, extract: false });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return fromLibraryError(error.message, text);
  }
}

/** Maps libphonenumber-js error codes (`ParseError.message`, `validatePhoneNumberLength`) to ours. */
function fromLibraryError(code: string, text: string): PhoneRejected {
  switch (code) {
    case 'INVALID_COUNTRY':
      return text.startsWith('+')
        ? reject('invalid_for_country', 'unknown country calling code')
        : reject('missing_country', 'no country code and no default country');
    case 'TOO_SHORT':
      return reject('too_short', 'too few digits for a phone number');
    case 'TOO_LONG':
      return reject('too_long', 'too many digits for a phone number');
    default:
      return reject('not_a_number', 'not a phone number');
  }
}

/**
 * Validity and type in one pass: with types in the metadata ('max' has them), libphonenumber-js's
 * `isValid()` is exactly `getType() !== undefined` (isValid.js), and the type patterns are the costly
 * part (benchmarks.md S6), so the type is read once and `isValid()` is asked only when there is none
 * (a numbering plan without types validates by its national pattern).
 * @returns undefined when the number is not valid.
 */
function validType(number: PhoneNumber): { type: LibPhoneNumberType | undefined } | undefined {
  const type = number.getType();
  if (type !== undefined) return { type };
  return number.isValid() ? { type: undefined } : undefined;
}

function normalized(number: PhoneNumber, type: LibPhoneNumberType | undefined): PhoneNormalized {
  const result: PhoneNormalized = { ok: true, e164: number.number };
  if (number.country) result.country = number.country;
  if (number.ext) result.extension = number.ext;
  if (type) result.type = type.toLowerCase() as PhoneNumberType;
  return result;
}

function reject(code: PhoneRejectionCode, reason: string): PhoneRejected {
  return { ok: false, reason, code };
}
