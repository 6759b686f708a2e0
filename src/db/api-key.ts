import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Every live API key starts with this; the rest is {@link API_KEY_SECRET_LENGTH} base62 characters. */
export const API_KEY_PREFIX = 'sf_live_';

/** Random base62 characters after {@link API_KEY_PREFIX} (32 × log2(62) ≈ 190 bits). */
export const API_KEY_SECRET_LENGTH = 32;

/** Characters of the secret kept in clear beside the hash, so an operator can recognise a key. */
const VISIBLE_SECRET_CHARS = 4;

const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_SECRET_LENGTH}}$`);

/** A newly generated key: the plaintext is shown once, only `hash` and `prefix` are stored. */
export interface GeneratedApiKey {
  /** `sf_live_<32 base62>`; never stored. */
  key: string;
  /** `sf_live_` plus the first 4 secret characters, e.g. `sf_live_a1B2`. */
  prefix: string;
  /** SHA-256 of the whole key (32 bytes), for `api_keys.key_hash`. */
  hash: Buffer;
}

/**
 * `length` uniformly random base62 characters from the CSPRNG (rejection sampling, so no modulo
 * bias). Used for API keys and for unguessable ids such as connection ids.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 62 × 4: bytes at or above it would favour the first characters.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** SHA-256 of a presented key, as stored in `api_keys.key_hash`. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** True when `key` has the shape of an smsflow key (checked before hashing and looking it up). */
export function isApiKeyShaped(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

/** The displayable prefix of a key: `sf_live_` and the first 4 secret characters. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + VISIBLE_SECRET_CHARS);
}

/** Generates a new API key with its stored hash and prefix. */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBase62(API_KEY_SECRET_LENGTH);
  return { key, prefix: apiKeyPrefix(key), hash: hashApiKey(key) };
}
