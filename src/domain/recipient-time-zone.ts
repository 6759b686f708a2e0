/**
 * Which time zone(s) a recipient is in, for quiet hours and local-time scheduling: the contact's own
 * time zone when known, else the NANP area code (US/CA), else the destination country's zones
 * (issue 7; compliance.md §c3 for the area-code proxy).
 *
 * @module
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { areaCodeRegion } from './nanp-area-codes.js';
import { COUNTRY_TIME_ZONES } from './quiet-hours-rules.js';
import { isKnownTimeZone } from './zoned-time.js';

/** What we know about a recipient's location. */
export interface RecipientLocationInput {
  /** E.164 number, e.g. `+12015550123`. */
  e164: string;
  /** The contact's ISO 3166-1 alpha-2 country, if stored. */
  country?: string | null;
  /** The contact's IANA time zone, if stored (e.g. from a CRM). */
  timeZone?: string | null;
}

/** A recipient's resolved location. */
export interface RecipientLocation {
  /** ISO 3166-1 alpha-2 country (from the contact, the area code or the number), or undefined. */
  country: string | undefined;
  /** US state / CA province from the area code, when the number is NANP and its code is known. */
  region: string | undefined;
  /**
   * Zones the recipient may be in: one when known, several when only the area code or the country is
   * known and it spans zones (send only when allowed in all). `['UTC']` when nothing is known.
   */
  zones: readonly string[];
  /** Which fact decided the zones. */
  zoneSource: 'contact' | 'area_code' | 'country' | 'unknown';
}

/**
 * Resolves where a recipient is. The state (for US state quiet-hours laws) always comes from the
 * area code, even when the contact's zone is known, because state rules follow the number.
 */
export function resolveRecipientLocation(input: RecipientLocationInput): RecipientLocation {
  const byAreaCode = areaCodeRegion(input.e164);
  const country =
    input.country?.toUpperCase() ?? byAreaCode?.country ?? parsePhoneNumberFromString(input.e164)?.country ?? undefined;
  const region = byAreaCode && byAreaCode.country === country ? byAreaCode.region : undefined;
  if (input.timeZone && isKnownTimeZone(input.timeZone)) {
    return { country, region, zones: [input.timeZone], zoneSource: 'contact' };
  }
  if (byAreaCode && byAreaCode.country === country) {
    return { country, region, zones: byAreaCode.zones, zoneSource: 'area_code' };
  }
  const countryZones = country ? COUNTRY_TIME_ZONES[country] : undefined;
  if (countryZones) return { country, region, zones: countryZones, zoneSource: 'country' };
  return { country, region, zones: ['UTC'], zoneSource: 'unknown' };
}
