import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts provider credentials at rest with AES-256-GCM (NIST SP 800-38D): a random 96-bit IV per
 * value, the 128-bit tag appended. Layout of the stored bytes: `v1 (1 byte) | iv (12) | tag (16) |
 * ciphertext`. Credentials are never logged nor returned by the API.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  /** @param keyBase64 32 bytes, base64. @throws Error when the key is not 32 bytes. */
  constructor(keyBase64: string) {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length !== 32) throw new Error('CREDENTIALS_KEY must be 32 bytes, base64-encoded');
  }

  /** Encrypts a JSON-serialisable credentials object. */
  encrypt(credentials: Record<string, string>): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
  }

  /** @throws Error when the data was tampered with or encrypted under another key. */
  decrypt(data: Buffer): Record<string, string> {
    if (data[0] !== 1) throw new Error('unknown credentials encoding version');
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(1, 13));
    decipher.setAuthTag(data.subarray(13, 29));
    const plain = Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  }
}
