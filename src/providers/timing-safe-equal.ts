import { timingSafeEqual as cryptoTimingSafeEqual } from 'node:crypto';

/**
 * Compares two signatures without leaking, through timing, how many leading bytes match
 * (providers.md §9.6: "compare with crypto.timingSafeEqual on equal-length buffers").
 *
 * Strings are compared as their UTF-8 bytes. Inputs of different byte length return `false` at once:
 * that reveals only the length, which is public for fixed-size digests (hex HMAC-SHA256 = 64 chars).
 *
 * @returns true when both inputs hold exactly the same bytes. Never throws.
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.byteLength !== right.byteLength) return false;
  return cryptoTimingSafeEqual(left, right);
}
