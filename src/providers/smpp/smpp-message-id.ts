/**
 * SMSC message ids as correlation keys. The id an SMSC returns in `submit_sm_resp` and the one it
 * quotes in the delivery receipt drift in format (providers.md §8.2; vectors V40, V42):
 * - hex on submit, decimal in the receipt (or the reverse): `812FC7470000001B` ≡ `9308878062554710043`;
 * - upper vs lower case: `1101c1-c9d03d-f000` ≡ `1101C1-C9D03D-F000`;
 * - a leading zero of the first group dropped: `0e999f21-81ef-…` ≡ `E999F21-81EF-…`.
 *
 * We store every form a submitted id could come back as ({@link smppIdKeys}) and look a receipt up by
 * its one canonical form ({@link normalizeSmppId}).
 *
 * @module
 */

const HEX = /^[0-9a-f]+$/;
const DECIMAL = /^[0-9]+$/;

/**
 * The canonical form of an SMSC message id: trimmed, lower case, leading zeros of the first
 * `-`-separated group removed (a group of only zeros keeps one `0`).
 */
export function normalizeSmppId(id: string): string {
  const lower = id.trim().toLowerCase();
  const dash = lower.indexOf('-');
  const first = dash === -1 ? lower : lower.slice(0, dash);
  const rest = dash === -1 ? '' : lower.slice(dash);
  const stripped = first.replace(/^0+/, '');
  return (stripped === '' && first !== '' ? '0' : stripped) + rest;
}

/**
 * Every canonical form under which a receipt may quote the id `submitted` (from `submit_sm_resp`):
 * itself normalised, its decimal value when it reads as hex, and its hex value when it reads as
 * decimal (an all-digit id is both). Deduplicated; the exact form first.
 */
export function smppIdKeys(submitted: string): string[] {
  const exact = normalizeSmppId(submitted);
  const keys = [exact];
  // Only dash-free ids convert; 64-bit and longer values stay exact with BigInt.
  if (exact.length > 0 && exact.length <= 32) {
    if (HEX.test(exact)) keys.push(BigInt(`0x${exact}`).toString(10));
    if (DECIMAL.test(exact)) keys.push(BigInt(exact).toString(16));
  }
  return [...new Set(keys)];
}

/** True when a receipt quoting `receipted` refers to the id `submitted` returned by `submit_sm_resp`. */
export function smppIdsMatch(submitted: string, receipted: string): boolean {
  return smppIdKeys(submitted).includes(normalizeSmppId(receipted));
}
